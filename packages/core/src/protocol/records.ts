/**
 * Counts the records of a decompressed export as it streams past, over gigabytes: newlines are
 * found with the native `Uint8Array#indexOf`, partial lines are kept as a list of pieces joined
 * once (never re-concatenated per chunk), and bytes are decoded only when lines are parsed.
 */

import { IntegrityError } from './errors.js';

export interface RecordCounts {
  records: number;
  byResourceType: Record<string, number> | undefined;
}

export interface RecordCounterOptions {
  /** `json`: organization exports, opaque (lines are counted, never parsed). `jsonl`: one object per line. */
  format: 'json' | 'jsonl';
  /** Parse every jsonl line and count by `resource_type`; invalid JSON or UTF-8 is an IntegrityError. */
  validateJson: boolean;
}

/** The bucket for lines whose object has no top-level string `resource_type`. */
export const NO_RESOURCE_TYPE = '(none)';

const NEWLINE = 10;

export class RecordCounter {
  readonly #parse: boolean;
  /** Pending bytes of the current line; only kept when lines are parsed. */
  #pieces: Uint8Array[] = [];
  #pendingBytes = 0;
  /** Whether the current, unfinished line has anything but whitespace. */
  #pendingHasContent = false;
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
    this.#pendingBytes += chunk.length - start;
    if (!this.#pendingHasContent) this.#pendingHasContent = hasContent(chunk, start, chunk.length);
    // A copy: the caller may reuse its buffer once push() returns.
    if (this.#parse) this.#pieces.push(chunk.slice(start));
  }

  #finishLine(chunk: Uint8Array, start: number, end: number): void {
    this.#lineNumber += 1;
    const counted = this.#pendingHasContent || hasContent(chunk, start, end);
    if (counted) {
      this.#records += 1;
      if (this.#parse) this.#countType(this.#lineBytes(chunk, start, end));
    }
    this.#pieces = [];
    this.#pendingBytes = 0;
    this.#pendingHasContent = false;
  }

  #lineBytes(chunk: Uint8Array, start: number, end: number): Uint8Array {
    const tail = chunk.subarray(start, end);
    if (this.#pieces.length === 0) return tail;
    const line = new Uint8Array(this.#pendingBytes + tail.length);
    let offset = 0;
    for (const piece of this.#pieces) {
      line.set(piece, offset);
      offset += piece.length;
    }
    line.set(tail, offset);
    return line;
  }

  #countType(bytes: Uint8Array): void {
    let text: string;
    try {
      text = this.#decoder.decode(bytes);
    } catch (cause) {
      throw new IntegrityError(`line ${this.#lineNumber} is not valid UTF-8`, { cause });
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (cause) {
      // The parser's message quotes the line: it may be long or sensitive, so it stays in `cause`.
      throw new IntegrityError(`line ${this.#lineNumber} is not valid JSON`, { cause });
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new IntegrityError(
        `line ${this.#lineNumber} is valid JSON but not an object; expected one object per line`,
      );
    }
    const type = (value as { resource_type?: unknown }).resource_type;
    const key = typeof type === 'string' ? type : NO_RESOURCE_TYPE;
    this.#byType.set(key, (this.#byType.get(key) ?? 0) + 1);
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
