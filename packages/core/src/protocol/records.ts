/**
 * Counts the records of a decompressed export as it streams past, over gigabytes: newlines are
 * found with the native `Uint8Array#indexOf`, partial lines are kept as a list of pieces joined
 * once (never re-concatenated per chunk), and bytes are decoded only when lines are parsed.
 *
 * Memory stays bounded whatever the content: a line is held and parsed with TextDecoder +
 * JSON.parse only while it is at most HOLD_LINE_BYTES; a longer one (a hostile file can inflate
 * to a single line of gigabytes) is streamed through a `JsonRecordScanner`, which validates it
 * without keeping it. Both paths give the same verdict and the same `resource_type`.
 */

import { IntegrityError } from './errors.js';
import {
  JsonRecordScanner,
  type JsonScanProblem,
  type JsonScanResult,
  jsonNestingExceeds,
  MAX_JSON_DEPTH,
  MAX_RESOURCE_TYPE_LENGTH,
  scanJson,
} from './json-scan.js';

export interface RecordCounts {
  records: number;
  byResourceType: Record<string, number> | undefined;
}

export interface RecordCounterOptions {
  /** `json`: organization exports, opaque (lines are counted, never parsed). `jsonl`: one object per line. */
  format: 'json' | 'jsonl';
  /**
   * Parse every jsonl line and count by `resource_type`; invalid JSON or UTF-8, a value that is
   * not an object, or nesting deeper than MAX_JSON_DEPTH is an IntegrityError.
   */
  validateJson: boolean;
}

/** The bucket for lines whose object has no top-level string `resource_type`. */
export const NO_RESOURCE_TYPE = '(none)';

/**
 * The longest line held in memory and parsed with TextDecoder + JSON.parse: 1 MiB. Longer lines
 * are streamed through the scanner, so the counter never holds more than this. Real Asana
 * records are a few KiB (the benchmark's task-like ones average 2 KiB), so every ordinary line
 * stays on the native path, whose verdict is the reference. Holding one costs little: parsing a
 * 1 MiB line keeps about 3.6 MiB of heap live (its string and its value). Raising the bound buys
 * nothing: the scanner is never slower (bench/json-scan.mjs, Node 24: 1.5× JSON.parse's MB/s on
 * those records, 2× on 1 MiB lines, 3.7× on a 256 MB line), and a 256 MB line parsed natively
 * took the peak RSS from 0.37 to 1.36 GiB while the scanner added 9 MiB.
 */
export const HOLD_LINE_BYTES = 1 << 20;

/** Valid JSON shorter than this cannot nest deeper than MAX_JSON_DEPTH: each level takes 2 bytes. */
const DEPTH_CHECK_BYTES = 2 * MAX_JSON_DEPTH + 2;

const NEWLINE = 10;

export class RecordCounter {
  readonly #parse: boolean;
  /** Held bytes of the current line: only when lines are parsed, and at most HOLD_LINE_BYTES. */
  #pieces: Uint8Array[] = [];
  #heldBytes = 0;
  /** Bytes of the current, unfinished line so far (held or not). */
  #pendingBytes = 0;
  /** Whether the current, unfinished line has anything but whitespace. */
  #pendingHasContent = false;
  /** The current line is too long to hold: it is being streamed into #scanner. */
  #streaming = false;
  #scanner: JsonRecordScanner | undefined;
  /** Physical lines completed so far, blank ones included, so errors match `sed -n Np`. */
  #lineNumber = 0;
  #records = 0;
  readonly #byType = new Map<string, number>();
  // Each line is decoded on its own: a newline byte never occurs inside a multi-byte UTF-8
  // sequence, so lines are self-contained, and a decoding error points at its own line.
  readonly #decoder = new TextDecoder('utf-8', { fatal: true });

  constructor(options: RecordCounterOptions) {
    this.#parse = options.format === 'jsonl' && options.validateJson;
  }

  /**
   * Bytes of the current line held in memory, never more than HOLD_LINE_BYTES. For tests and
   * diagnostics.
   */
  get heldBytes(): number {
    return this.#heldBytes;
  }

