/**
 * A change report made from two exports that can be read again from the start as often as needed
 * (n8n's binary data, a file), without a disk to partition them on: what the n8n node compares.
 * The records are matched and judged exactly as the CLI's `diff` does (node/diff-read.ts and
 * diff-compare.ts: the key is `resource_type` and `gid`, a record without a usable gid is matched
 * by its content, of repeated keys the one modified last counts, equal lines are unchanged, and
 * otherwise `compareRecords` decides), so both make the same report of the same pair; only which
 * examples are kept, when there are more than DIFF_EXAMPLES, may differ (the CLI meets them in the
 * order of its partitions).
 *
 * Memory is what an index of every key takes, not the exports: each side is read once to note
 * per key the line of its record and a 128-bit hash of that line (no record is kept); the keys
 * in both with different hashes are the candidates, whose lines are re-read in batches of at most
 * `batchBytes` of the older export, each batch then compared while the newer one is re-read.
 * Measured (Node 24, a million records with 16-digit gids on each side, of ~220 bytes): the two
 * indexes retain 139 bytes per record after a GC, ~70 per key and side (its flat string ~40, its
 * Map slot, its hash and line number: 20 in typed arrays). The process's peak RSS rose by about
 * 350 MB over the comparison (V8's headroom and the decompressor's buffers awaiting collection,
 * beside the indexes), in 18 to 28 s on two busy cores. An export of 200,000 records (~100 MB of
 * JSON) is compared in ~30 MB of index plus one batch of changed records.
 *
 * Pure logic over the decompressed bytes the caller hands in (`open()` for each pass): no I/O.
 */
import { hash } from 'node:crypto';
import { throwIfAborted } from './abort.js';
import { concatBytes } from './age-crypto.js';
import { compareRecords, type JsonObject } from './diff-fields.js';
import { decodeRecordLine, MAX_COMPARED_RECORD_BYTES, recordKeyOf } from './diff-record-key.js';
import { DiffTally } from './diff-report.js';
import { InputError, IntegrityError } from './errors.js';

/** How many bytes of the older export's changed candidates one batch holds. */
export const DEFAULT_DIFF_BATCH_BYTES = 67_108_864; // 64 MiB

const NEWLINE = 10;

export interface DiffStreamSide {
  /** How messages name this side's export, e.g. `x.jsonl.gz (binary field "old")` (printable). */
  readonly shown: string;
  /** The export's decompressed bytes from the start, anew on every call (once per pass). */
  open(): AsyncIterable<Uint8Array>;
}

export interface DiffStreamFigures {
  /** Records read, repeated keys included. */
  readonly records: number;
  /** Records that repeated an earlier one's key. */
  readonly duplicates: number;
  /** Records without a usable gid, matched by their content. */
  readonly withoutGid: number;
}

export interface DiffStreamsResult {
  /** Fed with every record: its `report()` is the change report. */
  readonly tally: DiffTally;
  readonly old: DiffStreamFigures;
  readonly new: DiffStreamFigures;
  /** Times each side was read: 2 + the batches (+1 when keys repeat), for tests and logs. */
  readonly passes: { readonly old: number; readonly new: number };
}

export interface DiffStreamsOptions {
  readonly signal: AbortSignal;
  readonly batchBytes?: number | undefined;
}

