import { IntegrityError, RecordCounter } from '@asana-exports/core/protocol';
import { describe, expect, it } from 'vitest';
import { inflate } from '../nodes/AsanaExport/transport/gunzip';
import { GzipVerifier } from '../nodes/AsanaExport/transport/gzipVerifier';
import { RecordsSink } from '../nodes/AsanaExport/transport/recordsSink';
import { gzipSync } from './support/fakeContext.mts';

/**
 * Gzip files of several members (RFC 1952 §2.2), which the web DecompressionStream alone rejects
 * after the first, through every consumer in the node: the verifier, Split Into Items and the
 * Decompress option.
 */
const lines = (tag: string, count: number) =>
  Array.from({ length: count }, (_, index) => `{"resource_type":"${tag}","n":${index}}\n`).join('');
const members = [lines('task', 4000), lines('team', 3), lines('message', 900)];
const file = new Uint8Array(Buffer.concat(members.map((text) => gzipSync(text))));
const whole = members.join('');

function* chunksOf(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function* feed(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  yield* chunksOf(bytes, size);
}

async function inflated(bytes: Uint8Array, size: number): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const part of inflate(feed(bytes, size))) parts.push(part);
  return Buffer.concat(parts).toString('utf8');
}

async function verify(bytes: Uint8Array, size: number) {
  const verifier = new GzipVerifier('jsonl');
  for (const chunk of chunksOf(bytes, size)) await verifier.write(chunk);
  return await verifier.end();
}

describe('gzip of several members', () => {
  it.each([1, 13, 4096, 65_536, file.length])(
    'inflates all of it, in chunks of %i',
    async (size) => {
      expect(await inflated(file, size)).toBe(whole);
    },
  );

  it.each([13, 65_536])('verifies and counts every member, in chunks of %i', async (size) => {
    const expected = new RecordCounter({ format: 'jsonl', validateJson: true });
    expected.push(new TextEncoder().encode(whole));
    expect(await verify(file, size)).toEqual(expected.end());
  });

  it('keeps every member as items', async () => {
    const sink = new RecordsSink('x.jsonl.gz', 10_000);
    for (const chunk of chunksOf(file, 4096)) await sink.write(chunk);
    const { items } = await sink.commit();
    expect(items).toHaveLength(4903);
    expect(items.at(-1)).toEqual({ resource_type: 'message', n: 899 });
  });

  it.each([
    ['junk after the last member', () => Buffer.concat([file, Buffer.from('junk')])],
    ['a member cut short', () => file.subarray(0, file.length - 20)],
    ['a damaged second member', () => damagedAt(gzipSync(members[0] ?? '').length + 30)],
    ['a wrong CRC in the first trailer', () => damagedAt(gzipSync(members[0] ?? '').length - 6)],
  ])('calls %s corrupt', async (_name, bad) => {
    const bytes = new Uint8Array(bad());
    await expect(verify(bytes, 4096)).rejects.toBeInstanceOf(IntegrityError);
    await expect(inflated(bytes, 4096)).rejects.toBeInstanceOf(IntegrityError);
  });
});

function damagedAt(at: number): Uint8Array {
  const copy = new Uint8Array(file);
  copy[at] = (copy[at] ?? 0) ^ 0x55;
  return copy;
}
