import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sandbox } from '@asana-exports/sandbox';
import {
  FAULT_MATRIX_CONTENT_BYTES,
  FAULT_ROWS,
  type FaultOutcome,
  type FaultRow,
  faultsOf,
  findSecrets,
  freshTargetGid,
  probeServedBytes,
  scenarioOf,
} from '@asana-exports/sandbox/fault-matrix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestSchema } from '../src/protocol/manifest.js';
import { type CliResult, runCli, startTestSandbox, tempDir } from './support/sandbox.js';

/**
 * The shared fault matrix (packages/sandbox/src/fault-matrix.ts) through `asana-export run`.
 * Every row ends with the same checks: a success leaves exactly the verified file and its
 * manifest (equal to what the store served); a failure exits with its category's code and leaves
 * nothing under any name; no secret is printed; the token never reached the store.
 */

/** The CLI's exit code for each outcome (see src/cli/exit-codes.ts). */
const EXIT_CODE: Record<'success' | FailureCategory, number> = {
  success: 0,
  api: 3,
  'export-failed': 4,
  integrity: 4,
  timeout: 5,
};
type FailureCategory = Extract<FaultOutcome, { type: 'failure' }>['category'];

const TARGET_BY_KIND = {
  organization: ['--organization', '1600000000000001'],
  graph: ['--parent', '1600000000000003'],
} as const;

let sandbox: Sandbox;
let servedBytes: number;

beforeAll(async () => {
  sandbox = await startTestSandbox({ contentBytes: FAULT_MATRIX_CONTENT_BYTES });
  servedBytes = await probeServedBytes();
});
afterAll(async () => {
  await sandbox.close();
});

async function runRow(row: FaultRow): Promise<{ result: CliResult; out: string }> {
  sandbox.configure(scenarioOf(row));
  for (const fault of faultsOf(row, servedBytes)) sandbox.inject(fault);
  const kind = row.kind ?? 'graph';
  // A workspace of its own per row: resource exports allow one running export per workspace.
  const target = kind === 'resource' ? ['--workspace', freshTargetGid()] : TARGET_BY_KIND[kind];
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
      '--poll-interval',
      '100ms',
      '--poll-max-interval',
      '300ms',
      ...(row.timeoutMs === undefined ? [] : ['--timeout', `${row.timeoutMs}ms`]),
    ],
    { ASANA_TOKEN: row.token ?? sandbox.token },
  );
  return { result, out };
}

describe('fault matrix: asana-export run', () => {
  it.each(FAULT_ROWS.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const { result, out } = await runRow(row);
    const { outcome } = row;
    const expectedExit = EXIT_CODE[outcome.type === 'success' ? 'success' : outcome.category];
    expect({ exit: result.code, stderr: result.stderr }).toMatchObject({ exit: expectedExit });
    if (outcome.type === 'failure') expect(result.stderr).toMatch(outcome.message);

    const files = await readdir(out);
    if (outcome.type === 'success') {
      const manifest = manifestSchema.parse(JSON.parse(result.stdout));
      const served = await sandbox.exportFile(manifest.jobGid ?? manifest.exportGid ?? '');
      expect(manifest.file.sha256).toBe(served.sha256);
      expect(manifest.records.total).toBe(served.records);
      expect(files.sort()).toEqual(
        [manifest.file.name, manifest.file.name.replace(/\.jsonl?\.gz$/, '.manifest.json')].sort(),
      );
      const written = await readFile(
        join(out, files.find((name) => name.endsWith('.manifest.json')) ?? ''),
        'utf8',
      );
      expectNoSecrets(written, row);
    } else {
      expect(result.stdout).toBe('');
      expect(files).toEqual([]);
      expect(result.stderr).toMatch(/^error: /m);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    expectNoSecrets(result.stdout + result.stderr, row);
    expect(sandbox.downloadAuthViolations).toEqual([]);
  });
});

function expectNoSecrets(text: string, row: FaultRow) {
  expect(findSecrets(text, [sandbox.token, row.token])).toEqual([]);
}
