import { diffExportFiles } from '@asana-exports/core/node';
import { DIFF_EXAMPLES, type DiffReport } from '@asana-exports/core/protocol';
import { type RevisionChanges, type Sandbox, startSandbox } from '@asana-exports/sandbox';
import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AsanaExport } from '../nodes/AsanaExport/AsanaExport.node';
import {
  type FakeContext,
  fakeContext,
  gunzipSync,
  gzipSync,
  type InputBinary,
} from './support/fakeContext.mts';
import { pathJoin as join, readFile, removeDir, tempDir, writeFile } from './support/files.mts';

/**
 * Compare over (stand-ins of) n8n's helpers: two exports the sandbox made of one target at
 * revision 0 and revision 1, whose differences the sandbox tallied while it wrote them, so the
 * report's counts are known before it is made; and the report is the CLI's `diff` of the same
 * two files. e2e-compare.test.ts runs it in a real n8n.
 */
let sandbox: Sandbox;
let files: string;
const opened: FakeContext[] = [];
const node = new AsanaExport();
let nextTarget = 1_830_000_000_000_000;

type Kind = 'graph' | 'resource' | 'organization';

interface Export {
  readonly bytes: Buffer;
  readonly fileName: string;
  readonly changes: RevisionChanges | undefined;
}

beforeAll(async () => {
  sandbox = await startSandbox({ scenario: { durationMs: 50, contentBytes: 256 * 1024 } });
  files = await tempDir('asana-n8n-compare-');
});
afterAll(async () => {
  await sandbox.close();
  await removeDir(files);
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((fake) => fake.close()));
});

