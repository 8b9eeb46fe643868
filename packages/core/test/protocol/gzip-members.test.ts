import { crc32, gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32Update, GzipMembers } from '../../src/protocol/gzip-members.js';

const first = Buffer.from('{"a":1}\n'.repeat(5000));
const second = Buffer.from('{"b":2}\n'.repeat(300));
const memberOne = gzipSync(first);
const memberTwo = gzipSync(second);

/** Feeds `file` in chunks of `size`, with all of member one inflated, as a decompressor would. */
function afterFirstMember(file: Buffer, size: number, searchBytes?: number): GzipMembers {
  const members = new GzipMembers(searchBytes === undefined ? {} : { searchBytes });
  for (let at = 0; at < file.length; at += size) members.compressed(file.subarray(at, at + size));
  members.inflated(first.subarray(0, 1000));
  members.inflated(first.subarray(1000));
  return members;
}

describe('GzipMembers', () => {
  it.each([1, 7, 4096, memberOne.length, 1 << 20])(
    'finds where member two begins, fed in chunks of %i bytes',
    (size) => {
      const members = afterFirstMember(Buffer.concat([memberOne, memberTwo]), size);
      const rest = members.nextMember();
      expect(rest && Buffer.from(rest).equals(memberTwo)).toBe(true);
      expect(members.member).toBe(2);
      expect(gunzipSync(rest ?? Buffer.alloc(0)).equals(second)).toBe(true);
    },
  );

  it('takes several members in turn', () => {
    const members = afterFirstMember(Buffer.concat([memberOne, memberTwo, memberOne]), 4096);
    expect(Buffer.from(members.nextMember() ?? []).length).toBe(
      memberTwo.length + memberOne.length,
    );
    members.inflated(second);
    expect(Buffer.from(members.nextMember() ?? []).equals(memberOne)).toBe(true);
    expect(members.member).toBe(3);
  });

  it.each([
    ['a wrong CRC in the trailer', () => withTrailerByte(memberOne.length - 8)],
    ['a wrong length in the trailer', () => withTrailerByte(memberOne.length - 1)],
    [
      'bytes after the member that are not gzip',
      () => Buffer.concat([memberOne, Buffer.from('junk')]),
    ],
    ['zeros after the member', () => Buffer.concat([memberOne, Buffer.alloc(64)])],
  ])('calls it corrupt after %s', (_name, file) => {
    expect(afterFirstMember(file(), 4096).nextMember()).toBeUndefined();
  });

  it('calls it corrupt when less was inflated than member one holds', () => {
    const members = new GzipMembers();
    members.compressed(Buffer.concat([memberOne, memberTwo]));
    members.inflated(first.subarray(0, first.length - 1));
    expect(members.nextMember()).toBeUndefined();
  });

  it('keeps no more than its search window of compressed bytes (whole chunks)', () => {
    // Member one's trailer fell out of a 16-byte window: no boundary can be proved.
    const file = Buffer.concat([memberOne, memberTwo]);
    expect(afterFirstMember(file, 8, 16).nextMember()).toBeUndefined();
    expect(afterFirstMember(file, 8, memberTwo.length + 16).nextMember()).toBeDefined();
  });

  it('computes the CRC-32 of gzip', () => {
    const register = crc32Update(crc32Update(~0 >>> 0, first.subarray(0, 5)), first.subarray(5));
    expect(~register >>> 0).toBe(crc32(first));
  });
});

function withTrailerByte(at: number): Buffer {
  const damaged = Buffer.from(memberOne);
  damaged[at] = (damaged[at] ?? 0) ^ 0xff;
  return Buffer.concat([damaged, memberTwo]);
}
