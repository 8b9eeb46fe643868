/**
 * Compares the two sides partition by partition: each partition of the older export is loaded
 * into a map by key, the newer one's beside it, and every key is tallied as added, removed,
 * changed or unchanged. A partition too big to hold (a giant export, or an unlucky hash) is split
 * again with another seed first, so memory stays bounded by SPLIT_BYTES per side.
 */
import { createReadStream } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import { throwIfAborted } from '../protocol/abort.js';
import { compareRecords, type JsonObject } from '../protocol/diff-fields.js';
import type { DiffTally } from '../protocol/diff-report.js';
import { PARTITIONS, PartitionWriter, partitionPath } from './diff-partitions.js';
import { asLocalError, onDisk } from './local-error.js';

/** A partition larger than this (per side) is split before it is loaded: 48 MiB holds in ~120 MiB. */
const SPLIT_BYTES = 48 * 1024 * 1024;
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
  tally: DiffTally,
  signal: AbortSignal,
): Promise<DuplicateCounts> {
  const duplicates = { old: 0, new: 0 };
  for (let index = 0; index < PARTITIONS; index++) {
    throwIfAborted(signal, 'The diff');
    await comparePartition(dir, String(index), 0, tally, duplicates, signal);
  }
  return duplicates;
}

async function comparePartition(
  dir: string,
  name: string,
  depth: number,
  tally: DiffTally,
  duplicates: DuplicateCounts,
  signal: AbortSignal,
): Promise<void> {
  const oldPath = partitionPath(dir, 'old', name);
  const newPath = partitionPath(dir, 'new', name);
  const sizes = await Promise.all([sizeOf(oldPath), sizeOf(newPath)]);
  if (depth < MAX_SPLIT_DEPTH && Math.max(...sizes) > SPLIT_BYTES) {
    await split(dir, oldPath, 'old', name, depth + 1);
    await split(dir, newPath, 'new', name, depth + 1);
    for (let part = 0; part < SPLIT_INTO; part++) {
      throwIfAborted(signal, 'The diff');
      await comparePartition(dir, `${name}-${part}`, depth + 1, tally, duplicates, signal);
    }
    return;
  }
  const older = await load(oldPath, sizes[0]);
  const newer = await load(newPath, sizes[1]);
  duplicates.old += older.duplicates;
  duplicates.new += newer.duplicates;
  await Promise.all([remove(oldPath), remove(newPath)]);

  for (const [key, now] of newer.entries) {
    const tab = key.indexOf('\t');
    const type = key.slice(0, tab);
    const gid = key.slice(tab + 1);
    const was = older.entries.get(key);
    if (was === undefined) {
      tally.added(type, gid);
      continue;
    }
    older.entries.delete(key);
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
  for (const key of older.entries.keys()) {
    const tab = key.indexOf('\t');
    tally.removed(key.slice(0, tab), key.slice(tab + 1));
  }
}

/** A partition's entries by key; of repeated keys, the one modified last (else the last read). */
async function load(
  path: string,
  size: number,
): Promise<{ entries: Map<string, Entry>; duplicates: number }> {
  const entries = new Map<string, Entry>();
  let duplicates = 0;
  const lines = size === 0 ? [] : await linesOf(path);
  for (const line of lines) {
    const first = line.indexOf('\t');
    const second = line.indexOf('\t', first + 1);
    const third = line.indexOf('\t', second + 1);
    const key = line.slice(0, second);
    const entry = { modifiedAt: line.slice(second + 1, third), record: line.slice(third + 1) };
    const earlier = entries.get(key);
    if (earlier !== undefined) {
      duplicates += 1;
      if (earlier.modifiedAt > entry.modifiedAt) continue;
    }
    entries.set(key, entry);
  }
  return { entries, duplicates };
}

/** Re-partitions one partition file into SPLIT_INTO smaller ones with another seed. */
async function split(
  dir: string,
  path: string,
  side: 'old' | 'new',
  name: string,
  seed: number,
): Promise<void> {
  const writer = new PartitionWriter(dir, `${side}-${name}`, seed, SPLIT_INTO);
  // Read in slices, never whole: the file is big by definition.
  for await (const line of streamLines(path)) {
    const first = line.indexOf('\t');
    const second = line.indexOf('\t', first + 1);
    const third = line.indexOf('\t', second + 1);
    await writer.add(line.slice(0, second), line.slice(second + 1, third), line.slice(third + 1));
  }
  await writer.end();
  await remove(path);
}

/** Lines split at `\n` only: a record may hold a bare `\r` as JSON whitespace. */
async function* streamLines(path: string): AsyncGenerator<string> {
  const input = createReadStream(path, { encoding: 'utf8', highWaterMark: 1024 * 1024 });
  let rest = '';
  try {
    for await (const chunk of input) {
      const lines = (rest + (chunk as string)).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) if (line !== '') yield line;
    }
  } catch (error) {
    throw asLocalError(error, 'read', path);
  } finally {
    input.destroy();
  }
  if (rest !== '') yield rest;
}

async function linesOf(path: string): Promise<string[]> {
  const text = await onDisk('read', path, () => readFile(path, 'utf8'));
  const lines = text.split('\n');
  lines.pop();
  return lines;
}

async function sizeOf(path: string): Promise<number> {
  return (await stat(path).catch(() => undefined))?.size ?? 0;
}

async function remove(path: string): Promise<void> {
  await rm(path, { force: true });
}