export async function diffRecordStreams(
  older: DiffStreamSide,
  newer: DiffStreamSide,
  options: DiffStreamsOptions,
): Promise<DiffStreamsResult> {
  const { signal } = options;
  const batchBytes = options.batchBytes ?? DEFAULT_DIFF_BATCH_BYTES;
  const oldIndex = await indexSide(older, signal);
  const newIndex = await indexSide(newer, signal);

  const tally = new DiffTally();
  const candidates: Candidate[] = [];
  for (const [key, slot] of newIndex.slots) {
    const was = oldIndex.slots.get(key);
    const type = key.slice(0, key.indexOf('\t'));
    if (was === undefined) {
      tally.added(type, key.slice(type.length + 1));
    } else if (oldIndex.sameHash(was, newIndex, slot)) {
      tally.unchanged(type);
    } else {
      candidates.push({ key, oldLine: oldIndex.lineOf(was), newLine: newIndex.lineOf(slot) });
    }
  }
  candidates.sort((a, b) => a.oldLine - b.oldLine);
  let batches = 0;
  for (let from = 0; from < candidates.length; batches++) {
    from = await compareBatch(older, newer, oldIndex, newIndex, candidates, from, {
      tally,
      signal,
      batchBytes,
    });
  }
  for (const key of oldIndex.slots.keys()) {
    if (newIndex.slots.has(key)) continue;
    const type = key.slice(0, key.indexOf('\t'));
    tally.removed(type, key.slice(type.length + 1));
  }
  return {
    tally,
    old: oldIndex.figures(),
    new: newIndex.figures(),
    passes: { old: oldIndex.passes + batches, new: newIndex.passes + batches },
  };
}

/**
 * An organization export whose file is one JSON document has no records to match: comparing it
 * as one record would report "1 removed, 1 added" for any change (the CLI refuses it too).
 */
export function assertRecordsPerLine(input: string, shown: string, figures: DiffStreamFigures) {
  if (figures.records !== 1 || figures.withoutGid !== 1) return;
  throw new InputError(
    input,
    `${shown} holds one JSON document, not one record per line`,
    'A change report compares exports of one record per line (resource and graph exports, and organization exports laid out that way); compare this one with a JSON tool such as jq instead.',
  );
}

interface Candidate {
  readonly key: string;
  readonly oldLine: number;
  readonly newLine: number;
}

interface BatchContext {
  readonly tally: DiffTally;
  readonly signal: AbortSignal;
  readonly batchBytes: number;
}

/** Holds the older versions of candidates from `from` on, up to the budget; compares them. */
async function compareBatch(
  older: DiffStreamSide,
  newer: DiffStreamSide,
  oldIndex: SideIndex,
  newIndex: SideIndex,
  candidates: readonly Candidate[],
  from: number,
  { tally, signal, batchBytes }: BatchContext,
): Promise<number> {
  const held = new Map<number, Uint8Array>();
  let next = from;
  let bytes = 0;
  for await (const line of readLines(older, signal)) {
    const candidate = candidates[next] as Candidate;
    if (line.number !== candidate.oldLine) continue;
    oldIndex.checkUnchanged(older, candidate.key, line);
    // A copy: the line may be a view of a much larger chunk, which it would keep alive.
    held.set(line.number, line.bytes.slice());
    bytes += line.bytes.byteLength;
    next += 1;
    if (next === candidates.length || bytes >= batchBytes) break;
  }
  if (held.size !== next - from) throw changedWhileRead(older);

  const wanted = new Map<number, Candidate>();
  for (let index = from; index < next; index++) {
    const candidate = candidates[index] as Candidate;
    wanted.set(candidate.newLine, candidate);
  }
  for await (const line of readLines(newer, signal)) {
    const candidate = wanted.get(line.number);
    if (candidate === undefined) continue;
    newIndex.checkUnchanged(newer, candidate.key, line);
    wanted.delete(line.number);
    const before = parseObject(held.get(candidate.oldLine) as Uint8Array);
    held.delete(candidate.oldLine);
    const after = parseObject(line.bytes);
    const type = candidate.key.slice(0, candidate.key.indexOf('\t'));
    const changes = compareRecords(before, after);
    if (changes.fields.length === 0) tally.unchanged(type);
    else {
      const gid = candidate.key.slice(type.length + 1);
      tally.changed(type, gid, changes, (field) => ({ old: before[field], new: after[field] }));
    }
    if (wanted.size === 0) break;
  }
  if (wanted.size > 0) throw changedWhileRead(newer);
  return next;
}

