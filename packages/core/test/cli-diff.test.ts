import { copyFile, mkdir, readdir, readFile, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import type { RevisionChanges, Sandbox } from '@asana-exports/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffExportFiles } from '../src/node/diff-exports.js';
import { secondThreadAvailable } from '../src/node/diff-on-thread.js';
import { DIFF_EXAMPLES, type DiffReport } from '../src/protocol/diff-report.js';
import { ageKeygen, describeWithAge } from './support/age-tool.js';
import { exportAt, type Kind } from './support/exports.js';
import { runCli, startTestSandbox, tempDir } from './support/sandbox.js';

// `asana-export diff OLD NEW` as a user runs it, on exports the CLI downloaded from the sandbox
// at revision 0 and at revision 1 of the same workspace: the sandbox tallies, while it writes
// revision 1, what a diff must report, so every count below is known before the diff runs.
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox({ contentBytes: 1024 * 1024 });
});
afterAll(async () => {
  await sandbox.close();
});

let nextTarget = 1480000000000000;

async function pair(kind: Kind, extra: readonly string[] = []) {
  const target = String(nextTarget++);
  const older = await exportAt(sandbox, kind, target, 0, extra);
  const newer = await exportAt(sandbox, kind, target, 1, extra);
  return { older, newer };
}

function parseReport(stdout: string): DiffReport {
  return JSON.parse(stdout) as DiffReport;
}

/** The report's counts per type are exactly the sandbox's tally, field by field. */
function expectReportMatches(report: DiffReport, changes: RevisionChanges | undefined): void {
  expect(changes).toBeDefined();
  const expected = changes as RevisionChanges;
  const types = Object.keys(expected.byResourceType).sort();
  expect(Object.keys(report.byResourceType).sort()).toEqual(types);
  for (const type of types) {
    const want = expected.byResourceType[type];
    const got = report.byResourceType[type];
    expect(got, type).toEqual(want);
  }
  expect(report.customFieldRenames.map(({ from, to }) => ({ from, to }))).toEqual(
    expected.renamedCustomFields,
  );
  const sum = (key: 'added' | 'removed' | 'changed') =>
    Object.values(expected.byResourceType).reduce((total, type) => total + type[key], 0);
  expect(report.totals.added).toBe(sum('added'));
  expect(report.totals.removed).toBe(sum('removed'));
  expect(report.totals.changed).toBe(sum('changed'));
  // A workspace this small still has some of each, or the test would prove little.
  expect(report.totals.added).toBeGreaterThan(0);
  expect(report.totals.removed).toBeGreaterThan(0);
  expect(report.totals.changed).toBeGreaterThan(0);
}

