import type { RevisionChanges, Sandbox } from '@asana-exports/sandbox';
import {
  makeTestCertificate,
  startCuttingProxy,
  startTlsFront,
  storesUnderTest,
  type TestStore,
} from '@asana-exports/test-stores';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiffReport } from '../src/protocol/diff-report.js';
import { type Manifest, manifestSchema } from '../src/protocol/manifest.js';
import { manifestFileName } from '../src/protocol/run.js';
import { type CliResult, runCli, startTestSandbox } from './support/sandbox.js';

// `asana-export diff --to` as a user runs it after nightly `run --to` jobs: two exports of one
// target stored in a real S3 server (Ceph's radosgw) and a real Azure Blob emulator (Azurite), at
// revision 0 and 1 of the sandbox's workspace, compared by key and as "the latest against the one
// before". The sandbox tallies what the diff must find while it writes revision 1.
const stores = storesUnderTest();

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox({ contentBytes: 1024 * 1024 });
});
afterAll(async () => {
  await sandbox.close();
});

const fastPoll = ['--poll-interval', '100ms', '--poll-max-interval', '300ms'];
let parent = 1490000000000000;

describe.each(stores)('diff --to %s', (_name, start) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await start();
  }, 180_000);
  afterAll(async () => {
    await store?.stop();
  });

  const cli = async (args: readonly string[]): Promise<CliResult> => {
    const result = await runCli([...args, ...store.args], {
      ASANA_TOKEN: sandbox.token,
      ...store.env,
    });
    for (const secret of [sandbox.token, ...store.secrets]) {
      expect(result.stderr).not.toContain(secret);
      expect(result.stdout).not.toContain(secret);
    }
    return result;
  };

  /** Two runs of one target into `place`, at revisions 0 and 1: their keys and what changed. */
  async function storedPair(place: string) {
    parent += 1;
    const target = String(parent);
    const stored: { key: string; manifest: Manifest }[] = [];
    for (const revision of [0, 1]) {
      sandbox.configure({ revision });
      const result = await cli([
        'run',
        '--kind',
        'graph',
        '--parent',
        target,
        '--to',
        place,
        '--base-url',
        sandbox.apiUrl,
        ...fastPoll,
      ]);
      expect(result.code, result.stderr).toBe(0);
      const manifest = manifestSchema.parse(JSON.parse(result.stdout));
      const keys = await store.list(place);
      const key = keys.find((found) => found.endsWith(manifest.file.name));
      expect(key).toBeDefined();
      stored.push({ key: key ?? '', manifest });
      // The layout's folders are named to the second: the next run must not share one.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
    }
    sandbox.configure({ revision: 0 });
    const [older, newer] = stored as [(typeof stored)[0], (typeof stored)[0]];
    const changes = (await sandbox.exportFile(newer.manifest.jobGid ?? '')).changes;
    return { target, older, newer, changes: changes as RevisionChanges };
  }

  function expectTally(report: DiffReport, changes: RevisionChanges): void {
    expect(changes).toBeDefined();
    for (const [type, want] of Object.entries(changes.byResourceType)) {
      expect(report.byResourceType[type], type).toEqual(want);
    }
    expect(report.totals.changed).toBeGreaterThan(0);
    expect(report.totals.removed).toBeGreaterThan(0);
  }

  it('compares the latest export of a target with the one stored before it, and two keys', async () => {
    const place = await store.newPlace();
    const { target, older, newer, changes } = await storedPair(place);

    const latest = await cli(['diff', '--to', place, '--kind', 'graph', '--target', target]);
    expect(latest.code, latest.stderr).toBe(0);
    const report = JSON.parse(latest.stdout) as DiffReport;
    expectTally(report, changes);
    expect(report.old.exportGid).toBe(older.manifest.exportGid);
    expect(report.new.exportGid).toBe(newer.manifest.exportGid);
    // The report names the objects, not the temporary copies the diff read.
    expect(report.old.file).toContain(older.key);
    expect(report.new.file).toContain(newer.key);
    expect(latest.stderr).not.toMatch(/asana-export-stored-/);
    expect(latest.stderr).not.toMatch(/^warning:/m);

    const byKeys = await cli(['diff', '--to', place, older.key, newer.key]);
    expect(byKeys.code, byKeys.stderr).toBe(0);
    const { tool: _, ...fromKeys } = JSON.parse(byKeys.stdout) as DiffReport;
    const { tool: __, ...fromLatest } = report;
    expect(fromKeys).toEqual(fromLatest);
  });

  it('finds the previous export by completion time, among more manifests than one page of keys', async () => {
    const place = await store.newPlace();
    const { target, older, newer } = await storedPair(place);
    // Exports stored under folders that sort after both, but completed long before: a layout
    // whose keys do not sort by time. Only reading all the manifests finds `older`.
    const folder = older.key.slice(0, older.key.lastIndexOf('/'));
    const parentFolder = folder.slice(0, folder.lastIndexOf('/') + 1);
    const olderAt = Date.parse(older.manifest.completedAt ?? older.manifest.downloadedAt);
    for (let i = 0; i < 60; i += 1) {
      const decoy: Manifest = {
        ...older.manifest,
        exportGid: `9${i}`,
        completedAt: new Date(olderAt - (i + 1) * 60_000).toISOString(),
      };
      const key = `${parentFolder}9999${String(i).padStart(4, '0')}T000000Z/${manifestFileName(older.manifest.file.name)}`;
      await store.put(place, key, new TextEncoder().encode(JSON.stringify(decoy)));
    }
    const listed = await store.list(place);
    expect(listed.filter((key) => key.includes('/9999')).length).toBe(60);
    const latest = await cli(['diff', '--to', place, '--kind', 'graph', '--target', target]);
    expect(latest.code, latest.stderr).toBe(0);
    const report = JSON.parse(latest.stdout) as DiffReport;
    expect(report.old.exportGid).toBe(older.manifest.exportGid);
    expect(report.new.exportGid).toBe(newer.manifest.exportGid);
  });

  it('resumes an export whose transfer breaks mid-way with a Range request, the same report', async () => {
    const place = await store.newPlace();
    const { target } = await storedPair(place);
    const unbroken = await cli(['diff', '--to', place, '--kind', 'graph', '--target', target]);
    expect(unbroken.code, unbroken.stderr).toBe(0);

    // For Azure the CLI talks HTTPS to a TLS front, with a certificate it trusts as a user trusts
    // a private CA (NODE_EXTRA_CA_CERTS); the proxy behind the front sees the plaintext Range, and
    // Azurite serves behind the proxy.
    const option = store.kind === 's3' ? '--s3-endpoint' : '--azure-endpoint';
    const args = [...store.args];
    const proxy = await startCuttingProxy(args[args.indexOf(option) + 1] ?? '');
    const certificate = store.kind === 'azure' ? await makeTestCertificate() : undefined;
    const front =
      certificate === undefined
        ? undefined
        : await startTlsFront(new URL(proxy.endpoint).origin, certificate);
    try {
      args[args.indexOf(option) + 1] =
        front === undefined
          ? proxy.endpoint
          : `${front.endpoint}${new URL(proxy.endpoint).pathname}`;
      const broken = await runCli(
        ['diff', '--to', place, '--kind', 'graph', '--target', target, ...args],
        {
          ASANA_TOKEN: sandbox.token,
          ...store.env,
          ...(certificate === undefined ? {} : { NODE_EXTRA_CA_CERTS: certificate.certPath }),
        },
      );
      expect(broken.code, broken.stderr).toBe(0);
      if (front !== undefined) expect(front.handshakes()).toBeGreaterThan(0);
      expect(proxy.cuts()).toBe(1);
      const [resumed] = proxy.ranged;
      expect(resumed?.range).toMatch(/^bytes=[1-9]\d*-$/);
      expect(resumed?.ifMatch).toBeDefined();
      expect(resumed?.ifMatch).toBe(proxy.cutEtag());
      const { tool: _, ...rest } = JSON.parse(broken.stdout) as DiffReport;
      const { tool: __, ...whole } = JSON.parse(unbroken.stdout) as DiffReport;
      expect(rest).toEqual(whole);
    } finally {
      await front?.close();
      await proxy.close();
      await certificate?.remove();
    }
  });

  it('refuses what it cannot compare before reading any export, naming the input', async () => {
    const place = await store.newPlace();
    const { target, older, newer } = await storedPair(place);

    const swapped = await cli(['diff', '--to', place, newer.key, `${older.key}.manifest.json`]);
    expect(swapped.code).toBe(2);
    expect(swapped.stderr).toMatch(/^error: Invalid NEW: names a manifest, not an export$/m);

    const outside = await cli(['diff', '--to', place, 'elsewhere/x.jsonl.gz', newer.key]);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toMatch(/^error: Invalid OLD: is not below the prefix/m);

    const missing = await cli([
      'diff',
      '--to',
      place,
      older.key.replace(/\.jsonl\.gz$/, '-gone.jsonl.gz'),
      newer.key,
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^error: Invalid OLD: .*-gone\.jsonl\.gz does not exist$/m);

    const unknown = await cli(['diff', '--to', place, '--kind', 'graph', '--target', '1']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: Invalid --target: .*latest\.json does not exist/m);

    const mixed = await cli(['diff', '--to', place, older.key, newer.key, '--kind', 'graph']);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('error: Invalid --kind: cannot be combined with two keys');

    const lonely = await runCli(['diff', '--kind', 'graph', '--target', target, 'a', 'b'], {});
    expect(lonely.code).toBe(2);
    expect(lonely.stderr).toContain('error: Invalid --kind: only goes with --to');
  });

  it('finds no export before the first one stored', async () => {
    const place = await store.newPlace();
    parent += 1;
    const first = await cli([
      'run',
      '--kind',
      'graph',
      '--parent',
      String(parent),
      '--to',
      place,
      '--base-url',
      sandbox.apiUrl,
      ...fastPoll,
    ]);
    expect(first.code, first.stderr).toBe(0);
    const alone = await cli(['diff', '--to', place, '--kind', 'graph', '--target', String(parent)]);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(
      /^error: Invalid --target: no graph export of \d+ with a manifest was stored before the latest/m,
    );
  });
});
