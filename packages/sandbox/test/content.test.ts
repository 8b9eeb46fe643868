import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, createGunzip, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, type Scenario, startSandbox } from '../src/index.js';
import { download, finishedExport, type Kind, startTestSandbox } from './helpers.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());

interface Tally {
  lines: string[];
  records: number;
  byResourceType: Record<string, number>;
  notJson: number[];
}

/** What a careful client would compute from decompressed bytes: lines and types. */
function tally(text: string): Tally {
  const lines = text.split('\n');
  // Every line ends with "\n", so the text ends with an empty remainder (or a partial line).
  lines.pop();
  const byResourceType: Record<string, number> = {};
  const notJson: number[] = [];
  lines.forEach((line, index) => {
    try {
      const { resource_type: type } = JSON.parse(line) as { resource_type: string };
      byResourceType[type] = (byResourceType[type] ?? 0) + 1;
    } catch {
      notJson.push(index);
    }
  });
  return { lines, records: lines.length, byResourceType, notJson };
}

async function served(scenario: Partial<Scenario>, kind: Kind = 'graph', types?: string[]) {
  sandbox.configure({ corruption: 'none', seed: 1, contentBytes: 32 * 1024, ...scenario });
  const { gid, url } = await finishedExport(sandbox, kind, types);
  const { bytes } = await download(url);
  return { info: await sandbox.exportFile(gid), bytes };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('export content', () => {
  it.each([
    ['organization', undefined, ['workspace', 'task', 'story']],
    ['resource', ['task', 'message'], ['task', 'message']],
    ['resource', ['team'], ['team']],
    ['graph', undefined, ['task', 'section', 'time_tracking_entry']],
  ] as const)(
    '%s export %j: gzip JSON lines that ExportFileInfo describes exactly',
    async (kind, types, expected) => {
      const { info, bytes } = await served({}, kind, types ? [...types] : undefined);
      expect(info.bytes).toBe(bytes.length);
      expect(info.sha256).toBe(sha256(bytes));
      expect(info.fileName).toMatch(kind === 'organization' ? /\.json\.gz$/ : /\.jsonl\.gz$/);

      const text = gunzipSync(bytes).toString('utf8');
      expect(text.endsWith('\n')).toBe(true);
      expect(Buffer.byteLength(text)).toBeGreaterThanOrEqual(32 * 1024);
      expect(Buffer.byteLength(text)).toBeLessThan(40 * 1024);
      const counted = tally(text);
      expect(counted.notJson).toEqual([]);
      expect(info.records).toBe(counted.records);
      expect(info.byResourceType).toEqual(counted.byResourceType);
      for (const type of expected) expect(counted.byResourceType).toHaveProperty(type);
      if (kind === 'resource')
        expect(Object.keys(counted.byResourceType).sort()).toEqual([...expected].sort());

      const ratio = Buffer.byteLength(text) / bytes.length;
      expect(ratio).toBeGreaterThan(3);
      expect(ratio).toBeLessThan(10);
    },
  );

  it('writes realistic task records', async () => {
    const { bytes } = await served({}, 'resource', ['task']);
    const [first] = tally(gunzipSync(bytes).toString()).lines;
    expect(JSON.parse(first ?? '')).toMatchObject({
      gid: expect.stringMatching(/^\d{16}$/),
      resource_type: 'task',
      name: expect.any(String),
      notes: expect.any(String),
      created_at: expect.stringMatching(/Z$/),
      modified_at: expect.stringMatching(/Z$/),
      created_by: { gid: expect.any(String), resource_type: 'user', name: expect.any(String) },
    });
  });

  it('is a pure function of the scenario, across sandboxes and cache directories', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'asana-exports-sandbox-other-'));
    const other = await startSandbox({
      cacheDir,
      scenario: { durationMs: 0, contentBytes: 32 * 1024 },
    });
    try {
      const here = await served({}, 'graph');
      const { gid } = await finishedExport(other, 'graph');
      expect((await other.exportFile(gid)).sha256).toBe(here.info.sha256);
      const reseeded = await served({ seed: 2 }, 'graph');
      expect(reseeded.info.sha256).not.toBe(here.info.sha256);
    } finally {
      await other.close();
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  it('truncated: valid gzip cut short by about 10%', async () => {
    const intact = await served({}, 'graph');
    const { info, bytes } = await served({ corruption: 'truncated' }, 'graph');
    expect(info.sha256).toBe(sha256(bytes));
    expect(bytes.length / intact.bytes.length).toBeCloseTo(0.9, 1);
    expect(intact.bytes.subarray(0, bytes.length).equals(bytes)).toBe(true);
    expect(() => gunzipSync(bytes)).toThrow(/unexpected end of file/);
    const partial = gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH }).toString();
    const counted = tally(partial);
    expect(info.records).toBe(counted.records);
    expect(info.byResourceType).toEqual(counted.byResourceType);
    expect(info.records).toBeLessThan(intact.info.records);
  });

  it('bad-crc: the whole stream, with a wrong CRC32 in the trailer', async () => {
    const intact = await served({}, 'graph');
    const { info, bytes } = await served({ corruption: 'bad-crc' }, 'graph');
    expect(bytes.length).toBe(intact.bytes.length);
    expect(bytes.subarray(0, -8).equals(intact.bytes.subarray(0, -8))).toBe(true);
    expect(() => gunzipSync(bytes)).toThrow(/incorrect data check/);
    expect(info.records).toBe(intact.info.records);
  });

  it('not-json: valid gzip with one broken line in the middle', async () => {
    const { info, bytes } = await served({ corruption: 'not-json' }, 'resource', ['task']);
    const counted = tally(gunzipSync(bytes).toString());
    expect(counted.notJson).toHaveLength(1);
    const [broken = -1] = counted.notJson;
    expect(broken).toBeGreaterThan(0);
    expect(broken).toBeLessThan(counted.records - 1);
    expect(info.records).toBe(counted.records);
    expect(info.byResourceType).toEqual(counted.byResourceType);
  });

  it('streams a 20 MB export from disk with matching size, hash and counts', async () => {
    const contentBytes = 20 * 1024 * 1024;
    sandbox.configure({ contentBytes, corruption: 'none', seed: 7 });
    const { gid, url } = await finishedExport(sandbox, 'graph');
    const info = await sandbox.exportFile(gid);
    const response = await fetch(url);
    expect(response.headers.get('content-length')).toBe(String(info.bytes));
    if (response.body === null) throw new Error('no body');

    const hash = createHash('sha256');
    let compressed = 0;
    let uncompressed = 0;
    let lines = 0;
    const source = Readable.fromWeb(response.body);
    source.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      compressed += chunk.length;
    });
    await pipeline(source, createGunzip(), async (chunks: AsyncIterable<Buffer>) => {
      for await (const chunk of chunks) {
        uncompressed += chunk.length;
        for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
      }
    });
    expect(compressed).toBe(info.bytes);
    expect(hash.digest('hex')).toBe(info.sha256);
    expect(lines).toBe(info.records);
    expect(uncompressed).toBeGreaterThanOrEqual(contentBytes);
    expect(uncompressed).toBeLessThan(contentBytes + 64 * 1024);
  });
});