describe('asana-export diff', () => {
  it.each(['graph', 'resource', 'organization'] as const)(
    'reports exactly what changed between two %s exports of one target',
    async (kind) => {
      const { older, newer } = await pair(kind);
      const result = await runCli(['diff', older.path, newer.path], {});
      expect(result.code, result.stderr).toBe(0);
      const report = parseReport(result.stdout);
      expectReportMatches(report, newer.changes);
      expect(report.kind).toBe(kind);
      expect(report.old.exportGid).toBe(older.manifest.exportGid);
      expect(report.new.exportGid).toBe(newer.manifest.exportGid);
      expect(report.old.records).toBe(older.manifest.records.total);
      expect(report.new.records).toBe(newer.manifest.records.total);
      expect(report.examples.changed.length).toBeGreaterThan(0);
      // Every example is a real change: its two values differ.
      for (const example of report.examples.changed) expect(example.old).not.toBe(example.new);
      expect(result.stderr).toMatch(
        new RegExp(
          `^${report.totals.added} added, ${report.totals.removed} removed, ${report.totals.changed} changed`,
          'm',
        ),
      );
    },
  );

  it('makes on two threads (the built CLI) the report one thread makes, examples included', async () => {
    // The built package has the second thread's script beside the code that starts it; the
    // TypeScript sources do not, so diffExportFiles from them does everything on one thread.
    const built = (await import(
      new URL('../dist/node/diff-on-thread.js', import.meta.url).href
    )) as typeof import('../src/node/diff-on-thread.js');
    expect(built.secondThreadAvailable()).toBe(true);
    expect(secondThreadAvailable()).toBe(false);

    const { older, newer } = await pair('graph');
    const result = await runCli(['diff', older.path, newer.path], {});
    expect(result.code, result.stderr).toBe(0);
    const inOne = await diffExportFiles(
      { path: older.path, manifest: undefined },
      { path: newer.path, manifest: undefined },
      { identities: [], tempDir: undefined, signal: new AbortController().signal },
    );
    const { tool: _, ...threaded } = parseReport(result.stdout);
    const { tool: __, ...single } = inOne.report;
    expect(threaded).toEqual(JSON.parse(JSON.stringify(single)));
    expect(threaded.examples.added).toHaveLength(Math.min(DIFF_EXAMPLES, threaded.totals.added));
    expect(threaded.examples.changed).toHaveLength(DIFF_EXAMPLES);
  });

  it('finds nothing changed between an export and itself, and leaves no temporary file', async () => {
    const { older } = await pair('graph');
    const temp = await tempDir();
    const result = await runCli(['diff', older.path, older.path, '--temp-dir', temp], {});
    expect(result.code, result.stderr).toBe(0);
    const report = parseReport(result.stdout);
    expect(report.totals.added + report.totals.removed + report.totals.changed).toBe(0);
    expect(report.totals.unchanged).toBe(report.totals.old);
    expect(report.totals.old).toBeGreaterThan(0);
    expect(await readdir(temp)).toEqual([]);
  });

  it('prints Markdown, writes the JSON report to --report, and exits 9 past a --fail-on limit', async () => {
    const { older, newer } = await pair('graph');
    const dir = await tempDir();
    const reportFile = join(dir, 'report.json');
    const result = await runCli(
      [
        'diff',
        older.path,
        newer.path,
        '--format',
        'markdown',
        '--report',
        reportFile,
        '--fail-on',
        'removed>0.5%,added>100000',
      ],
      {},
    );
    expect(result.code, result.stderr).toBe(9);
    const report = JSON.parse(await readFile(reportFile, 'utf8')) as DiffReport;
    expectReportMatches(report, newer.changes);
    expect(result.stdout).toContain('| **all** |');
    expect(result.stdout).toContain('- `Priority` → `Urgency`');
    expect(result.stdout).toMatch(/\*\*limit crossed\*\*: `removed>0\.5%: \d+ records removed/);
    expect(result.stdout).not.toContain('added>100000');
    expect(result.stderr).toMatch(/^limit crossed: removed>0\.5%: /m);

    // Under the limit: exit 0. And --report never overwrites what is there.
    const calm = await runCli(['diff', older.path, newer.path, '--fail-on', 'removed>50%'], {});
    expect(calm.code, calm.stderr).toBe(0);
    const again = await runCli(['diff', older.path, newer.path, '--report', reportFile], {});
    expect(again.code).toBe(6);
    expect(JSON.parse(await readFile(reportFile, 'utf8'))).toEqual(report);
  });

  it('refuses exports of different kinds or targets, naming the file, before reading them', async () => {
    const graph = await pair('graph');
    const other = await exportAt(sandbox, 'graph', String(nextTarget++), 0);
    const resource = await exportAt(sandbox, 'resource', String(nextTarget++), 0);

    const kinds = await runCli(['diff', graph.older.path, resource.path], {});
    expect(kinds.code).toBe(2);
    expect(kinds.stdout).toBe('');
    expect(kinds.stderr).toContain(
      `error: Invalid NEW: ${resource.path} is a resource export and ${graph.older.path} a graph export`,
    );

    const targets = await runCli(['diff', graph.older.path, other.path], {});
    expect(targets.code).toBe(2);
    expect(targets.stdout).toBe('');
    expect(targets.stderr).toContain(
      `error: Invalid NEW: ${other.path} is an export of parent ${other.manifest.target.parent} and ${graph.older.path} of parent ${graph.older.manifest.target.parent}`,
    );

    const limit = await runCli(
      ['diff', graph.older.path, graph.newer.path, '--fail-on', 'deleted>5%'],
      {},
    );
    expect(limit.code).toBe(2);
    expect(limit.stderr).toContain('error: Invalid --fail-on: "deleted>5%" is not a limit');
  });

  it('refuses a damaged file or one that is not what its manifest says, and makes no report', async () => {
    const { older, newer } = await pair('graph');
    const dir = await tempDir();
    const cut = join(dir, 'cut.jsonl.gz');
    await copyFile(newer.path, cut);
    await truncate(cut, Math.floor((await stat(cut)).size * 0.8));
    const truncated = await runCli(['diff', older.path, cut], {});
    expect(truncated.code).toBe(4);
    expect(truncated.stdout).toBe('');
    expect(truncated.stderr).toContain(
      `error: The stored export ${cut} is not intact: its gzip stream ends early`,
    );
    expect(truncated.stderr).toContain('hint: It was left as it is.');

    // The newer file checked against the older one's manifest: not the export it describes.
    const manifestOfOld = join(older.path.replace(/\.jsonl\.gz$/, '.manifest.json'));
    const mismatch = await runCli(
      ['diff', older.path, newer.path, '--new-manifest', manifestOfOld],
      {},
    );
    expect(mismatch.code).toBe(4);
    expect(mismatch.stdout).toBe('');
    expect(mismatch.stderr).toContain(
      `error: The stored export ${newer.path} is not intact: it does not match its manifest (${older.manifest.file.name}): size is`,
    );

    const missing = await runCli(['diff', older.path, join(dir, 'nothing.jsonl.gz')], {});
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('is not a file');
  });

  it('warns when a file has no manifest, and still compares it', async () => {
    const { older, newer } = await pair('graph');
    const lonely = join(await tempDir(), 'copy.jsonl.gz');
    await mkdir(join(lonely, '..'), { recursive: true });
    await copyFile(newer.path, lonely);
    const result = await runCli(['diff', older.path, lonely], {});
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /^warning: \S*copy\.jsonl\.gz has no manifest: its target could not be checked, nor its content against what was downloaded$/m,
    );
    expectReportMatches(parseReport(result.stdout), newer.changes);
  });
});

describeWithAge('asana-export diff of encrypted exports', () => {
  it('decrypts both as it reads them with --identity, and reports the same counts', async () => {
    const keys = await tempDir();
    const key = ageKeygen(keys);
    const { older, newer } = await pair('graph', ['--encrypt-to', key.publicKey]);
    expect(older.path.endsWith('.age')).toBe(true);

    const without = await runCli(['diff', older.path, newer.path], {});
    expect(without.code).toBe(2);
    expect(without.stderr).toContain('error: Invalid --identity:');

    const result = await runCli(['diff', older.path, newer.path, '--identity', key.path], {});
    expect(result.code, result.stderr).toBe(0);
    expectReportMatches(parseReport(result.stdout), newer.changes);

    const stranger = ageKeygen(keys, 'stranger.txt');
    const wrong = await runCli(['diff', older.path, newer.path, '--identity', stranger.path], {});
    expect(wrong.code).toBe(7);
    expect(wrong.stdout).toBe('');
  });
});
