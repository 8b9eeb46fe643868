import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO, type Sandbox, type Scenario } from '../src/index.js';
import { download, finishedExport, type Kind, startTestSandbox } from './helpers.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());
beforeEach(() =>
  sandbox.configure({
    corruption: 'none',
    layout: 'single',
    contentBytes: 32 * 1024,
    longLineBytes: DEFAULT_SCENARIO.longLineBytes,
  }),
);

const MiB = 1024 * 1024;

interface LongLine {
  index: number;
  length: number;
  head: string;
  tail: string;
}

/**
 * Scans decompressed lines as they stream by: short lines are kept whole (to parse), lines of a
 * MiB or more only by length and ends, so a 64 MiB line is never held by the test either.
 */
async function scanDownload(url: string) {
  const response = await fetch(url);
  if (response.body === null) throw new Error('no body');
  const short: { index: number; text: string }[] = [];
  const long: LongLine[] = [];
  let compressed = 0;
  let index = 0;
  let pieces: Buffer[] = [];
  let length = 0;
  let head = Buffer.alloc(0);
  let tail = Buffer.alloc(0);
  const endLine = () => {
    if (length >= MiB) {
      long.push({ index, length, head: head.toString(), tail: tail.toString() });
    } else {
      short.push({ index, text: Buffer.concat(pieces).toString() });
    }
    index += 1;
    pieces = [];
    length = 0;
    head = Buffer.alloc(0);
    tail = Buffer.alloc(0);
  };
  const addPiece = (piece: Buffer) => {
    length += piece.length;
    if (head.length < 256) head = Buffer.concat([head, piece.subarray(0, 256 - head.length)]);
    tail = Buffer.concat([tail, piece]).subarray(-256);
    if (length < MiB) pieces.push(piece);
    else pieces = [];
  };
  const source = Readable.fromWeb(response.body);
  source.on('data', (chunk: Buffer) => {
    compressed += chunk.length;
  });
  await pipeline(source, createGunzip(), async (chunks: AsyncIterable<Buffer>) => {
    for await (const chunk of chunks) {
      let at = 0;
      for (let newline = chunk.indexOf(10); newline !== -1; newline = chunk.indexOf(10, at)) {
        addPiece(chunk.subarray(at, newline));
        endLine();
        at = newline + 1;
      }
      if (at < chunk.length) addPiece(chunk.subarray(at));
    }
  });
  expect(length).toBe(0);
  return { compressed, short, long, lines: index };
}

async function exportWith(scenario: Partial<Scenario>, kind: Kind = 'graph', types?: string[]) {
  sandbox.configure(scenario);
  const { gid, url } = await finishedExport(sandbox, kind, types);
  return { gid, info: await sandbox.exportFile(gid), url };
}

const typeOf = (text: string) => (JSON.parse(text) as { resource_type: string }).resource_type;

