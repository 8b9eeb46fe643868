/**
 * Compares the two sides partition by partition: each partition of the older export is loaded
 * into a map by key, the newer one's beside it, and every key is tallied as added, removed,
 * changed or unchanged. A partition too big to hold (a giant export, or an unlucky hash) is split
 * again with another seed first, so memory stays bounded by SPLIT_BYTES per side.
 */
import { join } from 'node:path';
import { throwIfAborted } from '../protocol/abort.js';
import { compareRecords, type JsonObject } from '../protocol/diff-fields.js';
import type { DiffTally } from '../protocol/diff-report.js';
import { PartitionIndex } from './diff-index.js';
import { PartitionWriter, ReadBuffer, type SpillFile } from './diff-partitions.js';

/** A partition larger than this (per side) is split before it is loaded: 16 MiB hold in ~40 MiB. */
const SPLIT_BYTES = 16 * 1024 * 1024;
const SPLIT_INTO = 16;
/** Splits stop here: what is left is then one key repeated, which a map holds once anyway. */
const MAX_SPLIT_DEPTH = 3;

export interface DuplicateCounts {
  old: number;
  new: number;
}

/** Compares every partition into `tally`; the files a split writes go to `dir`. */
export async function comparePartitions(
  dir: string,
  older: SpillFile,
  newer: SpillFile,
  tally: DiffTally,
  signal: AbortSignal,
  splitBytes = SPLIT_BYTES,
): Promise<DuplicateCounts> {
  const duplicates = { old: 0, new: 0 };
  // One index per side for every partition, splits included: each is filled and compared
  // synchronously, so none is needed by two partitions at once.
  const indexes = { old: new PartitionIndex(), new: new PartitionIndex() };
  const context = { dir, tally, duplicates, signal, splitBytes, indexes };
  await compareSpills(context, older, newer, '0', 0);
  return duplicates;
}

interface CompareContext {
  readonly dir: string;
  readonly tally: DiffTally;
  readonly duplicates: DuplicateCounts;
  readonly signal: AbortSignal;
  readonly splitBytes: number;
  readonly indexes: { readonly old: PartitionIndex; readonly new: PartitionIndex };
}

async function compareSpills(
  context: CompareContext,
  older: SpillFile,
  newer: SpillFile,
  name: string,
  depth: number,
): Promise<void> {
  const { dir, tally, duplicates, signal, splitBytes, indexes } = context;
  const isBig = (index: number) =>
    depth < MAX_SPLIT_DEPTH && Math.max(older.size(index), newer.size(index)) > splitBytes;
  // The next partition is read while this one is compared: the disk and the CPU both stay busy,
  // so two buffers per side take turns.
  const buffers = [
    [new ReadBuffer(), new ReadBuffer()],
    [new ReadBuffer(), new ReadBuffer()],
  ] as const;
  const readPair = (index: number) => {
    if (index >= older.partitions || isBig(index)) return undefined;
    const [forOld, forNew] = buffers[index % 2] as readonly [ReadBuffer, ReadBuffer];
    return Promise.all([older.read(index, forOld), newer.read(index, forNew)]);
  };
  let next = readPair(0);
  try {
    await compareEach();
  } finally {
    // A read started for nothing (the loop ended early) must not fail unobserved.
    await next?.catch(() => {});
  }

  async function compareEach(): Promise<void> {
    for (let index = 0; index < older.partitions; index++) {
      throwIfAborted(signal, 'The diff');
      const reading = next;
      next = readPair(index + 1);
      if (reading === undefined) {
        const part = `${name}-${index}`;
        const olderParts = await split(join(dir, `old-${part}`), older, index, depth + 1);
        const newerParts = await split(join(dir, `new-${part}`), newer, index, depth + 1);
        await compareSpills(context, olderParts, newerParts, part, depth + 1);
        await Promise.all([olderParts.remove(), newerParts.remove()]);
        continue;
      }
      const [oldBytes, newBytes] = await reading;
      indexes.old.load(oldBytes);
      indexes.new.load(newBytes);
      duplicates.old += indexes.old.duplicates;
      duplicates.new += indexes.new.duplicates;
      compareEntries(indexes.old, indexes.new, tally);
    }
  }
}

function compareEntries(older: PartitionIndex, newer: PartitionIndex, tally: DiffTally): void {
  const oldBytes = older.bytes;
  const newBytes = newer.bytes;
  for (let now = 0; now < newer.count; now++) {
    const was = older.find(newBytes, newer.keyStart(now), newer.keyEnd(now));
    if (was === -1) {
      tally.added(newer.typeOf(now), newer.gidOf(now));
      continue;
    }
    const same =
      oldBytes.compare(
        newBytes,
        newer.recordStart(now),
        newer.recordEnd(now),
        older.recordStart(was),
        older.recordEnd(was),
      ) === 0;
    if (same) {
      tally.unchanged(newer.typeOf(now));
      continue;
    }
    const before = JSON.parse(older.recordText(was)) as JsonObject;
    const after = JSON.parse(newer.recordText(now)) as JsonObject;
    const changes = compareRecords(before, after);
    const type = newer.typeOf(now);
    if (changes.fields.length === 0) tally.unchanged(type);
    else {
      tally.changed(type, newer.gidOf(now), changes, (field) => ({
        old: before[field],
        new: after[field],
      }));
    }
  }
  for (let was = 0; was < older.count; was++) {
    if (!older.matched(was)) tally.removed(older.typeOf(was), older.gidOf(was));
  }
}

/**
 * Re-partitions one partition into SPLIT_INTO smaller ones with another seed, a chunk at a time
 * (a chunk holds whole entries): never the whole partition in memory, big by definition.
 */
async function split(
  path: string,
  spill: SpillFile,
  index: number,
  seed: number,
): Promise<SpillFile> {
  const writer = new PartitionWriter(path, seed, SPLIT_INTO);
  try {
    for await (const chunk of spill.chunks(index)) {
      let start = 0;
      for (let end = chunk.indexOf(10); end !== -1; end = chunk.indexOf(10, start)) {
        const first = chunk.indexOf(9, start);
        const second = chunk.indexOf(9, first + 1);
        const third = chunk.indexOf(9, second + 1);
        await writer.add(
          chunk.toString('utf8', start, second),
          chunk.toString('latin1', second + 1, third),
          chunk.subarray(third + 1, end),
        );
        start = end + 1;
      }
    }
    return await writer.end();
  } catch (error) {
    await writer.abandon();
    throw error;
  }
}
