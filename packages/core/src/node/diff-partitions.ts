/**
 * Spreads records over partition files by a hash of their key, so that a diff of two exports of
 * millions of records never holds more than one partition of each in memory. Each line written is
 * `type \t gid \t modified_at \t record`: the key and the tie-breaker are read back without
 * parsing the record again. Types are printable (no tab), gids and dates checked, and the record
 * is one JSON line, so a tab-split of the first three fields is unambiguous.
 */
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { onDisk } from './local-error.js';

/**
 * Partitions per side. 4 GB of records make 16 MiB per partition, which a Map holds in about
 * 40 MiB; bigger exports (or unlucky partitions) are split again when compared.
 */
export const PARTITIONS = 256;
/** Text buffered per partition before it is appended: 256 × 64 KiB = 16 MiB per side at most. */
const FLUSH_CHARS = 64 * 1024;

/** FNV-1a over the key's UTF-16 code units, mixed with `seed` so a split re-partitions anew. */
export function partitionOf(key: string, seed: number, partitions: number): number {
  let hash = (0x811c9dc5 ^ Math.imul(seed, 0x9e3779b1)) >>> 0;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  // A final avalanche: FNV's low bits alone mix poorly for keys that differ only at the end.
  hash ^= hash >>> 15;
  hash = Math.imul(hash, 0x2c1b3c6d);
  hash ^= hash >>> 12;
  return (hash >>> 0) % partitions;
}

export function partitionPath(dir: string, side: string, index: number | string): string {
  return join(dir, `${side}-${index}`);
}

export class PartitionWriter {
  readonly #dir: string;
  readonly #side: string;
  readonly #seed: number;
  readonly #partitions: number;
  readonly #pending: string[][];
  readonly #pendingChars: number[];

  constructor(dir: string, side: string, seed: number, partitions = PARTITIONS) {
    this.#dir = dir;
    this.#side = side;
    this.#seed = seed;
    this.#partitions = partitions;
    this.#pending = Array.from({ length: partitions }, () => []);
    this.#pendingChars = new Array<number>(partitions).fill(0);
  }

  /** Adds one entry (`key` is `type \t gid`); resolves once any flush it caused is written. */
  async add(key: string, modifiedAt: string, record: string): Promise<void> {
    const index = partitionOf(key, this.#seed, this.#partitions);
    const line = `${key}\t${modifiedAt}\t${record}\n`;
    (this.#pending[index] as string[]).push(line);
    const chars = (this.#pendingChars[index] as number) + line.length;
    this.#pendingChars[index] = chars;
    if (chars >= FLUSH_CHARS) await this.#flush(index);
  }

  /** Writes whatever is still buffered. */
  async end(): Promise<void> {
    for (let index = 0; index < this.#partitions; index++) await this.#flush(index);
  }

  async #flush(index: number): Promise<void> {
    const lines = this.#pending[index] as string[];
    if (lines.length === 0) return;
    this.#pending[index] = [];
    this.#pendingChars[index] = 0;
    const path = partitionPath(this.#dir, this.#side, index);
    await onDisk('write', path, () => appendFile(path, lines.join('')));
  }
}