describe('the long-line corruptions', () => {
  it('long-line: one valid record in the middle with a string field of longLineBytes', async () => {
    const { info, url } = await exportWith(
      { corruption: 'long-line', longLineBytes: 3 * MiB + 17 },
      'resource',
      ['team', 'message'],
    );
    const { bytes } = await download(url);
    const lines = gunzipSync(bytes).toString().split('\n');
    lines.pop();
    const longIndex = lines.findIndex((line) => line.length > MiB);
    const record = JSON.parse(lines[longIndex] ?? '') as Record<string, unknown>;
    expect(typeof record.long_text).toBe('string');
    expect(Buffer.byteLength(record.long_text as string)).toBe(3 * MiB + 17);
    expect(['team', 'message']).toContain(record.resource_type);
    expect(record.gid).toMatch(/^\d{16}$/);
    expect(longIndex).toBeGreaterThan(0);
    expect(longIndex).toBeLessThan(lines.length - 1);
    expect(lines.filter((line) => line.length > 10_000)).toHaveLength(1);

    const byResourceType: Record<string, number> = {};
    for (const line of lines) {
      const type = typeOf(line);
      byResourceType[type] = (byResourceType[type] ?? 0) + 1;
    }
    expect(info.records).toBe(lines.length);
    expect(info.byResourceType).toEqual(byResourceType);
    // Ordinary records around it still make up contentBytes.
    const ordinary = lines.filter((_, index) => index !== longIndex).join('\n').length;
    expect(ordinary).toBeGreaterThanOrEqual(32 * 1024 - lines.length);
  });

  it('long-broken-line: the same line, invalid only at its very end', async () => {
    const { info, url } = await exportWith(
      { corruption: 'long-broken-line', longLineBytes: 2 * MiB },
      'resource',
      ['task'],
    );
    const { short, long, lines } = await scanDownload(url);
    expect(long).toHaveLength(1);
    const [broken] = long;
    if (broken === undefined) throw new Error('no long line');
    expect(broken.head).toMatch(/^\{"gid":"\d{16}","resource_type":"task",/);
    expect(broken.tail.endsWith('",')).toBe(true);
    expect(broken.index).toBeGreaterThan(0);
    expect(broken.index).toBeLessThan(lines - 1);
    for (const { text } of short) expect(typeOf(text)).toBe('task');
    expect(info.records).toBe(lines);
    expect(info.byResourceType).toEqual({ task: lines - 1 });

    // The same text with `}` in place of the final comma is a valid record: only the end is broken.
    const { bytes } = await download(url);
    const text = gunzipSync(bytes).toString().split('\n')[broken.index] ?? '';
    expect(() => JSON.parse(text)).toThrow();
    const repaired = JSON.parse(`${text.slice(0, -1)}}`) as { long_text: string };
    expect(repaired.long_text.length).toBe(2 * MiB);
  });

  it('streams the default 64 MiB line from a file of well under a megabyte', async () => {
    const { info, url } = await exportWith({ corruption: 'long-line', seed: 3 }, 'graph');
    expect(info.bytes).toBeLessThan(1024 * 1024);
    const { compressed, short, long, lines } = await scanDownload(url);
    expect(compressed).toBe(info.bytes);
    expect(long).toHaveLength(1);
    const [line] = long;
    expect(line?.head).toMatch(/^\{.*"resource_type":"\w+"/);
    // The line ends inside the long field's plain text, then closes it and the record.
    expect(line?.tail).toMatch(/^[A-Za-z .]{254}"\}$/);
    expect(line?.length).toBeGreaterThan(64 * MiB + 20);
    expect(line?.length).toBeLessThan(64 * MiB + 4096);
    expect(info.records).toBe(lines);
    expect(short.length).toBe(lines - 1);
    const counted: Record<string, number> = {};
    for (const { text } of short) counted[typeOf(text)] = (counted[typeOf(text)] ?? 0) + 1;
    const longType = /"resource_type":"(\w+)"/.exec(line?.head ?? '')?.[1] ?? '';
    counted[longType] = (counted[longType] ?? 0) + 1;
    expect(info.byResourceType).toEqual(counted);
  });

  it('is accepted and ignored for organization exports', async () => {
    const plain = await exportWith({ corruption: 'none' }, 'organization');
    const { info, url } = await exportWith(
      { corruption: 'long-broken-line', longLineBytes: 2 * MiB },
      'organization',
    );
    const { long, short } = await scanDownload(url);
    expect(long).toEqual([]);
    for (const { text } of short) expect(() => JSON.parse(text)).not.toThrow();
    expect(info.sha256).toBe(plain.info.sha256);
  });

  it('keeps member boundaries across versions with layout "members"', async () => {
    const { gid, info, url } = await exportWith({
      corruption: 'long-line',
      longLineBytes: MiB,
      layout: 'members',
    });
    expect(info.memberOffsets.length).toBeGreaterThan(4);
    await download(url);
    sandbox.inject({ route: 'download', changeObject: true });
    await download(url);
    const changed = await sandbox.exportFile(gid);
    expect(changed.version).toBe(2);
    expect(changed.memberOffsets).toEqual(info.memberOffsets);
    expect(changed.sha256).not.toBe(info.sha256);
    expect(changed.records).toBe(info.records);
  });
});
