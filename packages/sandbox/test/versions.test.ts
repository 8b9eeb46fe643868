import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.js';
import { download, finishedExport, startTestSandbox } from './helpers.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());
beforeEach(() =>
  sandbox.configure({
    layout: 'single',
    ifRange: 'honour',
    ignoreRange: false,
    contentBytes: 64 * 1024,
    corruption: 'none',
  }),
);

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const etagOf = (sha: string) => `"${sha.slice(0, 32)}"`;
const lastDownload = () => sandbox.requests.filter((r) => r.origin === 'download').at(-1);

/** The lines of a gzip file; every line ends with a newline, so the last piece is dropped. */
function linesOf(bytes: Buffer): string[] {
  const lines = gunzipSync(bytes).toString('utf8').split('\n');
  lines.pop();
  return lines;
}

const typeOf = (line: string) => (JSON.parse(line) as { resource_type: string }).resource_type;

/** Downloads `url`, changing the object first; returns both versions' bytes and headers. */
async function changedObject(url: string) {
  const first = await download(url);
  sandbox.inject({ route: 'download', changeObject: true });
  const second = await download(url);
  return { first, second };
}

describe('changeObject faults', () => {
  it('replace the object by its next version, which this and later requests get', async () => {
    const { gid, url } = await finishedExport(sandbox);
    const v1 = await sandbox.exportFile(gid);
    expect(v1.version).toBe(1);
    expect(v1.memberOffsets).toEqual([0]);
    const { first, second } = await changedObject(url);
    const v2 = await sandbox.exportFile(gid);
    expect(v2.version).toBe(2);
    expect(v2.fileName).toBe(v1.fileName);
    expect(sha256(first.bytes)).toBe(v1.sha256);
    expect(sha256(second.bytes)).toBe(v2.sha256);
    expect(v2.sha256).not.toBe(v1.sha256);
    expect(second.bytes.length).toBe(v2.bytes);
    expect(first.response.headers.get('etag')).toBe(etagOf(v1.sha256));
    expect(second.response.headers.get('etag')).toBe(etagOf(v2.sha256));
    const modified = (response: Response) =>
      Date.parse(response.headers.get('last-modified') ?? '');
    expect(modified(second.response) - modified(first.response)).toBeGreaterThanOrEqual(1000);

    // Other records, of exactly the same lengths and types.
    const [lines1, lines2] = [linesOf(first.bytes), linesOf(second.bytes)];
    expect(lines2.map((line) => line.length)).toEqual(lines1.map((line) => line.length));
    expect(lines2.map(typeOf)).toEqual(lines1.map(typeOf));
    expect(lines2.filter((line, index) => line !== lines1[index]).length).toBeGreaterThan(
      lines1.length / 2,
    );
    expect(v2.records).toBe(lines2.length);
    expect(v2.byResourceType).toEqual(v1.byResourceType);

    const third = await download(url);
    expect(sha256(third.bytes)).toBe(v2.sha256);
    sandbox.inject({ route: 'download', changeObject: true });
    await download(url);
    expect((await sandbox.exportFile(gid)).version).toBe(3);
    const logged = sandbox.requests.filter((r) => r.origin === 'download').slice(-4);
    expect(logged.map((request) => request.version)).toEqual([1, 2, 2, 3]);
  });

  it('change nothing when the request is refused before reaching an object', async () => {
    const { gid, url } = await finishedExport(sandbox);
    const tampered = new URL(url);
    tampered.searchParams.set('X-Amz-Signature', '0'.repeat(64));
    sandbox.inject({ route: 'download', changeObject: true });
    expect((await download(tampered.href)).response.status).toBe(403);
    expect(lastDownload()).not.toHaveProperty('version');
    expect((await sandbox.exportFile(gid)).version).toBe(1);
  });
});

describe('If-Range', () => {
  it('is honoured by default: the range only if the validator is the current one', async () => {
    const { gid, url } = await finishedExport(sandbox);
    const old = await download(url);
    const oldEtag = old.response.headers.get('etag') ?? '';
    const oldDate = old.response.headers.get('last-modified') ?? '';

    sandbox.inject({ route: 'download', changeObject: true });
    const stale = await download(url, { headers: { Range: 'bytes=100-', 'If-Range': oldEtag } });
    const v2 = await sandbox.exportFile(gid);
    expect(stale.response.status).toBe(200);
    expect(stale.response.headers.get('content-range')).toBeNull();
    expect(sha256(stale.bytes)).toBe(v2.sha256);
    expect(lastDownload()).toMatchObject({ range: 'bytes=100-', ifRange: oldEtag, version: 2 });

    const newEtag = stale.response.headers.get('etag') ?? '';
    const newDate = stale.response.headers.get('last-modified') ?? '';
    const cases: [string, number][] = [
      [newEtag, 206],
      [newDate, 206],
      [oldEtag, 200],
      [oldDate, 200],
      [`W/${newEtag}`, 200],
      [newEtag.replaceAll('"', ''), 200],
    ];
    const whole = stale.bytes;
    for (const [ifRange, status] of cases) {
      const { response, bytes } = await download(url, {
        headers: { Range: 'bytes=100-', 'If-Range': ifRange },
      });
      expect([ifRange, response.status]).toEqual([ifRange, status]);
      expect(bytes.equals(status === 206 ? whole.subarray(100) : whole)).toBe(true);
    }
  });

  it('is ignored with ifRange "ignore", as S3 does: the range of whatever the object now is', async () => {
    sandbox.configure({ ifRange: 'ignore' });
    const { gid, url } = await finishedExport(sandbox);
    const old = await download(url);
    const oldEtag = old.response.headers.get('etag') ?? '';
    sandbox.inject({ route: 'download', changeObject: true });
    const { response, bytes } = await download(url, {
      headers: { Range: 'bytes=100-', 'If-Range': oldEtag },
    });
    const v2 = await sandbox.exportFile(gid);
    expect(response.status).toBe(206);
    expect(response.headers.get('etag')).toBe(etagOf(v2.sha256));
    expect(response.headers.get('etag')).not.toBe(oldEtag);
    expect(response.headers.get('content-range')).toBe(`bytes 100-${v2.bytes - 1}/${v2.bytes}`);
    const current = await download(url);
    expect(bytes.equals(current.bytes.subarray(100))).toBe(true);
    expect(bytes.equals(old.bytes.subarray(100))).toBe(false);
  });

  it('loses to ignoreRange, which sends the whole object even for a matching If-Range', async () => {
    sandbox.configure({ ignoreRange: true });
    const { url } = await finishedExport(sandbox);
    const whole = await download(url);
    const { response, bytes } = await download(url, {
      headers: { Range: 'bytes=100-', 'If-Range': whole.response.headers.get('etag') ?? '' },
    });
    expect(response.status).toBe(200);
    expect(bytes.equals(whole.bytes)).toBe(true);
  });
});

