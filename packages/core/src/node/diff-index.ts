/**
 * One partition's entries (`type \t gid \t modified_at \t record \n`), indexed by key with no
 * JavaScript object, string or map entry per record: positions in typed arrays and an open-
 * addressing table over the key's bytes. A partition is compared over several young-generation
 * collections, so whatever it keeps per record is promoted to the old generation and lingers until
 * a full collection: strings and map entries per record grew the heap to 150 MiB between full
 * collections (1 GB each side, bench/diff.mjs); typed arrays reused for every partition do not.
 */

const TAB = 9;
const NEWLINE = 10;
/** Per entry: key start and end (`type \t gid`), modified_at start and end, record start and end. */
const FIELDS = 6;
const INITIAL_ENTRIES = 4096;

export class PartitionIndex {
  #bytes: Buffer = Buffer.alloc(0);
  #positions = new Uint32Array(INITIAL_ENTRIES * FIELDS);
  /** Entry index + 1 per slot, 0 when empty; its size a power of two, at least twice the entries. */
  #slots = new Uint32Array(INITIAL_ENTRIES * 2);
  /** Whether the other side had the entry's key (set by `find`). */
  #matched = new Uint8Array(INITIAL_ENTRIES);
  #count = 0;
  /** Entries whose key repeated an earlier one's (the one modified last is kept). */
  duplicates = 0;

  get bytes(): Buffer {
    return this.#bytes;
  }

  get count(): number {
    return this.#count;
  }

  /** Indexes `bytes`, forgetting the previous partition. */
  load(bytes: Buffer): void {
    this.#bytes = bytes;
    this.#count = 0;
    this.duplicates = 0;
    let lines = 0;
    for (let at = bytes.indexOf(NEWLINE); at !== -1; at = bytes.indexOf(NEWLINE, at + 1)) lines++;
    this.#reserve(lines);
    this.#slots.fill(0);
    this.#matched.fill(0, 0, lines);
    let start = 0;
    for (let end = bytes.indexOf(NEWLINE); end !== -1; end = bytes.indexOf(NEWLINE, start)) {
      const first = bytes.indexOf(TAB, start);
      const second = bytes.indexOf(TAB, first + 1);
      const third = bytes.indexOf(TAB, second + 1);
      this.#insert(start, second, second + 1, third, third + 1, end);
      start = end + 1;
    }
  }

  /** The entry of this key (bytes of another partition), marked matched; -1 when there is none. */
  find(other: Buffer, keyStart: number, keyEnd: number): number {
    const mask = this.#slots.length - 1;
    for (let slot = hashOf(other, keyStart, keyEnd) & mask; ; slot = (slot + 1) & mask) {
      const held = this.#slots[slot] as number;
      if (held === 0) return -1;
      const entry = held - 1;
      if (this.#sameKey(entry, other, keyStart, keyEnd)) {
        this.#matched[entry] = 1;
        return entry;
      }
    }
  }

  matched(entry: number): boolean {
    return this.#matched[entry] === 1;
  }

  keyStart(entry: number): number {
    return this.#positions[entry * FIELDS] as number;
  }

  keyEnd(entry: number): number {
    return this.#positions[entry * FIELDS + 1] as number;
  }

  recordStart(entry: number): number {
    return this.#positions[entry * FIELDS + 4] as number;
  }

  recordEnd(entry: number): number {
    return this.#positions[entry * FIELDS + 5] as number;
  }

  /** The entry's `type` and `gid`, as strings: only for what is reported, not for every record. */
  typeOf(entry: number): string {
    const start = this.keyStart(entry);
    return this.#bytes.toString('utf8', start, this.#bytes.indexOf(TAB, start));
  }

  gidOf(entry: number): string {
    const tab = this.#bytes.indexOf(TAB, this.keyStart(entry));
    return this.#bytes.toString('utf8', tab + 1, this.keyEnd(entry));
  }

  /** The entry's record, decoded: for a changed record, to see which fields changed. */
  recordText(entry: number): string {
    return this.#bytes.toString('utf8', this.recordStart(entry), this.recordEnd(entry));
  }

  #insert(
    keyStart: number,
    keyEnd: number,
    modifiedStart: number,
    modifiedEnd: number,
    recordStart: number,
    recordEnd: number,
  ): void {
    const bytes = this.#bytes;
    const mask = this.#slots.length - 1;
    let slot = hashOf(bytes, keyStart, keyEnd) & mask;
    for (; ; slot = (slot + 1) & mask) {
      const held = this.#slots[slot] as number;
      if (held === 0) break;
      const entry = held - 1;
      if (!this.#sameKey(entry, bytes, keyStart, keyEnd)) continue;
      this.duplicates += 1;
      const at = entry * FIELDS;
      // ISO 8601 dates of one form order as their bytes do; on a tie the last read wins.
      const earlierIsLater =
        bytes.compare(
          bytes,
          modifiedStart,
          modifiedEnd,
          this.#positions[at + 2] as number,
          this.#positions[at + 3] as number,
        ) > 0;
      if (earlierIsLater) return;
      const positions = this.#positions;
      positions[at + 2] = modifiedStart;
      positions[at + 3] = modifiedEnd;
      positions[at + 4] = recordStart;
      positions[at + 5] = recordEnd;
      return;
    }
    const entry = this.#count++;
    const positions = this.#positions;
    const at = entry * FIELDS;
    positions[at] = keyStart;
    positions[at + 1] = keyEnd;
    positions[at + 2] = modifiedStart;
    positions[at + 3] = modifiedEnd;
    positions[at + 4] = recordStart;
    positions[at + 5] = recordEnd;
    this.#slots[slot] = entry + 1;
  }

  #sameKey(entry: number, other: Buffer, keyStart: number, keyEnd: number): boolean {
    const at = entry * FIELDS;
    const start = this.#positions[at] as number;
    const end = this.#positions[at + 1] as number;
    return this.#bytes.compare(other, keyStart, keyEnd, start, end) === 0;
  }

  /** Room for `entries`, grown (never shrunk) so a run of partitions reuses the same arrays. */
  #reserve(entries: number): void {
    if (this.#matched.length < entries) {
      let capacity = this.#matched.length;
      while (capacity < entries) capacity *= 2;
      this.#positions = new Uint32Array(capacity * FIELDS);
      this.#slots = new Uint32Array(capacity * 2);
      this.#matched = new Uint8Array(capacity);
    }
  }
}

/**
 * FNV-1a over the key's bytes, with a final avalanche for the table's low bits. Its start differs
 * from `partitionOf`'s: with the same hash, every key of a partition shares the low bits that
 * chose the partition, so they crowded into a fraction of the slots (13 key comparisons a record,
 * a quarter of the comparing thread's time: node --cpu-prof, 1 GB each side).
 */
function hashOf(bytes: Buffer, start: number, end: number): number {
  let hash = 0x811c9dc5 ^ 0x5bd1e995;
  for (let i = start; i < end; i++) {
    hash ^= bytes[i] as number;
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 15;
  hash = Math.imul(hash, 0x2c1b3c6d);
  hash ^= hash >>> 12;
  return hash >>> 0;
}
