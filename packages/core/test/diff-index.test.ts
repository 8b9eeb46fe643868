import { describe, expect, it } from 'vitest';
import { PartitionIndex } from '../src/node/diff-index.js';

const entry = (type: string, gid: string, modifiedAt: string, record: string) =>
  `${type}\t${gid}\t${modifiedAt}\t${record}\n`;

describe('PartitionIndex', () => {
  it('finds each key of another partition, and keeps of repeated keys the one modified last', () => {
    const index = new PartitionIndex();
    index.load(
      Buffer.from(
        entry('task', '1', '2024-01-02T00:00:00Z', '{"v":1}') +
          entry('task', '2', '2024-01-01T00:00:00Z', '{"v":2}') +
          entry('task', '1', '2024-01-01T00:00:00Z', '{"v":"older"}') +
          entry('team', '1', '2024-01-01T00:00:00Z', '{"v":3}') +
          entry('task', '2', '2024-01-03T00:00:00Z', '{"v":"newer"}'),
      ),
    );
    expect(index.count).toBe(3);
    expect(index.duplicates).toBe(2);
    const other = Buffer.from('task\t2|team\t1|task\t3');
    const found = index.find(other, 0, 6);
    expect(index.recordText(found)).toBe('{"v":"newer"}');
    expect([index.typeOf(found), index.gidOf(found)]).toEqual(['task', '2']);
    expect(index.recordText(index.find(other, 7, 13))).toBe('{"v":3}');
    expect(index.find(other, 14, 20)).toBe(-1);
    // The first occurrence's place is kept, with the later version's record.
    expect(index.recordText(0)).toBe('{"v":1}');
    expect([0, 1, 2].map((at) => index.matched(at))).toEqual([false, true, true]);
  });

  it('grows past its first capacity and forgets the previous partition on load', () => {
    const index = new PartitionIndex();
    const lines = Array.from({ length: 10_000 }, (_, i) =>
      entry('task', String(i), 'x', `{"i":${i}}`),
    );
    const bytes = Buffer.from(lines.join(''));
    index.load(bytes);
    expect(index.count).toBe(10_000);
    const key = Buffer.from('task\t9999');
    expect(index.recordText(index.find(key, 0, key.length))).toBe('{"i":9999}');
    index.load(Buffer.from(entry('task', '5', 'x', '{}')));
    expect(index.count).toBe(1);
    expect(index.find(key, 0, key.length)).toBe(-1);
    expect(index.matched(0)).toBe(false);
  });
});
