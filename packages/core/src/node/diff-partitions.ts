/**
 * Spreads records over partitions by a hash of their key, so that a diff of two exports of
 * millions of records never holds more than one partition of each in memory. All partitions of a
 * side go to one spill file, in chunks of up to 64 KiB, each written at a position reserved
 * for it (so several writes are in flight while reading goes on) and indexed by partition: one
 * file handle per side, whatever the number of partitions.
 *
 * Each entry is `type \t gid \t modified_at \t record \n`: the key and the tie-breaker are read
 * back without parsing the record again. Types are printable (no tab), gids and dates checked,
 * and the record is one JSON line, so a tab-split of the first three fields is unambiguous.
 */
import { type FileHandle, open, rm } from 'node:fs/promises';
import { onDisk } from './local-error.js';

/** Buffers of all partitions of one side together: 16 MiB, however many partitions. */
const BUFFER_BUDGET = 16 * 1024 * 1024;
const MAX_CHUNK_BYTES = 64 * 1024;
/** Aimed at per partition: two of them (one per side) and their maps hold in ~30 MiB of heap. */
const PARTITION_TARGET_BYTES = 4 * 1024 * 1024;
/** What gzip makes of JSON records, about: the sandbox's compress 5.6:1, Asana's similarly. */
const EXPECTED_RATIO = 6;

/**
 * How many partitions a side gets, from the larger stored file: enough for ~4 MiB each (a power
 * of two, from 64 to 4096). A guess too low costs a split of the big partitions later, not memory.
 */
export function partitionsFor(storedBytes: number): number {
  const wanted = (storedBytes * EXPECTED_RATIO) / PARTITION_TARGET_BYTES;
  let partitions = 64;
  while (partitions < wanted && partitions < 4096) partitions *= 2;
  return partitions;
}

function chunkBytesFor(partitions: number): number {
  return Math.min(MAX_CHUNK_BYTES, Math.floor(BUFFER_BUDGET / partitions));
}
/**
 * Writes in flight per side. Awaiting each one left the reader idle 23% of the time (100 MB each
 * side, bench/diff.mjs); eight keep the disk busy for 512 KiB of extra buffers.
 */
const MAX_WRITES_IN_FLIGHT = 8;

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

/**
 * One buffer reused for every partition read into it, grown when needed: a fresh one per
 * partition left hundreds of MiB of freed buffers waiting for a collection (1 GB each side).
 */
export class ReadBuffer {
  #buffer = Buffer.allocUnsafe(0);

  take(length: number): Buffer {
    // Rounded up to 1 MiB: a run of slightly bigger partitions must not allocate a buffer each.
    if (this.#buffer.length < length) this.#buffer = Buffer.allocUnsafe(roundUpToMiB(length));
    return this.#buffer.subarray(0, length);
  }
}

/**
 * Where one partition's chunks are in a spill file: position and length pairs in a typed array.
 * An object per chunk cost 40 bytes of heap each, a million of them for 4 GB each side, held
 * to the end of the diff.
 */
export class ChunkList {
  #pairs = new Float64Array(16);
  #count = 0;
  #bytes = 0;

  /** As plain data a worker thread can send: the pairs in use, copied. */
  static fromData(data: ChunkListData): ChunkList {
    const list = new ChunkList();
    list.#pairs = data.pairs.length > 0 ? data.pairs : new Float64Array(16);
    list.#count = data.pairs.length / 2;
    list.#bytes = data.bytes;
    return list;
  }