async function asana(method: string, path: string, body?: unknown): Promise<IDataObject> {
  const response = await fetch(`${sandbox.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify({ data: body }) }),
  });
  return ((await response.json()) as { data: IDataObject }).data;
}

/** An export of `target` made at `revision`, finished, as the sandbox serves it. */
async function exportAt(kind: Kind, target: string, revision: number): Promise<Export> {
  sandbox.configure({ revision });
  let gid: string;
  if (kind === 'organization') {
    gid = String((await asana('POST', '/organization_exports', { organization: target })).gid);
    await expect
      .poll(async () => (await asana('GET', `/organization_exports/${gid}`)).state)
      .toBe('finished');
  } else {
    gid = await sandbox.startExport(kind === 'graph' ? { parent: target } : { workspace: target });
    await expect.poll(async () => (await asana('GET', `/jobs/${gid}`)).status).toBe('succeeded');
  }
  const info = await sandbox.exportFile(gid);
  const extension = kind === 'organization' ? 'json.gz' : 'jsonl.gz';
  return {
    bytes: await readFile(info.path),
    fileName: `asana-${kind}-export-${gid}.${extension}`,
    changes: info.changes,
  };
}

async function pair(kind: Kind) {
  const target = String(nextTarget++);
  return { older: await exportAt(kind, target, 0), newer: await exportAt(kind, target, 1) };
}

async function run(
  inputBinary: Record<string, InputBinary>,
  parameters: Record<string, unknown> = {},
): Promise<IDataObject> {
  const fake = await fakeContext({
    parameters: { resource: 'export', operation: 'compare', ...parameters },
    inputBinary,
  });
  opened.push(fake);
  const [[item, ...more] = []] = await node.execute.call(fake.context);
  expect(more).toEqual([]);
  return item?.json as IDataObject;
}

const binaries = (older: Export, newer: Export, inMemory = false) => ({
  old: { bytes: older.bytes, fileName: older.fileName, inMemory },
  new: { bytes: newer.bytes, fileName: newer.fileName, inMemory },
});

/** The CLI's report of the same two files (no manifests beside them). */
async function cliReport(older: Export, newer: Export): Promise<DiffReport> {
  const dir = await tempDir('asana-n8n-compare-cli-');
  try {
    await writeFile(join(dir, older.fileName), older.bytes);
    await writeFile(join(dir, newer.fileName), newer.bytes);
    const { report } = await diffExportFiles(
      { path: join(dir, older.fileName), manifest: undefined },
      { path: join(dir, newer.fileName), manifest: undefined },
      { identities: [], tempDir: dir, signal: new AbortController().signal },
    );
    return report;
  } finally {
    await removeDir(dir);
  }
}

/** Counts per type exactly the sandbox's tally, and renames too. */
function expectKnownChanges(report: DiffReport, changes: RevisionChanges | undefined): void {
  expect(changes).toBeDefined();
  const expected = changes as RevisionChanges;
  expect(Object.keys(report.byResourceType).sort()).toEqual(
    Object.keys(expected.byResourceType).sort(),
  );
  for (const [type, want] of Object.entries(expected.byResourceType)) {
    expect(report.byResourceType[type], type).toEqual(want);
  }
  expect(report.customFieldRenames.map(({ from, to }) => ({ from, to }))).toEqual(
    expected.renamedCustomFields,
  );
  expect(report.totals.added).toBeGreaterThan(0);
  expect(report.totals.removed).toBeGreaterThan(0);
  expect(report.totals.changed).toBeGreaterThan(0);
}

/**
 * The same report as the CLI's but for what the CLI takes from paths and manifests. Examples are
 * the same set while each sort has no more than DIFF_EXAMPLES (the two meet records in another
 * order); past that, as many, each a real change.
 */
function expectSameAsCli(report: DiffReport, cli: DiffReport): void {
  const strip = (r: DiffReport) => ({
    ...r,
    kind: undefined,
    old: { ...r.old, file: undefined, exportGid: undefined, completedAt: undefined },
    new: { ...r.new, file: undefined, exportGid: undefined, completedAt: undefined },
    examples: undefined,
  });
  // The node's own fields (percentages, crossed, markdown) beside the report's.
  const reportOnly = Object.fromEntries(
    Object.keys(cli).map((key) => [key, report[key as keyof DiffReport]]),
  );
  expect(strip(reportOnly as unknown as DiffReport)).toEqual(strip(cli));
  const sorted = (list: readonly unknown[]) => list.map((x) => JSON.stringify(x)).sort();
  for (const sort of ['added', 'removed', 'changed'] as const) {
    const total = report.totals[sort];
    expect(report.examples[sort]).toHaveLength(Math.min(total, DIFF_EXAMPLES));
    if (total <= DIFF_EXAMPLES) {
      expect(sorted(report.examples[sort])).toEqual(sorted(cli.examples[sort]));
    }
  }
  for (const example of report.examples.changed) expect(example.old).not.toBe(example.new);
}

describe('Compare', () => {
  it.each(['graph', 'resource', 'organization'] as const)(
    'reports exactly what changed between two %s exports, as the CLI does',
    async (kind) => {
      const { older, newer } = await pair(kind);
      const json = await run(binaries(older, newer));
      const report = json as unknown as DiffReport;
      expectKnownChanges(report, newer.changes);
      expectSameAsCli(report, await cliReport(older, newer));
      expect(report.kind).toBe(kind);
      expect(report.old.file).toBe(older.fileName);
      expect(report.new.file).toBe(newer.fileName);
      const percent = (count: number) => Math.round((count / report.totals.old) * 10_000) / 100;
      expect(json).toMatchObject({
        addedPercent: percent(report.totals.added),
        removedPercent: percent(report.totals.removed),
        changedPercent: percent(report.totals.changed),
        crossed: [],
      });
      expect(json.markdown).toBeUndefined();
    },
  );

  it('reads binary data kept in the item (n8n’s default mode) and decompressed files alike', async () => {
    const { older, newer } = await pair('graph');
    const stored = await run(binaries(older, newer));
    expect(await run(binaries(older, newer, true))).toEqual(stored);
    const plain = await run({
      old: { bytes: gunzipSync(older.bytes), fileName: older.fileName.replace(/\.gz$/, '') },
      new: { bytes: gunzipSync(newer.bytes), fileName: newer.fileName.replace(/\.gz$/, '') },
    });
    expect(plain.totals).toEqual(stored.totals);
    expect(plain.byResourceType).toEqual(stored.byResourceType);
  });

  describe('Fail On', () => {
    it('fails the node, naming the limit crossed', async () => {
      const { older, newer } = await pair('graph');
      const failure = run(binaries(older, newer), { failOn: 'added>1000, removed>0' });
      await expect(failure).rejects.toThrow(NodeOperationError);
      await expect(failure).rejects.toThrow(
        /^Change limit crossed: removed>0: \d+ records removed, [\d.]+% of the older export$/,
      );
    });

    it('or reports the limits crossed in the output, with the Markdown if asked', async () => {
      const { older, newer } = await pair('graph');
      const json = await run(binaries(older, newer), {
        failOn: 'removed>0,changed>=100%,task.added>=1',
        whenCrossed: 'report',
        options: { includeMarkdown: true },
      });
      const report = json as unknown as DiffReport;
      expect((json.crossed as IDataObject[]).map((crossed) => crossed.limit)).toEqual([
        'removed>0',
        'task.added>=1',
      ]);
      expect(json.crossed).toContainEqual(
        expect.objectContaining({ limit: 'removed>0', actual: report.totals.removed }),
      );
      expect(json.markdown).toContain('### Changes between two graph exports');
      expect(json.markdown).toContain('**limit crossed**: `removed>0:');
    });

    it('passes when no limit is crossed', async () => {
      const { older, newer } = await pair('graph');
      const json = await run(binaries(older, newer), { failOn: 'removed>99%' });
      expect(json.crossed).toEqual([]);
    });
  });

  describe('with the manifests Download output', () => {
    /** Download, as the node runs it, of an export the sandbox made: its manifest and file. */
    async function download(gid: string) {
      const fake = await fakeContext({
        parameters: {
          authentication: 'accessToken',
          resource: 'export',
          operation: 'download',
          kind: 'graph',
          gid,
          options: {},
        },
        credentials: { accessToken: sandbox.token, baseUrl: sandbox.apiUrl },
      });
      opened.push(fake);
      const [[item] = []] = await node.execute.call(fake.context);
      const binary = item?.binary?.data;
      if (item === undefined || binary === undefined) throw new Error('Download output no file');
      return {
        manifest: item.json,
        input: { bytes: await fake.stored(binary), fileName: String(binary.fileName) },
      };
    }

    async function downloadedPair() {
      const { older, newer } = await pair('graph');
      const gidOf = (file: Export) => String(/export-(\d+)\./.exec(file.fileName)?.[1]);
      return { a: await download(gidOf(older)), b: await download(gidOf(newer)), newer };
    }

    it('checks each file against its manifest, and reports their gids', async () => {
      const { a, b, newer } = await downloadedPair();
      const json = await run(
        { old: a.input, new: b.input },
        { options: { oldManifest: a.manifest, newManifest: JSON.stringify(b.manifest) } },
      );
      const report = json as unknown as DiffReport;
      expectKnownChanges(report, newer.changes);
      expect(report.old.exportGid).toBe(a.manifest.exportGid);
      expect(report.new.exportGid).toBe(b.manifest.exportGid);
      expect(report.new.completedAt).toBe(b.manifest.completedAt);
      // Downloaded by gid, the manifests record no target: said, not refused.
      expect(json.warnings).toEqual([
        expect.stringContaining('records no target (it was downloaded by gid)'),
        expect.stringContaining('records no target (it was downloaded by gid)'),
      ]);
    });

    it('refuses a file that is not the export its manifest describes', async () => {
      const { a, b } = await downloadedPair();
      const failure = run(
        { old: a.input, new: b.input },
        { options: { oldManifest: b.manifest, newManifest: b.manifest } },
      );
      await expect(failure).rejects.toThrow(
        `The stored export ${a.input.fileName} (binary field "old") is not intact: it does not match its manifest`,
      );
    });

    it('refuses exports of two targets, before reading them', async () => {
      const { a, b } = await downloadedPair();
      const failure = run(
        { old: a.input, new: b.input },
        {
          options: {
            oldManifest: { ...a.manifest, target: { parent: '1' } },
            newManifest: { ...b.manifest, target: { parent: '2' } },
          },
        },
      );
      await expect(failure).rejects.toThrow(
        `Invalid New Export Field: ${b.input.fileName} (binary field "new") is an export of parent 2 and ${a.input.fileName} (binary field "old") of parent 1`,
      );
    });

    it('refuses what is not a manifest, naming the option', async () => {
      const { a, b } = await downloadedPair();
      const failure = run({ old: a.input, new: b.input }, { options: { oldManifest: '{"x":1}' } });
      await expect(failure).rejects.toThrow('Invalid Old Manifest: is not a version');
    });
  });

  describe('refuses, naming the input', () => {
    const task = (gid: string) => JSON.stringify({ gid, resource_type: 'task', name: gid });
    const gz = (text: string) => gzipSync(Buffer.from(text));
    const good = { bytes: gz(`${task('1')}\n`), fileName: 'asana-graph-export-1.jsonl.gz' };

    it.each([
      [
        'a Fail On that is no limit, before reading anything',
        { old: good, new: good },
        { failOn: 'removed>>5' },
        'Invalid Fail On: "removed>>5" is not a limit',
      ],
      [
        'a missing binary field',
        { data: good },
        {},
        'Invalid Old Export Field: the item has no binary field "old"',
      ],
      [
        'one field named twice',
        { old: good },
        { newBinaryPropertyName: 'old' },
        'Invalid New Export Field: "old" is the Old Export Field too',
      ],
      [
        'a line that is not JSON',
        { old: good, new: { ...good, bytes: gz(`${task('1')}\nnope\n`) } },
        {},
        'The stored export asana-graph-export-1.jsonl.gz (binary field "new") is not intact: line 2 is not JSON',
      ],
      [
        'a truncated gzip file',
        { old: { ...good, bytes: gz(`${task('1')}\n`.repeat(2000)).subarray(0, 200) }, new: good },
        {},
        'The stored export asana-graph-export-1.jsonl.gz (binary field "old") is not intact: it is not a valid gzip file',
      ],
      [
        'an age-encrypted export',
        {
          old: good,
          new: { bytes: Buffer.from('age-encryption.org/v1\n-> X25519 abc\n'), fileName: 'x.age' },
        },
        {},
        'Invalid New Export Field: x.age (binary field "new") is age-encrypted',
      ],
      [
        'exports of two kinds',
        { old: good, new: { ...good, fileName: 'asana-resource-export-2.jsonl.gz' } },
        {},
        'is a resource export and asana-graph-export-1.jsonl.gz (binary field "old") a graph export',
      ],
      [
        'an organization export that is one JSON document',
        {
          old: { bytes: gz('{"workspaces":[]}'), fileName: 'asana-organization-export-3.json.gz' },
          new: { bytes: gz('{"workspaces":[]}'), fileName: 'asana-organization-export-4.json.gz' },
        },
        {},
        'holds one JSON document, not one record per line',
      ],
    ])('%s', async (_, inputBinary, parameters, message) => {
      const failure = run(inputBinary, parameters);
      await expect(failure).rejects.toThrow(NodeOperationError);
      await expect(failure).rejects.toThrow(message);
    });
  });
});
