/**
 * The shared fault matrix (packages/sandbox/src/fault-matrix.ts) through the built action
 * (`dist/index.js`), run as the runner runs it. Every row ends with the same checks: a success
 * stores exactly the file Asana served and a manifest that says so; a failure fails the step with
 * the row's message, writes a summary and stores nothing, and when the export goes on at Asana
 * says which inputs resume it (which, once the fault is gone, do); no secret and no raw control
 * character reaches the log, the outputs, the summary or the manifest; the token never reaches
 * the store.
 *
 * Each row gets a sandbox of its own (faults are queued per sandbox and route), so rows run
 * concurrently; the sandboxes share one content cache.
 */

import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Manifest } from '@asana-exports/core/node';
import { type Sandbox, startSandbox } from '@asana-exports/sandbox';
import {
  FAULT_ROW_TIME_LIMIT_MS,
  FAULT_ROWS,
  type FailureCategory,
  type FaultRow,
  faultsOf,
  findRawControls,
  findSecrets,
  freshTargetGid,
  probeServedFiles,
  type ServedFiles,
  scenarioOf,
} from '@asana-exports/sandbox/fault-matrix';
import { afterAll, beforeAll, describe, type ExpectStatic, it } from 'vitest';
import { ArtifactService, type WorkflowRun } from './support/artifact-service.js';
import { entriesOf, errorLine } from './support/fixtures.js';
import { type ActionRun, logWithoutMaskCommands, runAction } from './support/runner.js';

/** The export's target input for each kind; resource rows get a fresh workspace each. */
const TARGET_BY_KIND = {
  organization: () => ({ organization: '1600000000000001' }),
  resource: () => ({ workspace: freshTargetGid() }),
  graph: () => ({ parent: '1600000000000003' }),
} as const;

/**
 * How the step's error says which kind of failure it is (the CLI's exit code says it there), and
 * the state output it leaves: Asana's last word, to resume by gid.
 */
const CATEGORY: Record<FailureCategory, { error: RegExp; state: RegExp | undefined }> = {
  api: { error: /^::error::Asana answered \d{3} to (GET|POST) \//, state: undefined },
  download: {
    error: /^::error::The download host /,
    state: /^(succeeded|finished)$/,
  },
  'export-failed': {
    error: /^::error::Asana reports .* as (failed|error)%0A/,
    state: /^(failed|error)$/,
  },
  integrity: {
    error: /^::error::The downloaded export is not intact: /,
    state: /^(succeeded|finished)$/,
  },
  timeout: {
    error: /^::error::Gave up (waiting )?after /,
    state: /^(not_started|in_progress|pending|started|succeeded|finished)$/,
  },
  input: { error: /^::error::Invalid asana-token: /, state: undefined },
};

/** The inputs that pick an export up again, as the failure's hint names them. */
const RESUME_HINT =
  /To resume it, run this step with (export-gid: (\d+)|kind: (\w+) and job-gid: (\d+))/;

const STATE_ARTIFACT = /^asana-exports-state-/;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let cacheDir: string;
let service: ArtifactService;
let served: ServedFiles;
let nextRunId = 9_100_000_000;

beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'asana-action-fault-matrix-'));
  service = await ArtifactService.start();
  served = await probeServedFiles({ cacheDir });
});
afterAll(async () => {
  await service?.close();
  if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
});

/** The row's limits, as the action's inputs. */
function limitInputs(row: FaultRow): Record<string, string> {
  const { timeoutMs, requestTimeoutMs, stallTimeoutMs, minSpeed } = row.limits ?? {};
  return {
    ...(timeoutMs === undefined ? {} : { 'timeout-minutes': `${timeoutMs}ms` }),
    ...(requestTimeoutMs === undefined ? {} : { 'request-timeout': `${requestTimeoutMs}ms` }),
    ...(stallTimeoutMs === undefined ? {} : { 'stall-timeout': `${stallTimeoutMs}ms` }),
    ...(minSpeed === undefined ? {} : { 'min-speed': String(minSpeed) }),
  };
}

interface StepRun {
  readonly run: WorkflowRun;
  readonly result: ActionRun;
}

async function runStep(sandbox: Sandbox, inputs: Record<string, string>): Promise<StepRun> {
  const run = service.newRun(++nextRunId);
  const result = await runAction({
    service,
    run,
    inputs: { 'base-url': sandbox.apiUrl, 'poll-interval': '300ms', ...inputs },
  });
  return { run, result };
}

/** What the step shows: its log (without the masks it registers), outputs and summary. */
function visibleText(result: ActionRun): string[] {
  return [
    logWithoutMaskCommands(result.stdout),
    result.stderr,
    result.summary,
    JSON.stringify(result.outputs),
  ];
}

/**
 * A successful step stored exactly the file the store serves now, and a manifest that says so;
 * returns the manifest's text (for the secrets check).
 */