  data(): ChunkListData {
    return { pairs: this.#pairs.slice(0, 2 * this.#count), bytes: this.#bytes };
  }

  get count(): number {
    return this.#count;
  }

  /** All the chunks' bytes. */
  get bytes(): number {
    return this.#bytes;
  }

  push(position: number, length: number): void {
    if (2 * this.#count === this.#pairs.length) {
      const grown = new Float64Array(this.#pairs.length * 2);
      grown.set(this.#pairs);
      this.#pairs = grown;
    }
    this.#pairs[2 * this.#count] = position;
    this.#pairs[2 * this.#count + 1] = length;
    this.#count += 1;
    this.#bytes += length;
  }

  position(chunk: number): number {
    return this.#pairs[2 * chunk] as number;
  }

  length(chunk: number): number {
    return this.#pairs[2 * chunk + 1] as number;
  }
}

export interface ChunkListData {
  /** Position and length of each chunk, in the order they were written. */
  readonly pairs: Float64Array<ArrayBuffer>;
  readonly bytes: number;
}

/** A spill file's index as plain data, for a spill written on one thread and read on another. */
export interface SpillFileData {
  readonly path: string;
  readonly chunks: readonly ChunkListData[];
}

const NO_CHUNKS = new ChunkList();

/** The buffers of spill indexes, to transfer them to another thread instead of copying them. */
export function transferables(...spills: readonly SpillFileData[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const spill of spills) {
    for (const chunks of spill.chunks) {
      if (chunks.pairs.byteLength > 0) buffers.add(chunks.pairs.buffer);
    }
  }
  return [...buffers];
}

/** Where each partition's chunks are in a spill file. */
export class SpillFile {
  readonly path: string;
  readonly partitions: number;
  readonly #chunks: readonly ChunkList[];

  constructor(path: string, chunks: readonly ChunkList[]) {
    this.path = path;
    this.partitions = chunks.length;
    this.#chunks = chunks;
  }

  static fromData(data: SpillFileData): SpillFile {
    return new SpillFile(data.path, data.chunks.map(ChunkList.fromData));
  }

  /**
   * The index as plain data, for the thread that wrote the spill to send. Its buffers are fresh
   * copies, which the sender transfers rather than copy again (`transferables`): for 4 GB each
   * side the index is tens of MiB.
   */
  data(): SpillFileData {
    return { path: this.path, chunks: this.#chunks.map((chunks) => chunks.data()) };
  }

  /** Bytes of one partition. */
  size(index: number): number {
    return (this.#chunks[index] ?? NO_CHUNKS).bytes;
  }

  /**
   * One partition's bytes, its chunks in the order they were written, read all at once: reading
   * them one after another left the comparison idle 30% of the time.
   */
  async read(index: number, into: ReadBuffer): Promise<Buffer> {
    const chunks = this.#chunks[index] ?? NO_CHUNKS;
    const bytes = into.take(this.size(index));
    if (bytes.length === 0) return bytes;
    await onDisk('read', this.path, async () => {
      const handle = await open(this.path, 'r');
      try {
        let at = 0;
        const reads: Promise<void>[] = [];
        for (let chunk = 0; chunk < chunks.count; chunk++) {
          const length = chunks.length(chunk);
          reads.push(readFully(handle, bytes, at, length, chunks.position(chunk)));
          at += length;
        }
        await Promise.all(reads);
      } finally {
        await handle.close();
      }
    });
    return bytes;
  }

  /** One partition's chunks, one at a time: each holds whole entries. */
  async *chunks(index: number): AsyncGenerator<Buffer> {
    const handle = await onDisk('read', this.path, () => open(this.path, 'r'));
    try {
      const chunks = this.#chunks[index] ?? NO_CHUNKS;
      for (let chunk = 0; chunk < chunks.count; chunk++) {
        const length = chunks.length(chunk);
        const bytes = Buffer.allocUnsafe(length);
        await onDisk('read', this.path, () =>
          readFully(handle, bytes, 0, length, chunks.position(chunk)),
        );
        yield bytes;
      }
    } finally {
      await handle.close();
    }
  }

  async remove(): Promise<void> {
    await rm(this.path, { force: true });
  }
}

export class PartitionWriter {
  readonly #path: string;
  readonly #seed: number;
  readonly #partitions: number;
  readonly #chunkBytes: number;
  /** One buffer per partition; a full one is handed to a write and replaced. */
  readonly #buffers: Buffer[];
  readonly #filled: number[];
  readonly #chunks: ChunkList[];
  #handle: FileHandle | undefined;
  #end = 0;
  readonly #inFlight = new Set<Promise<void>>();
  /**
   * Chunk buffers whose write is done, for the next flush: a fresh one per flush left freed
   * buffers by the thousand waiting for a collection, as memory outside V8's heap.
   */
  readonly #spare: Buffer[] = [];
  #failure: unknown;

  constructor(path: string, seed: number, partitions: number) {
    this.#path = path;
    this.#seed = seed;
    this.#partitions = partitions;
    this.#chunkBytes = chunkBytesFor(partitions);
    this.#buffers = Array.from({ length: partitions }, () => Buffer.allocUnsafe(this.#chunkBytes));
    this.#filled = new Array<number>(partitions).fill(0);
    this.#chunks = Array.from({ length: partitions }, () => new ChunkList());
  }

  /**
   * Adds one entry (`key` is `type \t gid`, `record` its JSON line as UTF-8). The record's bytes
   * are copied, never kept as a string: nothing it leaves behind outlives a young-generation
   * collection (buffering strings grew the heap to 210 MiB for a 100 MB export; this keeps it flat).
   */
  async add(key: string, modifiedAt: string, record: Uint8Array): Promise<void> {
    const index = partitionOf(key, this.#seed, this.#partitions);
    const head = `${key}\t${modifiedAt}\t`;
    const length = Buffer.byteLength(head) + record.byteLength + 1;
    if ((this.#filled[index] as number) + length > this.#chunkBytes) await this.#flush(index);
    if (length > this.#chunkBytes) {
      await this.#write(index, Buffer.concat([Buffer.from(head), record, NEWLINE]));
      return;
    }
    const buffer = this.#buffers[index] as Buffer;
    let at = this.#filled[index] as number;
    at += buffer.write(head, at);
    buffer.set(record, at);
    at += record.byteLength;
    buffer[at] = 10;
    this.#filled[index] = at + 1;
  }

  /** Writes whatever is still buffered, waits for every write and closes the file. */
  async end(): Promise<SpillFile> {
    try {
      for (let index = 0; index < this.#partitions; index++) await this.#flush(index);
      await Promise.all(this.#inFlight);
      if (this.#failure !== undefined) throw this.#failure;
    } finally {
      await this.#handle?.close();
      this.#handle = undefined;
    }
    return new SpillFile(this.#path, this.#chunks);
  }

  /** Closes the file after a failure elsewhere; what was written is removed with the folder. */
  async abandon(): Promise<void> {
    await Promise.allSettled(this.#inFlight);
    await this.#handle?.close().catch(() => {});
    this.#handle = undefined;
  }

  async #flush(index: number): Promise<void> {
    const filled = this.#filled[index] as number;
    if (filled === 0) return;
    const full = this.#buffers[index] as Buffer;
    this.#buffers[index] = this.#spare.pop() ?? Buffer.allocUnsafe(this.#chunkBytes);
    this.#filled[index] = 0;
    await this.#write(index, full.subarray(0, filled), full);
  }

  /**
   * Reserves the bytes' place in the file and starts writing them; waits only for room. `reuse`,
   * the chunk buffer they are in, is taken back for another flush once written.
   */
  async #write(index: number, bytes: Buffer, reuse?: Buffer): Promise<void> {
    if (this.#failure !== undefined) throw this.#failure;
    const path = this.#path;
    this.#handle ??= await onDisk('create', path, () => open(path, 'wx'));
    const handle = this.#handle;
    const position = this.#end;
    this.#end += bytes.length;
    (this.#chunks[index] as ChunkList).push(position, bytes.length);
    const writing = onDisk('write', path, async () => {
      let done = 0;
      while (done < bytes.length) {
        const { bytesWritten } = await handle.write(
          bytes,
          done,
          bytes.length - done,
          position + done,
        );
        done += bytesWritten;
      }
      if (reuse !== undefined) this.#spare.push(reuse);
    }).catch((error: unknown) => {
      this.#failure ??= error;
    });
    const tracked = writing.finally(() => this.#inFlight.delete(tracked));
    this.#inFlight.add(tracked);
    if (this.#inFlight.size >= MAX_WRITES_IN_FLIGHT) await Promise.race(this.#inFlight);
    if (this.#failure !== undefined) throw this.#failure;
  }
}

const NEWLINE = Buffer.from('\n');
const MIB = 1024 * 1024;

function roundUpToMiB(bytes: number): number {
  return Math.ceil(bytes / MIB) * MIB;
}

/** `length` bytes at `position`, however many reads that takes; a file cut short is an error. */
async function readFully(
  handle: FileHandle,
  bytes: Buffer,
  offset: number,
  length: number,
  position: number,
): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(bytes, offset + done, length - done, position + done);
    if (bytesRead === 0)
      throw Object.assign(new Error('the spill file ends early'), { code: 'EIO' });
    done += bytesRead;
  }
}