function changedWhileRead(side: DiffStreamSide): IntegrityError {
  return new IntegrityError('it changed while it was being compared (a line read again differs)', {
    storedFile: side.shown,
  });
}

/** Both versions passed the checks when indexed: parsing again cannot fail. */
function parseObject(bytes: Uint8Array): JsonObject {
  return JSON.parse(decodeRecordLine(bytes)) as JsonObject;
}

/** One record's key, as the CLI's reader makes it. */
interface KeyedRecord {
  readonly key: string;
  readonly modifiedAt: string;
  readonly hasGid: boolean;
}

/**
 * Every key of one side: the line of its record and the hash of that line, in typed arrays (a
 * Map from key to slot number keeps the slot a small integer, stored in place).
 */
class SideIndex {
  readonly slots = new Map<string, number>();
  passes = 0;
  #hashes = new Uint32Array(4 * 1024);
  #lines = new Uint32Array(1024);
  #records = 0;
  #duplicates = 0;
  #withoutGid = 0;
  readonly #scratch = new Uint32Array(4);

  lineOf(slot: number): number {
    return this.#lines[slot] as number;
  }

  sameHash(slot: number, other: SideIndex, otherSlot: number): boolean {
    for (let i = 0; i < 4; i++) {
      if (this.#hashes[4 * slot + i] !== other.#hashes[4 * otherSlot + i]) return false;
    }
    return true;
  }

  figures(): DiffStreamFigures {
    return { records: this.#records, duplicates: this.#duplicates, withoutGid: this.#withoutGid };
  }

  /** Counts a record; returns the slot of a key already seen (a duplicate), else undefined. */
  add(record: KeyedRecord, line: Line): number | undefined {
    this.#records += 1;
    if (!record.hasGid) this.#withoutGid += 1;
    const existing = this.slots.get(record.key);
    if (existing !== undefined) {
      this.#duplicates += 1;
      return existing;
    }
    const slot = this.slots.size;
    if (slot === this.#lines.length) this.#grow();
    this.slots.set(record.key, slot);
    this.#lines[slot] = line.number;
    hashInto(line.bytes, this.#hashes, 4 * slot);
    return undefined;
  }

  set(slot: number, lineNumber: number, hash: Uint32Array): void {
    this.#lines[slot] = lineNumber;
    this.#hashes.set(hash, 4 * slot);
  }

  /** A line read again must be the one indexed: the input is not to change between passes. */
  checkUnchanged(side: DiffStreamSide, key: string, line: Line): void {
    const slot = this.slots.get(key);
    if (slot === undefined || this.lineOf(slot) !== line.number) throw changedWhileRead(side);
    hashInto(line.bytes, this.#scratch, 0);
    for (let i = 0; i < 4; i++) {
      if (this.#hashes[4 * slot + i] !== this.#scratch[i]) throw changedWhileRead(side);
    }
  }

  #grow(): void {
    const lines = new Uint32Array(this.#lines.length * 2);
    lines.set(this.#lines);
    this.#lines = lines;
    const hashes = new Uint32Array(this.#hashes.length * 2);
    hashes.set(this.#hashes);
    this.#hashes = hashes;
  }
}

async function indexSide(side: DiffStreamSide, signal: AbortSignal): Promise<SideIndex> {
  const index = new SideIndex();
  /** Lines of every occurrence of a repeated key, to settle which one counts. */
  const repeated = new Set<number>();
  for await (const line of readLines(side, signal)) {
    const record = keyOf(side, line);
    if (record === undefined) continue;
    const earlier = index.add(record, line);
    if (earlier !== undefined) {
      repeated.add(index.lineOf(earlier));
      repeated.add(line.number);
    }
  }
  index.passes = 1;
  if (repeated.size > 0) {
    await settleRepeated(side, index, repeated, signal);
    index.passes = 2;
  }
  return index;
}

/**
 * Of repeated keys, the record modified last counts, and of equal times the one read last: the
 * CLI's rule (diff-compare.ts `load`), applied to every occurrence in the order of the file.
 */
async function settleRepeated(
  side: DiffStreamSide,
  index: SideIndex,
  lines: ReadonlySet<number>,
  signal: AbortSignal,
): Promise<void> {
  const winners = new Map<string, { modifiedAt: string; line: number; hash: Uint32Array }>();
  let left = lines.size;
  for await (const line of readLines(side, signal)) {
    if (!lines.has(line.number)) continue;
    const record = keyOf(side, line);
    if (record === undefined) throw changedWhileRead(side);
    const earlier = winners.get(record.key);
    if (earlier === undefined || earlier.modifiedAt <= record.modifiedAt) {
      const lineHash = new Uint32Array(4);
      hashInto(line.bytes, lineHash, 0);
      winners.set(record.key, { modifiedAt: record.modifiedAt, line: line.number, hash: lineHash });
    }
    left -= 1;
    if (left === 0) break;
  }
  if (left > 0) throw changedWhileRead(side);
  for (const [key, winner] of winners) {
    const slot = index.slots.get(key);
    if (slot === undefined) throw changedWhileRead(side);
    index.set(slot, winner.line, winner.hash);
  }
}

/**
 * 128 bits of the line's SHA-256, into `into` at `at`: equal lines are unchanged, as the CLI
 * compares them. One-shot, straight into the index: no Hash object or array per record.
 */
function hashInto(bytes: Uint8Array, into: Uint32Array, at: number): void {
  const hex = hash('sha256', bytes, 'hex');
  for (let i = 0; i < 4; i++) into[at + i] = Number.parseInt(hex.slice(8 * i, 8 * i + 8), 16);
}

/** Checks a line and makes its key (diff-record-key.ts); a blank line is no record. */
function keyOf(side: DiffStreamSide, line: Line): KeyedRecord | undefined {
  const key = recordKeyOf(
    line.bytes,
    line.number,
    (problem) => new IntegrityError(problem, { storedFile: side.shown }),
  );
  if (key === undefined) return undefined;
  // join() makes one flat string; a template literal would keep a cons string of two (50% more).
  return { key: [key.type, key.gid].join('\t'), modifiedAt: key.modifiedAt, hasGid: key.hasGid };
}

interface Line {
  /** 1-based, counting blank lines: the same line has the same number on every pass. */
  readonly number: number;
  /** Without its newline; the first line without a byte order mark. */
  readonly bytes: Uint8Array;
}

/** The side's lines, split as the CLI's reader splits them (at most MAX_COMPARED_RECORD_BYTES). */
async function* readLines(side: DiffStreamSide, signal: AbortSignal): AsyncGenerator<Line> {
  let pieces: Uint8Array[] = [];
  let held = 0;
  let number = 0;
  const hold = (piece: Uint8Array) => {
    held += piece.byteLength;
    if (held > MAX_COMPARED_RECORD_BYTES) {
      throw new IntegrityError(
        `line ${number + 1} is longer than ${MAX_COMPARED_RECORD_BYTES} bytes, more than a change report compares`,
        { storedFile: side.shown },
      );
    }
    if (piece.byteLength > 0) pieces.push(piece);
  };
  const take = (): Line => {
    number += 1;
    let bytes = pieces.length === 1 ? (pieces[0] as Uint8Array) : concatBytes(pieces);
    pieces = [];
    held = 0;
    if (number === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
      bytes = bytes.subarray(3);
    }
    return { number, bytes };
  };
  for await (const chunk of side.open()) {
    throwIfAborted(signal, 'The comparison');
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      hold(chunk.subarray(start, end));
      yield take();
      start = end + 1;
    }
    if (start < chunk.length) hold(chunk.slice(start));
  }
  if (held > 0) yield take();
}