async function expectStoredExport(
  expect: ExpectStatic,
  sandbox: Sandbox,
  kind: string,
  { run, result }: StepRun,
): Promise<string> {
  expect(result.code, result.stdout).toBe(0);
  const gid = kind === 'organization' ? result.outputs['export-gid'] : result.outputs['job-gid'];
  const file = await sandbox.exportFile(gid ?? '');
  const artifacts = service.artifacts.filter((artifact) => artifact.run === run);

  // One export artifact, finalized (beside it, the state artifact later runs read).
  const exports = artifacts.filter((artifact) => !STATE_ARTIFACT.test(artifact.name));
  expect(exports).toHaveLength(1);
  const [artifact] = exports;
  expect(artifact?.finalized).toBe(true);
  const fileName = basename(result.outputs.file ?? '');
  expect(fileName).toMatch(new RegExp(`^asana-${kind}-export-${gid}\\.jsonl?\\.gz$`));
  const manifestName = fileName.replace(/\.jsonl?\.gz$/, '.manifest.json');
  const entries = entriesOf(artifact);
  expect(entries.map((entry) => entry.name).sort()).toEqual([fileName, manifestName].sort());
  const stored = entries.find((entry) => entry.name === fileName)?.data ?? Buffer.alloc(0);
  expect(sha256(stored)).toBe(file.sha256);
  expect(stored.equals(await readFile(file.path))).toBe(true);
  const manifestText =
    entries.find((entry) => entry.name === manifestName)?.data.toString('utf8') ?? '';
  const manifest = JSON.parse(manifestText) as Manifest;
  expect(manifest).toMatchObject({
    kind,
    file: { name: fileName, bytes: file.bytes, sha256: file.sha256 },
    // Organization exports are one JSON document: their records are not counted by type.
    records:
      kind === 'organization'
        ? { total: file.records }
        : { total: file.records, byResourceType: file.byResourceType },
  });
  expect(JSON.parse(result.outputs.manifest ?? '')).toEqual(manifest);
  expect(result.outputs).toMatchObject({
    state: kind === 'organization' ? 'finished' : 'succeeded',
    bytes: String(file.bytes),
    sha256: file.sha256,
    records: String(file.records),
    'artifact-id': String(artifact?.id),
    'artifact-name': artifact?.name,
  });
  expect(sha256(await readFile(result.outputs.file ?? ''))).toBe(file.sha256);
  expect(result.summary).toContain('<h2>Asana export: ');
  expect(result.summary).toContain(`<code>${file.sha256}</code>`);
  return manifestText;
}

describe('fault matrix: the action', () => {
  it.concurrent.for(FAULT_ROWS.map((row) => [row.name, row] as const))(
    '%s',
    { timeout: FAULT_ROW_TIME_LIMIT_MS },
    async ([, row], { expect }) => {
      // A token of the row's own: a leak of it cannot hide behind a common word.
      const token = `2/1600000000000000/${randomBytes(12).toString('hex')}`;
      const sandbox = await startSandbox({ cacheDir, token, scenario: scenarioOf(row) });
      try {
        for (const fault of faultsOf(row, served)) sandbox.inject(fault);
        const kind = row.kind ?? 'graph';
        const step = await runStep(sandbox, {
          'asana-token': row.token ?? sandbox.token,
          kind,
          ...TARGET_BY_KIND[kind](),
          ...limitInputs(row),
        });
        const { result, run } = step;
        const visible = visibleText(result);
        const { outcome } = row;
        expect(row.checkRequests?.(sandbox.requests) ?? []).toEqual([]);

        if (outcome.type === 'success') {
          visible.push(await expectStoredExport(expect, sandbox, kind, step));
        } else {
          expect(result.code, result.stdout).not.toBe(0);
          expect(errorLine(result)).toMatch(outcome.message);
          const category = CATEGORY[outcome.category];
          expect(errorLine(result)).toMatch(category.error);
          if (category.state) expect(result.outputs.state).toMatch(category.state);
          expect(result.summary).toContain('<h2>Asana export failed</h2>');
          expect(result.summary).toContain('<th>Artifact</th><td>none: nothing was stored</td>');
          // Nothing was stored, not even an artifact left unfinished, and no file was reported.
          expect(service.artifacts.filter((artifact) => artifact.run === run)).toEqual([]);
          expect(result.outputs['artifact-id']).toBeUndefined();
          expect(result.outputs.file).toBeUndefined();
          expect(result.outputs.sha256).toBeUndefined();
          // Nor is anything that looks like a complete export left on the runner.
          expect(await exportFilesUnder(result.runnerTemp)).toEqual([]);
          if (outcome.noRequest) expect(sandbox.requests).toEqual([]);

          const resume = RESUME_HINT.exec(errorLine(result));
          if (!outcome.resumable) {
            expect(resume, errorLine(result)).toBeNull();
          } else {
            expect(resume, errorLine(result)).not.toBeNull();
            // Once the fault is gone, the inputs the hint names finish the export.
            if (scenarioOf(row).corruption === 'none') {
              sandbox.clearFaults();
              const [, , exportGid, resumeKind, jobGid] = resume ?? [];
              const again = await runStep(sandbox, {
                'asana-token': sandbox.token,
                ...(exportGid === undefined
                  ? { kind: resumeKind ?? '', 'job-gid': jobGid ?? '' }
                  : { 'export-gid': exportGid }),
              });
              visible.push(...visibleText(again.result));
              visible.push(await expectStoredExport(expect, sandbox, kind, again));
            }
          }
        }

        const shown = visible.join('\n');
        expect(findSecrets(shown, [sandbox.token, row.token])).toEqual([]);
        expect(findRawControls(shown)).toEqual([]);
        expect(sandbox.downloadAuthViolations).toEqual([]);
      } finally {
        await sandbox.close();
      }
    },
  );
});

/** Export and manifest files anywhere under a folder. */
async function exportFilesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.filter((name) => /\.(json|jsonl)(\.gz)?$|\.manifest\.json$/.test(name)).sort();
}
