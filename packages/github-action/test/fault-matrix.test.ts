/**
 * The shared fault matrix (packages/sandbox/src/fault-matrix.ts) through the built action
 * (`dist/index.js`), run as the runner runs it. Every row ends with the same checks: a success
 * stores exactly the file Asana served and a manifest that says so; a failure fails the step with
 * the row's message, writes a summary and stores nothing; no secret reaches the log, the outputs,
 * the summary or the manifest; the token never reaches the store.
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
  FAULT_ROWS,
  type FaultOutcome,
  type FaultRow,
  faultsOf,
  findSecrets,
  freshTargetGid,
  probeServedBytes,
  scenarioOf,
} from '@asana-exports/sandbox/fault-matrix';
import { afterAll, beforeAll, describe, it } from 'vitest';
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
  'export-failed': {
    error: /^::error::Asana reports .* as (failed|error)%0A/,
    state: /^(failed|error)$/,
  },
  integrity: {
    error: /^::error::The downloaded export is not intact: /,
    state: /^(succeeded|finished)$/,
  },
  timeout: {
    error: /^::error::Gave up waiting after /,
    state: /^(not_started|in_progress|pending|started)$/,
  },
};
type FailureCategory = Extract<FaultOutcome, { type: 'failure' }>['category'];

const STATE_ARTIFACT = /^asana-exports-state-/;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let cacheDir: string;
let service: ArtifactService;
let servedBytes: number;
let nextRunId = 9_100_000_000;

beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'asana-action-fault-matrix-'));
  service = await ArtifactService.start();
  servedBytes = await probeServedBytes({ cacheDir });
});
afterAll(async () => {
  await service?.close();
  if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
});

interface RowRun {
  readonly sandbox: Sandbox;
  readonly run: WorkflowRun;
  readonly result: ActionRun;
}

async function runRow(row: FaultRow, use: (rowRun: RowRun) => Promise<void>): Promise<void> {
  // A token of the row's own: a leak of it cannot hide behind a common word.
  const token = `2/1600000000000000/${randomBytes(12).toString('hex')}`;
  const sandbox = await startSandbox({
    cacheDir,
    token,
    scenario: scenarioOf(row),
  });
  try {
    for (const fault of faultsOf(row, servedBytes)) sandbox.inject(fault);
    const kind = row.kind ?? 'graph';
    const run = service.newRun(++nextRunId);
    const result = await runAction({
      service,
      run,
      inputs: {
        'asana-token': row.token ?? sandbox.token,
        'base-url': sandbox.apiUrl,
        kind,
        ...TARGET_BY_KIND[kind](),
        'poll-interval': '300ms',
        ...(row.timeoutMs === undefined ? {} : { 'timeout-minutes': `${row.timeoutMs}ms` }),
      },
    });
    await use({ sandbox, run, result });
  } finally {
    await sandbox.close();
  }
}

describe('fault matrix: the action', () => {
  it.concurrent.for(FAULT_ROWS.map((row) => [row.name, row] as const))(
    '%s',
    async ([, row], { expect }) => {
      await runRow(row, async ({ sandbox, run, result }) => {
        const { outcome } = row;
        const artifacts = service.artifacts.filter((artifact) => artifact.run === run);
        const visible = [
          logWithoutMaskCommands(result.stdout),
          result.stderr,
          result.summary,
          JSON.stringify(result.outputs),
        ];

        if (outcome.type === 'success') {
          expect(result.code, result.stdout).toBe(0);
          const kind = row.kind ?? 'graph';
          const gid =
            kind === 'organization' ? result.outputs['export-gid'] : result.outputs['job-gid'];
          const served = await sandbox.exportFile(gid ?? '');

          // One export artifact, finalized (beside it, the state artifact later runs read).
          const exports = artifacts.filter((artifact) => !STATE_ARTIFACT.test(artifact.name));
          expect(exports).toHaveLength(1);
          const [artifact] = exports;
          expect(artifact?.finalized).toBe(true);
          const fileName = basename(result.outputs.file ?? '');
          expect(fileName).toMatch(new RegExp(`^asana-${kind}-export-\\d+\\.jsonl?\\.gz$`));
          const manifestName = fileName.replace(/\.jsonl?\.gz$/, '.manifest.json');
          const entries = entriesOf(artifact);
          expect(entries.map((entry) => entry.name).sort()).toEqual(
            [fileName, manifestName].sort(),
          );
          const file = entries.find((entry) => entry.name === fileName)?.data ?? Buffer.alloc(0);
          expect(sha256(file)).toBe(served.sha256);
          expect(file.equals(await readFile(served.path))).toBe(true);
          const manifestText =
            entries.find((entry) => entry.name === manifestName)?.data.toString('utf8') ?? '';
          const manifest = JSON.parse(manifestText) as Manifest;
          expect(manifest).toMatchObject({
            kind,
            file: { name: fileName, bytes: served.bytes, sha256: served.sha256 },
            records: { total: served.records, byResourceType: served.byResourceType },
          });
          expect(JSON.parse(result.outputs.manifest ?? '')).toEqual(manifest);
          expect(result.outputs).toMatchObject({
            state: kind === 'organization' ? 'finished' : 'succeeded',
            bytes: String(served.bytes),
            sha256: served.sha256,
            records: String(served.records),
            'artifact-id': String(artifact?.id),
            'artifact-name': artifact?.name,
          });
          expect(sha256(await readFile(result.outputs.file ?? ''))).toBe(served.sha256);
          expect(result.summary).toContain('<h2>Asana export: ');
          expect(result.summary).toContain(`<code>${served.sha256}</code>`);
          visible.push(manifestText);
        } else {
          expect(result.code, result.stdout).not.toBe(0);
          expect(errorLine(result)).toMatch(outcome.message);
          const category = CATEGORY[outcome.category];
          expect(errorLine(result)).toMatch(category.error);
          if (category.state) expect(result.outputs.state).toMatch(category.state);
          expect(result.summary).toContain('<h2>Asana export failed</h2>');
          expect(result.summary).toContain('<th>Artifact</th><td>none: nothing was stored</td>');
          // Nothing was stored, not even an artifact left unfinished, and no file was reported.
          expect(artifacts).toEqual([]);
          expect(result.outputs['artifact-id']).toBeUndefined();
          expect(result.outputs.file).toBeUndefined();
          expect(result.outputs.sha256).toBeUndefined();
          // Nor is anything that looks like a complete export left on the runner.
          expect(await exportFilesUnder(result.runnerTemp)).toEqual([]);
        }

        expect(findSecrets(visible.join('\n'), [sandbox.token, row.token])).toEqual([]);
        expect(sandbox.downloadAuthViolations).toEqual([]);
      });
    },
  );
});

/** Export and manifest files anywhere under a folder. */
async function exportFilesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.filter((name) => /\.(json|jsonl)(\.gz)?$|\.manifest\.json$/.test(name)).sort();
}
