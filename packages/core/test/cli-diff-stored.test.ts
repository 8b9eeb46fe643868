import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RevisionChanges, Sandbox } from '@asana-exports/sandbox';
import { storesUnderTest, type TestStore } from '@asana-exports/test-stores';
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

  it('resumes an export whose transfer breaks mid-way with a Range request, the same report', async (context) => {
    // Azurite is reached over HTTPS here: a proxy in between could cut it but not see a Range.
    const endpoint = store.args[store.args.indexOf('--s3-endpoint') + 1];
    if (store.kind !== 's3' || endpoint === undefined) context.skip();
    const place = await store.newPlace();
    const { target } = await storedPair(place);
    const unbroken = await cli(['diff', '--to', place, '--kind', 'graph', '--target', target]);
    expect(unbroken.code, unbroken.stderr).toBe(0);

    const proxy = await startCuttingProxy(new URL(endpoint ?? ''));
    try {
      const args = [...store.args];
      args[args.indexOf('--s3-endpoint') + 1] = proxy.url;
      const broken = await runCli(
        ['diff', '--to', place, '--kind', 'graph', '--target', target, ...args],
        { ASANA_TOKEN: sandbox.token, ...store.env },
      );
      expect(broken.code, broken.stderr).toBe(0);
      expect(proxy.cuts).toBe(1);
      expect(proxy.ranges.length).toBeGreaterThan(0);
      expect(proxy.ranges[0]).toMatch(/^bytes=\d+-$/);
      const { tool: _, ...resumed } = JSON.parse(broken.stdout) as DiffReport;
      const { tool: __, ...whole } = JSON.parse(unbroken.stdout) as DiffReport;
      expect(resumed).toEqual(whole);
    } finally {
      await proxy.close();
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

/**
 * A loopback HTTP proxy to the store that cuts the first whole-object read of an export after
 * 64 KiB of its body, and notes the Range requests it forwards. Host and signature pass unchanged.
 */
const CUT_AT = 64 * 1024;

async function startCuttingProxy(upstream: URL) {
  const ranges: string[] = [];
  let cuts = 0;
  const server = createServer((request, response) => {
    const range = request.headers.range;
    if (range !== undefined) ranges.push(range);
    const cut =
      cuts === 0 &&
      request.method === 'GET' &&
      range === undefined &&
      /\.jsonl\.gz$/.test(request.url ?? '');
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        if (!cut) {
          answer.pipe(response);
          return;
        }
        cuts += 1;
        let sent = 0;
        answer.on('data', (chunk: Buffer) => {
          if (sent >= CUT_AT) return;
          const part = chunk.subarray(0, CUT_AT - sent);
          response.write(part);
          sent += part.byteLength;
          if (sent >= CUT_AT) {
            answer.destroy();
            response.socket?.destroy();
          }
        });
      },
    );
    forward.on('error', () => response.socket?.destroy());
    request.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ranges,
    get cuts() {
      return cuts;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