  push(chunk: Uint8Array): void {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, start);
      if (newline === -1) break;
      this.#finishLine(chunk, start, newline);
      start = newline + 1;
    }
    if (start < chunk.length) this.#keepPartial(chunk, start);
  }

  end(): RecordCounts {
    if (this.#pendingBytes > 0) this.#finishLine(new Uint8Array(0), 0, 0);
    return {
      records: this.#records,
      byResourceType: this.#parse ? Object.fromEntries(this.#byType) : undefined,
    };
  }

  #keepPartial(chunk: Uint8Array, start: number): void {
    const length = chunk.length - start;
    this.#pendingBytes += length;
    if (!this.#pendingHasContent) this.#pendingHasContent = hasContent(chunk, start, chunk.length);
    if (!this.#parse) return;
    if (!this.#streaming && this.#heldBytes + length > HOLD_LINE_BYTES) this.#startStreaming();
    if (this.#streaming) {
      (this.#scanner as JsonRecordScanner).push(chunk, start, chunk.length);
    } else {
      // A copy: the caller may reuse its buffer once push() returns.
      this.#pieces.push(chunk.slice(start));
      this.#heldBytes += length;
    }
  }

  /** Hands what is held of the current line to the scanner, which takes the rest of it. */
  #startStreaming(): void {
    this.#scanner ??= new JsonRecordScanner();
    this.#scanner.reset();
    for (const piece of this.#pieces) this.#scanner.push(piece);
    this.#pieces = [];
    this.#heldBytes = 0;
    this.#streaming = true;
  }

  #finishLine(chunk: Uint8Array, start: number, end: number): void {
    this.#lineNumber += 1;
    const counted = this.#pendingHasContent || hasContent(chunk, start, end);
    if (counted) {
      this.#records += 1;
      if (this.#parse) {
        // A line that ends in this chunk but is too long to hold is streamed too: decoding and
        // parsing it whole would cost many times its size.
        if (!this.#streaming && this.#heldBytes + (end - start) > HOLD_LINE_BYTES) {
          this.#startStreaming();
        }
        if (this.#streaming) {
          const scanner = this.#scanner as JsonRecordScanner;
          scanner.push(chunk, start, end);
          this.#countScanned(scanner.end());
        } else {
          this.#countParsed(this.#lineBytes(chunk, start, end));
        }
      }
    }
    this.#pieces = [];
    this.#heldBytes = 0;
    this.#pendingBytes = 0;
    this.#pendingHasContent = false;
    this.#streaming = false;
  }

  #lineBytes(chunk: Uint8Array, start: number, end: number): Uint8Array {
    const tail = chunk.subarray(start, end);
    if (this.#pieces.length === 0) return tail;
    const line = new Uint8Array(this.#heldBytes + tail.length);
    let offset = 0;
    for (const piece of this.#pieces) {
      line.set(piece, offset);
      offset += piece.length;
    }
    line.set(tail, offset);
    return line;
  }

  /** The native path, for lines of at most HOLD_LINE_BYTES. */
  #countParsed(bytes: Uint8Array): void {
    let text: string;
    try {
      text = this.#decoder.decode(bytes);
    } catch (cause) {
      throw this.#problem('utf8', cause);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (cause) {
      // The scanner tells nesting too deep (reached before the syntax error, as the streaming
      // path reports it) from other errors; this runs once, on the line that fails. The
      // parser's message quotes the line: it may be long or sensitive, so it stays in `cause`.
      const verdict = scanJson(bytes);
      throw this.#problem(
        verdict.ok ? 'json' : verdict.problem === 'too-deep' ? 'too-deep' : 'json',
        cause,
      );
    }
    if (bytes.length >= DEPTH_CHECK_BYTES && jsonNestingExceeds(bytes, MAX_JSON_DEPTH)) {
      throw this.#problem('too-deep');
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw this.#problem('not-object');
    }
    const type = (value as { resource_type?: unknown }).resource_type;
    this.#countType(
      typeof type === 'string' && type.length <= MAX_RESOURCE_TYPE_LENGTH ? type : undefined,
    );
  }

  /** The streaming path, for longer lines. */
  #countScanned(result: JsonScanResult): void {
    if (!result.ok) {
      const where = new Error(`found at byte ${result.offset} of the line`);
      throw this.#problem(result.problem, where);
    }
    this.#countType(result.resourceType);
  }

  #countType(type: string | undefined): void {
    const key = type ?? NO_RESOURCE_TYPE;
    this.#byType.set(key, (this.#byType.get(key) ?? 0) + 1);
  }

  #problem(problem: JsonScanProblem, cause?: unknown): IntegrityError {
    const line = `line ${this.#lineNumber}`;
    const options = cause === undefined ? undefined : { cause };
    switch (problem) {
      case 'utf8':
        return new IntegrityError(`${line} is not valid UTF-8`, options);
      case 'json':
        return new IntegrityError(`${line} is not valid JSON`, options);
      case 'not-object':
        return new IntegrityError(
          `${line} is valid JSON but not an object; expected one object per line`,
          options,
        );
      case 'too-deep':
        return new IntegrityError(
          `${line} is JSON nested more than ${MAX_JSON_DEPTH} levels deep`,
          options,
        );
    }
  }
}

/** True when bytes [start, end) hold anything but spaces, tabs and carriage returns. */
function hasContent(bytes: Uint8Array, start: number, end: number): boolean {
  for (let index = start; index < end; index++) {
    const byte = bytes[index];
    if (byte !== 32 && byte !== 9 && byte !== 13) return true;
  }
  return false;
}
