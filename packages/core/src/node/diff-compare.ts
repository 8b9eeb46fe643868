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
import { PartitionWriter, ReadBuffer, type SpillFile } from './diff-partitions.js';

/** A partition larger than this (per side) is split before it is loaded: 16 MiB hold in ~40 MiB. */
const SPLIT_BYTES = 16 * 1024 * 1024;
const SPLIT_INTO = 16;
/** Splits stop here: what is left is then one key repeated, which a map holds once anyway. */
const MAX_SPLIT_DEPTH = 3;

interface Entry {
  modifiedAt: string;
  record: string;
}

export interface DuplicateCounts {
  old: number;
  new: number;
}

export async function comparePartitions(
  dir: string,
  older: SpillFile,
  newer: SpillFile,
  tally: DiffTally,
  signal: AbortSignal,
  splitBytes = SPLIT_BYTES,
): Promise<DuplicateCounts> {
  const duplicates = { old: 0, new: 0 };
  const context = { dir, tally, duplicates, signal, splitBytes };
  await compareSpills(context, older, newer, '0', 0);
  return duplicates;
}

interface CompareContext {
  readonly dir: string;
  readonly tally: DiffTally;
  readonly duplicates: DuplicateCounts;
  readonly signal: AbortSignal;
  readonly splitBytes: number;
}

async function compareSpills(
  context: CompareContext,
  older: SpillFile,
  newer: SpillFile,
  name: string,
  depth: number,
): Promise<void> {
  const { dir, tally, duplicates, signal, splitBytes } = context;
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
      const was = load(oldBytes);
      const now = load(newBytes);
      duplicates.old += was.duplicates;
      duplicates.new += now.duplicates;
      compareEntries(was.entries, now.entries, tally);
    }
  }
}

function compareEntries(
  older: Map<string, Entry>,
  newer: Map<string, Entry>,
  tally: DiffTally,
): void {
  for (const [key, now] of newer) {
    const tab = key.indexOf('\t');
    const type = key.slice(0, tab);
    const gid = key.slice(tab + 1);
    const was = older.get(key);
    if (was === undefined) {
      tally.added(type, gid);
      continue;
    }
    older.delete(key);
    if (was.record === now.record) {
      tally.unchanged(type);
      continue;
    }
    const before = JSON.parse(was.record) as JsonObject;
    const after = JSON.parse(now.record) as JsonObject;
    const changes = compareRecords(before, after);
    if (changes.fields.length === 0) tally.unchanged(type);
    else tally.changed(type, gid, changes, (field) => ({ old: before[field], new: after[field] }));
  }
  for (const key of older.keys()) {
    const tab = key.indexOf('\t');
    tally.removed(key.slice(0, tab), key.slice(tab + 1));
  }
}

/** A partition's entries by key; of repeated keys, the one modified last (else the last read). */
function load(bytes: Buffer): { entries: Map<string, Entry>; duplicates: number } {
  const entries = new Map<string, Entry>();
  let duplicates = 0;
  // Entry by entry, never the whole partition as one string: such a string goes to V8's large
  // object space, freed only by a full collection, and the heap grew by one per partition.
  let start = 0;
  for (let end = bytes.indexOf(10); end !== -1; end = bytes.indexOf(10, start)) {
    const first = bytes.indexOf(9, start);
    const second = bytes.indexOf(9, first + 1);
    const third = bytes.indexOf(9, second + 1);
    const key = bytes.toString('utf8', start, second);
    const entry = {
      modifiedAt: bytes.toString('latin1', second + 1, third),
      record: bytes.toString('utf8', third + 1, end),
    };
    start = end + 1;
    const earlier = entries.get(key);
    if (earlier !== undefined) {
      duplicates += 1;
      if (earlier.modifiedAt > entry.modifiedAt) continue;
    }
    entries.set(key, entry);
  }
  return { entries, duplicates };
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