describe('layout "members"', () => {
  it('writes one stored gzip member per ~256 KiB, starting at memberOffsets', async () => {
    sandbox.configure({ layout: 'members', contentBytes: 1024 * 1024 });
    const { gid, url } = await finishedExport(sandbox);
    const info = await sandbox.exportFile(gid);
    const { bytes } = await download(url);
    const offsets = info.memberOffsets;
    expect(offsets.length).toBeGreaterThanOrEqual(4);
    expect(offsets[0]).toBe(0);
    const ends = [...offsets.slice(1), bytes.length];
    const texts = offsets.map((start, index) => {
      const member = bytes.subarray(start, ends[index]);
      expect([...member.subarray(0, 3)]).toEqual([0x1f, 0x8b, 0x08]);
      // Exactly one member: a byte less is cut short, a byte later is not a gzip header.
      expect(() => gunzipSync(member.subarray(0, -1))).toThrow(/unexpected end/);
      expect(() => gunzipSync(bytes.subarray(start + 1))).toThrow();
      return gunzipSync(member).toString('utf8');
    });
    const all = gunzipSync(bytes).toString('utf8');
    expect(texts.join('')).toBe(all);
    // Members end at line ends; all but the last hold at least 256 KiB of content.
    for (const text of texts) expect(text.endsWith('\n')).toBe(true);
    for (const text of texts.slice(0, -1)) {
      expect(Buffer.byteLength(text)).toBeGreaterThanOrEqual(256 * 1024);
    }
    // Stored, not compressed: a member is its content plus a few bytes of framing.
    offsets.forEach((start, index) => {
      const framing = (ends[index] ?? 0) - start - Buffer.byteLength(texts[index] ?? '');
      expect(framing).toBeGreaterThan(0);
      expect(framing).toBeLessThan(100);
    });
    expect(bytes.length).toBeGreaterThan(Buffer.byteLength(all));
    expect(info.records).toBe(all.split('\n').length - 1);
  });

  it('keeps member boundaries across versions, so a spliced resume still parses', async () => {
    sandbox.configure({ layout: 'members', contentBytes: 1024 * 1024 });
    const { gid, url } = await finishedExport(sandbox);
    const v1Info = await sandbox.exportFile(gid);
    const { first: v1, second: v2 } = await changedObject(url);
    const v2Info = await sandbox.exportFile(gid);
    expect(v2Info.version).toBe(2);
    expect(v2Info.memberOffsets).toEqual(v1Info.memberOffsets);
    expect(v2.bytes.length).toBe(v1.bytes.length);
    expect(v2Info.sha256).not.toBe(v1Info.sha256);

    // What a client that resumes at a member boundary without If-Range ends up with.
    const boundary = v1Info.memberOffsets[2] ?? 0;
    expect(boundary).toBeGreaterThan(0);
    const spliced = Buffer.concat([v1.bytes.subarray(0, boundary), v2.bytes.subarray(boundary)]);
    const lines = linesOf(spliced);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(lines.length).toBe(v1Info.records);
    expect(sha256(spliced)).not.toBe(v1Info.sha256);
    expect(sha256(spliced)).not.toBe(v2Info.sha256);
    const [lines1, lines2] = [linesOf(v1.bytes), linesOf(v2.bytes)];
    expect(lines).not.toEqual(lines1);
    expect(lines).not.toEqual(lines2);
    const split = gunzipSync(v1.bytes.subarray(0, boundary)).toString().split('\n').length - 1;
    expect(lines.slice(0, split)).toEqual(lines1.slice(0, split));
    expect(lines.slice(split)).toEqual(lines2.slice(split));

    // The S3 behaviour serves exactly that splice's second half to a resume with a stale If-Range.
    sandbox.configure({ ifRange: 'ignore' });
    const ignoring = await finishedExport(sandbox);
    const before = await download(ignoring.url);
    const offset = (await sandbox.exportFile(ignoring.gid)).memberOffsets[1] ?? 0;
    sandbox.inject({ route: 'download', changeObject: true });
    const resumed = await download(ignoring.url, {
      headers: {
        Range: `bytes=${offset}-`,
        'If-Range': before.response.headers.get('etag') ?? '',
      },
    });
    expect(resumed.response.status).toBe(206);
    const stitched = Buffer.concat([before.bytes.subarray(0, offset), resumed.bytes]);
    expect(() => linesOf(stitched).map((line) => JSON.parse(line))).not.toThrow();
    expect(sha256(stitched)).not.toBe((await sandbox.exportFile(ignoring.gid)).sha256);
  });
});
