import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sandbox } from '@asana-exports/sandbox';
import {
  FAULT_MATRIX_CONTENT_BYTES,
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
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestSchema } from '../src/protocol/manifest.js';
import { type CliResult, runCli, startTestSandbox, tempDir } from './support/sandbox.js';

/**
 * The shared fault matrix (packages/sandbox/src/fault-matrix.ts) through `asana-export run`.
 * Every row ends with the same checks: a success leaves exactly the verified file and its
 * manifest (equal to what the store served); a failure exits with its category's code and leaves
 * nothing under a visible name (a resumable one may keep its bytes hidden, and says so; once the
 * fault is gone, the printed command finishes the export); no secret and no raw control
 * character is printed; the token never reached the store.
 */

/** The CLI's exit code for each outcome (see src/cli/exit-codes.ts). */
const EXIT_CODE: Record<'success' | FailureCategory, number> = {
  success: 0,
  input: 2,
  api: 3,
  download: 3,
  'export-failed': 4,
  integrity: 4,
  timeout: 5,
};

/**
 * Each row exports a target of its own: one resource export runs per workspace, and a graph
 * export of a parent already exporting joins it.
 */
const TARGET_BY_KIND = {
  organization: () => ['--organization', '1600000000000001'],
  resource: () => ['--workspace', freshTargetGid()],
  graph: () => ['--parent', freshTargetGid()],
} as const;

const FAST_POLL = ['--poll-interval', '100ms', '--poll-max-interval', '300ms'];

let sandbox: Sandbox;
let served: ServedFiles;

beforeAll(async () => {
  sandbox = await startTestSandbox({ contentBytes: FAULT_MATRIX_CONTENT_BYTES });
  served = await probeServedFiles();
});
afterAll(async () => {
  await sandbox.close();
});

/** The row's limits, as the CLI's flags. */
function limitFlags(row: FaultRow): string[] {
  const { timeoutMs, requestTimeoutMs, stallTimeoutMs, minSpeed } = row.limits ?? {};
  return [
    ...(timeoutMs === undefined ? [] : ['--timeout', `${timeoutMs}ms`]),
    ...(requestTimeoutMs === undefined ? [] : ['--request-timeout', `${requestTimeoutMs}ms`]),
    ...(stallTimeoutMs === undefined ? [] : ['--stall-timeout', `${stallTimeoutMs}ms`]),
    ...(minSpeed === undefined ? [] : ['--min-speed', String(minSpeed)]),
  ];
}

async function runRow(row: FaultRow): Promise<{ result: CliResult; out: string }> {
  sandbox.clearFaults();
  sandbox.configure(scenarioOf(row));
  for (const fault of faultsOf(row, served)) sandbox.inject(fault);
  const kind = row.kind ?? 'graph';
  const target = TARGET_BY_KIND[kind]();
  const out = await tempDir();
  const result = await runCli(
    [
      'run',
      '--kind',
      kind,
      ...target,
      '--out',
      out,
      '--base-url',
      sandbox.apiUrl,
      ...FAST_POLL,
      ...limitFlags(row),
    ],
    { ASANA_TOKEN: row.token ?? sandbox.token },
  );
  return { result, out };
}

/** Checks a successful run's stdout and folder against what the store serves now. */
async function expectIntactExport(result: CliResult, out: string, row: FaultRow): Promise<void> {
  expect({ exit: result.code, stderr: result.stderr }).toMatchObject({ exit: 0 });
  const manifest = manifestSchema.parse(JSON.parse(result.stdout));
  const file = await sandbox.exportFile(manifest.jobGid ?? manifest.exportGid ?? '');
  expect(manifest.file.sha256).toBe(file.sha256);
  expect(manifest.records.total).toBe(file.records);
  const manifestName = manifest.file.name.replace(/\.jsonl?\.gz$/, '.manifest.json');
  expect((await readdir(out)).sort()).toEqual([manifest.file.name, manifestName].sort());
  expectNothingLeaked(await readFile(join(out, manifestName), 'utf8'), row);
}

describe('fault matrix: asana-export run', () => {
  it.each(FAULT_ROWS.map((row) => [row.name, row] as const))(
    '%s',
    { timeout: FAULT_ROW_TIME_LIMIT_MS },
    async (_name, row) => {
      const before = sandbox.requests.length;
      const { result, out } = await runRow(row);
      const { outcome } = row;
      expectNothingLeaked(result.stdout + result.stderr, row);
      expect(sandbox.downloadAuthViolations).toEqual([]);
      expect(row.checkRequests?.(sandbox.requests.slice(before)) ?? []).toEqual([]);

      if (outcome.type === 'success') {
        await expectIntactExport(result, out, row);
        return;
      }
      expect({ exit: result.code, stderr: result.stderr }).toMatchObject({
        exit: EXIT_CODE[outcome.category],
      });
      expect(result.stderr).toMatch(outcome.message);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^error: /m);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      if (outcome.noRequest) {
        expect(sandbox.requests.length).toBe(before);
        expect(result.stderr).not.toMatch(/may have reached Asana/);
      }

      // Nothing under a visible name; bytes kept for a resume are hidden, and said so.
      const files = await readdir(out);
      expect(files.filter((name) => !name.startsWith('.'))).toEqual([]);
      const resume =
        /^resume: asana-export (run --resume .*?)(?: \(continues from .* kept\))?$/m.exec(
          result.stderr,
        );
      if (!outcome.resumable) {
        expect(resume).toBeNull();
        expect(files).toEqual([]);
        return;
      }
      expect(resume, result.stderr).not.toBeNull();
      if (files.length > 0) expect(resume?.[0]).toMatch(/continues from .* kept\)$/);
      // A corrupt object stays corrupt: only a fault that passes can be resumed past.
      if (scenarioOf(row).corruption !== 'none') return;
      // The fault is over: the printed command, as a user pastes it, finishes the export.
      sandbox.clearFaults();
      const resumed = await runCli([...(resume?.[1] ?? '').split(' '), ...FAST_POLL], {
        ASANA_TOKEN: sandbox.token,
      });
      await expectIntactExport(resumed, out, row);
    },
  );
});

function expectNothingLeaked(text: string, row: FaultRow) {
  expect(findSecrets(text, [sandbox.token, row.token])).toEqual([]);
  expect(findRawControls(text)).toEqual([]);
}
