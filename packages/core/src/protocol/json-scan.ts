/**
 * A streaming validator for one JSON text, fed in pieces of any size, that never holds the text:
 * its state is a few numbers, the open containers as one bit each (at most MAX_JSON_DEPTH bits)
 * and the top-level `resource_type` string while it is short. A line of any length is checked in
 * constant memory; `RecordCounter` uses it for lines too long to hold.
 *
 * Its verdict equals, for every byte string `b`, that of
 * `JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(b))` followed by "is it a non-null,
 * non-array object nested at most MAX_JSON_DEPTH deep", including that decoder's one leniency: a
 * UTF-8 byte order mark at byte 0 is dropped (the decoder strips it before JSON.parse sees it; a
 * BOM anywhere else is an error, as JSON.parse has it). The problems rank as those steps do:
 * invalid UTF-8 anywhere wins over a JSON error (so after a JSON error the rest is still checked
 * as UTF-8), and a JSON error wins over "not an object". Nesting deeper than MAX_JSON_DEPTH is
 * `too-deep` when it is reached before any JSON error (a scanner with bounded memory cannot parse
 * past it).
 *
 * Pure and dependency-free: it runs inside n8n's sandbox with the rest of `protocol/`.
 */

export type JsonScanProblem = 'utf8' | 'json' | 'not-object' | 'too-deep';

export type JsonScanResult =
  | { readonly ok: true; readonly resourceType: string | undefined }
  /** `offset`: the byte within the text where the problem was found (its length: ended early). */
  | { readonly ok: false; readonly problem: JsonScanProblem; readonly offset: number };

/** Containers nested deeper than this are the problem `too-deep`. `{}` is depth 1. */
export const MAX_JSON_DEPTH = 10_000;

/**
 * A top-level `resource_type` string longer than this many UTF-16 code units (JavaScript's
 * `length`) is reported as `undefined`, so the scanner never builds a long string. Real ones are
 * short words such as `task`. `RecordCounter` applies the same bound on its JSON.parse path.
 */
export const MAX_RESOURCE_TYPE_LENGTH = 256;

// Scanner states: what the next byte may be.
const S_VALUE = 0; // a value (the text's start, after `:`, after `,` in an array)
const S_ARRAY_FIRST = 1; // after `[`: a value or `]`
const S_OBJECT_FIRST = 2; // after `{`: a key or `}`
const S_KEY = 3; // after `,` in an object: a key
const S_COLON = 4;
const S_AFTER = 5; // after a value: `,` or the closer, or nothing but whitespace at the top
const S_STRING = 6;
const S_UTF8 = 7; // continuation bytes of a multi-byte character inside a string
const S_ESCAPE = 8; // after `\`
const S_HEX = 9; // in the 4 digits of `\uXXXX`
const S_LITERAL = 10; // in `true`, `false` or `null`
const S_MINUS = 11; // after `-`
const S_ZERO = 12; // after a leading `0`
const S_INT = 13;
const S_DOT = 14;
const S_FRAC = 15;
const S_EXP = 16; // after `e` or `E`
const S_EXP_SIGN = 17;
const S_EXP_DIGITS = 18;
const S_BOM = 19; // in a byte order mark at byte 0
const S_SKIP = 20; // the JSON verdict is known (json, too-deep): only UTF-8 is still checked
const S_FAILED = 21; // invalid UTF-8: nothing can change the verdict

// What a string is being decoded for: only top-level keys and the `resource_type` value are.
const CAPTURE_NONE = 0;
const CAPTURE_KEY = 1;
const CAPTURE_VALUE = 2;

// Byte classes inside a string.
const PLAIN = 0;
const QUOTE = 1;
const BACKSLASH = 2;
const CONTROL = 3;
const HIGH = 4;
const STRING_CLASS = new Uint8Array(256);
for (let byte = 0; byte < 256; byte++) {
  STRING_CLASS[byte] =
    byte < 0x20
      ? CONTROL
      : byte === 0x22
        ? QUOTE
        : byte === 0x5c
          ? BACKSLASH
          : byte >= 0x80
            ? HIGH
            : PLAIN;
}

/** Hex digit values; 16 for anything else. */
const HEX = new Uint8Array(256).fill(16);
for (let digit = 0; digit < 10; digit++) HEX[0x30 + digit] = digit;
for (let digit = 0; digit < 6; digit++) {
  HEX[0x41 + digit] = 10 + digit;
  HEX[0x61 + digit] = 10 + digit;
}

/** What each escape stands for; 0 for an invalid escape, U_ESCAPE for `\u`. */
const U_ESCAPE = 0xffff;
const ESCAPE = new Uint16Array(256);
for (const [letter, unit] of [
  ['"', 0x22],
  ['\\', 0x5c],
  ['/', 0x2f],
  ['b', 0x08],
  ['f', 0x0c],
  ['n', 0x0a],
  ['r', 0x0d],
  ['t', 0x09],
  ['u', U_ESCAPE],
] as const) {
  ESCAPE[letter.charCodeAt(0)] = unit;
}

/** `true`, `false`, `null` back to back: a literal is a range of this. */
const LITERALS = new Uint8Array([
  0x74, 0x72, 0x75, 0x65, 0x66, 0x61, 0x6c, 0x73, 0x65, 0x6e, 0x75, 0x6c, 0x6c,
]);

const RESOURCE_TYPE = Array.from('resource_type', (char) => char.charCodeAt(0));

/**
 * Validates one JSON text pushed in pieces: `push` as bytes arrive, `end` for the verdict and,
 * for an object, its top-level `resource_type` when that is a string (the last duplicate key
 * wins, as in JSON.parse), `reset` before the next text. After invalid UTF-8, `push` returns at
 * once; after a JSON error it only checks UTF-8, which still outranks it.
 */
export class JsonRecordScanner {
  #state = S_VALUE;
  /** Bytes pushed so far: the offset of the next piece's first byte. */
  #offset = 0;
  #depth = 0;
  /** Bit `d` is 1 when the container at depth `d + 1` is an object, 0 for an array. */
  readonly #stack = new Uint8Array((MAX_JSON_DEPTH + 7) >> 3);
  // A multi-byte UTF-8 character in progress: bytes still needed, bounds of the next one, and
  // the code point so far.
  #need = 0;
  #lo = 0x80;
  #hi = 0xbf;
  #codePoint = 0;
  #hex = 0;
  #hexLeft = 0;
  #literal = 0;
  #literalEnd = 0;
  #bomAt = 0;
  #isKey = false;
  #capture = CAPTURE_NONE;
  /** Code units of a top-level key that matched `resource_type` so far. */
  #keyMatched = 0;
  /** The next value at depth 1 is the one for a `resource_type` key. */
  #resourceTypeNext = false;
  readonly #units = new Uint16Array(MAX_RESOURCE_TYPE_LENGTH);
  #unitCount = 0;
  #resourceType: string | undefined;
  /** The first byte of the top-level value: `{` for the one kind that is ok. */
  #topByte = 0;
  #topOffset = 0;
  #problem: JsonScanProblem = 'json';
  #problemOffset = 0;

  /**
   * Scans `bytes[start, end)` (with `0 <= start <= end <= bytes.length`) as the next piece of the
   * text. Never copies nor keeps `bytes`: the caller may reuse it at once.
   */
  push(bytes: Uint8Array, start = 0, end: number = bytes.length): void {
    let s = this.#state;
    // The absolute offset of bytes[i] is base + i.
    const base = this.#offset - start;
    this.#offset += end - start;
    if (s === S_FAILED) return;
    const stack = this.#stack;
    let depth = this.#depth;
    let need = this.#need;
    let lo = this.#lo;
    let hi = this.#hi;
    let codePoint = this.#codePoint;
    let i = start;
    loop: while (i < end) {
      let b = bytes[i] as number;
      switch (s) {
        case S_STRING: {
          if (this.#capture === CAPTURE_NONE) {
            // The hot loop: plain ASCII, and whole multi-byte characters within this piece.
            for (;;) {
              while (STRING_CLASS[b] === PLAIN) {
                if (++i === end) break loop;
                b = bytes[i] as number;
              }
              if (b < 0xc2 || b > 0xf4 || i + 3 >= end) break; // the general path below
              const next = bytes[i + 1] as number;
              if (b < 0xe0) {
                if (next < 0x80 || next > 0xbf) break;
                i += 2;
              } else if (b < 0xf0) {
                const third = bytes[i + 2] as number;
                if (
                  next < (b === 0xe0 ? 0xa0 : 0x80) ||
                  next > (b === 0xed ? 0x9f : 0xbf) ||
                  third < 0x80 ||
                  third > 0xbf
                ) {
                  break;
                }
                i += 3;
              } else {
                const third = bytes[i + 2] as number;
                const fourth = bytes[i + 3] as number;
                if (
                  next < (b === 0xf0 ? 0x90 : 0x80) ||
                  next > (b === 0xf4 ? 0x8f : 0xbf) ||
                  third < 0x80 ||
                  third > 0xbf ||
                  fourth < 0x80 ||
                  fourth > 0xbf
                ) {
                  break;
                }
                i += 4;
              }
              if (i === end) break loop;
              b = bytes[i] as number;
            }
          }
          const kind = STRING_CLASS[b];
          if (kind === PLAIN) {
            // Only while capturing.
            this.#unit(b);
            i++;
          } else if (kind === QUOTE) {
            i++;
            if (this.#isKey) {
              this.#resourceTypeNext =
                this.#capture === CAPTURE_KEY && this.#keyMatched === RESOURCE_TYPE.length;
              // A later duplicate key wins, whatever its value is.
              if (this.#resourceTypeNext) this.#resourceType = undefined;
              s = S_COLON;
              if (i < end && bytes[i] === 0x3a) {
                s = S_VALUE;
                i++;
              }
            } else {
              if (this.#capture === CAPTURE_VALUE) {
                this.#resourceType = String.fromCharCode(
                  ...this.#units.subarray(0, this.#unitCount),
                );
              }
              s = S_AFTER;
            }
            this.#capture = CAPTURE_NONE;
          } else if (kind === BACKSLASH) {
            s = S_ESCAPE;
            i++;
          } else if (kind === CONTROL) {
            this.#problem = 'json';
            this.#problemOffset = base + i;
            s = S_SKIP;
            need = 0;
          } else {
            // The lead byte of a multi-byte character, with WHATWG's bounds for the next byte
            // (no overlong forms, no surrogates, nothing above U+10FFFF).
            if (b < 0xc2 || b > 0xf4) {
              s = S_FAILED;
              this.#problem = 'utf8';
              this.#problemOffset = base + i;
              break loop;
            }
            if (b < 0xe0) {
              need = 1;
              codePoint = b & 0x1f;
              lo = 0x80;
              hi = 0xbf;
            } else if (b < 0xf0) {
              need = 2;
              codePoint = b & 0x0f;
              lo = b === 0xe0 ? 0xa0 : 0x80;
              hi = b === 0xed ? 0x9f : 0xbf;
            } else {
              need = 3;
              codePoint = b & 0x07;
              lo = b === 0xf0 ? 0x90 : 0x80;
              hi = b === 0xf4 ? 0x8f : 0xbf;
            }
            i++;
            s = S_UTF8;
          }
          break;
        }
        case S_UTF8: {
          for (;;) {
            if (b < lo || b > hi) {
              s = S_FAILED;
              this.#problem = 'utf8';
              this.#problemOffset = base + i;
              break loop;
            }
            codePoint = (codePoint << 6) | (b & 0x3f);
            lo = 0x80;
            hi = 0xbf;
            i++;
            if (--need === 0) break;
            if (i === end) break loop;
            b = bytes[i] as number;
          }
          if (this.#capture !== CAPTURE_NONE) {
            if (codePoint < 0x10000) this.#unit(codePoint);
            else {
              this.#unit(0xd7c0 + (codePoint >> 10));
              this.#unit(0xdc00 | (codePoint & 0x3ff));
            }
          }
          s = S_STRING;
          break;
        }
        case S_OBJECT_FIRST:
        case S_KEY: {
          if (b === 0x22) {
            this.#isKey = true;
            if (depth === 1) {
              this.#capture = CAPTURE_KEY;
              this.#keyMatched = 0;
            }
            s = S_STRING;
            i++;
          } else if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) {
            i++;
          } else if (b === 0x7d && s === S_OBJECT_FIRST) {
            depth--;
            s = S_AFTER;
            i++;
          } else {
            this.#problem = 'json';
            this.#problemOffset = base + i;
            s = S_SKIP;
            need = 0;
          }
          break;
        }
        case S_COLON: {
          if (b === 0x3a) {
            s = S_VALUE;
            i++;
          } else if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) {
            i++;
          } else {
            this.#problem = 'json';
            this.#problemOffset = base + i;
            s = S_SKIP;
            need = 0;
          }
          break;
        }
        case S_AFTER: {
          if (depth > 0) {
            const top = depth - 1;
            const inObject = ((stack[top >> 3] as number) >> (top & 7)) & 1;
            if (b === 0x2c) {
              s = inObject ? S_KEY : S_VALUE;
              i++;
              break;
            }
            if (b === (inObject ? 0x7d : 0x5d)) {
              depth--;
              i++;
              break;
            }
          }
          if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) {
            i++;
            break;
          }
          this.#problem = 'json';
          this.#problemOffset = base + i;
          s = S_SKIP;
          need = 0;
          break;
        }
        case S_VALUE:
        case S_ARRAY_FIRST: {
          if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) {
            i++;
            break;
          }
          if (b === 0x5d && s === S_ARRAY_FIRST) {
            depth--;
            s = S_AFTER;
            i++;
            break;
          }
          if (depth === 0) {
            this.#topByte = b;
            this.#topOffset = base + i;
          } else if (depth === 1 && this.#resourceTypeNext) {
            this.#resourceTypeNext = false;
            if (b === 0x22) {
              this.#capture = CAPTURE_VALUE;
              this.#unitCount = 0;
            }
          }
          if (b === 0x22) {
            this.#isKey = false;
            s = S_STRING;
            i++;
          } else if (b === 0x7b || b === 0x5b) {
            if (depth === MAX_JSON_DEPTH) {
              this.#problem = 'too-deep';
              this.#problemOffset = base + i;
              s = S_SKIP;
              need = 0;
              break;
            }
            if (b === 0x7b) {
              stack[depth >> 3] = (stack[depth >> 3] as number) | (1 << (depth & 7));
              s = S_OBJECT_FIRST;
            } else {
              stack[depth >> 3] = (stack[depth >> 3] as number) & ~(1 << (depth & 7));
              s = S_ARRAY_FIRST;
            }
            depth++;
            i++;
          } else if (b >= 0x31 && b <= 0x39) {
            s = S_INT;
            i++;
          } else if (b === 0x30) {
            s = S_ZERO;
            i++;
          } else if (b === 0x2d) {
            s = S_MINUS;
            i++;
          } else if (b === 0x74 || b === 0x66 || b === 0x6e) {
            const at = b === 0x74 ? 0 : b === 0x66 ? 4 : 9;
            this.#literal = at + 1;
            this.#literalEnd = b === 0x66 ? at + 5 : at + 4;
            s = S_LITERAL;
            i++;
          } else if (b === 0xef && base + i === 0) {
            this.#bomAt = 1;
            s = S_BOM;
            i++;
          } else {
            this.#problem = 'json';
            this.#problemOffset = base + i;
            s = S_SKIP;
            need = 0;
          }
          break;
        }
        case S_INT:
        case S_FRAC:
        case S_EXP_DIGITS: {
          while (b >= 0x30 && b <= 0x39) {
            if (++i === end) break loop;
            b = bytes[i] as number;
          }
          if (b === 0x2e && s === S_INT) {
            s = S_DOT;
            i++;
          } else if ((b === 0x65 || b === 0x45) && s !== S_EXP_DIGITS) {
            s = S_EXP;
            i++;
          } else {
            s = S_AFTER; // the number ended; b is looked at again
          }
          break;
        }
        case S_ZERO: {
          if (b === 0x2e) {
            s = S_DOT;
            i++;
          } else if (b === 0x65 || b === 0x45) {
            s = S_EXP;
            i++;
          } else {
            s = S_AFTER;
          }
          break;
        }
        case S_MINUS:
        case S_DOT:
        case S_EXP:
        case S_EXP_SIGN: {
          if (b >= 0x30 && b <= 0x39) {
            s = s === S_MINUS ? (b === 0x30 ? S_ZERO : S_INT) : s === S_DOT ? S_FRAC : S_EXP_DIGITS;
            i++;
          } else if ((b === 0x2b || b === 0x2d) && s === S_EXP) {
            s = S_EXP_SIGN;
            i++;
          } else {
            this.#problem = 'json';
            this.#problemOffset = base + i;
            s = S_SKIP;
            need = 0;
          }
          break;
        }
        case S_LITERAL: {
          if (b === LITERALS[this.#literal]) {
            if (++this.#literal === this.#literalEnd) s = S_AFTER;
            i++;
          } else {
            this.#problem = 'json';
            this.#problemOffset = base + i;
            s = S_SKIP;
            need = 0;
          }
          break;
        }
        case S_ESCAPE: {
          const unit = ESCAPE[b] as number;
          if (unit === 0) {
            this.#problem = 'json';
            this.#problemOffset = base + i;
            s = S_SKIP;
            need = 0;
            break;
          }
          if (unit === U_ESCAPE) {
            this.#hex = 0;
            this.#hexLeft = 4;
            s = S_HEX;
          } else {
            if (this.#capture !== CAPTURE_NONE) this.#unit(unit);
            s = S_STRING;
          }
          i++;
          break;
        }
        case S_HEX: {
          const digit = HEX[b] as number;
          if (digit === 16) {
            this.#problem = 'json';
            this.#problemOffset = base + i;
            s = S_SKIP;
            need = 0;
            break;
          }
          this.#hex = (this.#hex << 4) | digit;
          if (--this.#hexLeft === 0) {
            // A lone surrogate is kept as one, as JSON.parse does.
            if (this.#capture !== CAPTURE_NONE) this.#unit(this.#hex);
            s = S_STRING;
          }
          i++;
          break;
        }
        case S_BOM: {
          if (b === (this.#bomAt === 1 ? 0xbb : 0xbf)) {
            if (this.#bomAt === 2) s = S_VALUE;
            else this.#bomAt = 2;
            i++;
            break;
          }
          // Not a byte order mark but a character that cannot start a JSON text: the bytes seen
          // so far (EF, or EF BB) still have to end as UTF-8.
          this.#problem = 'json';
          this.#problemOffset = 0;
          s = S_SKIP;
          need = this.#bomAt === 1 ? 2 : 1;
          lo = 0x80;
          hi = 0xbf;
          break;
        }
        case S_SKIP: {
          while (need > 0) {
            if (b < lo || b > hi) {
              s = S_FAILED;
              this.#problem = 'utf8';
              this.#problemOffset = base + i;
              break loop;
            }
            lo = 0x80;
            hi = 0xbf;
            need--;
            if (++i === end) break loop;
            b = bytes[i] as number;
          }
          while (b < 0x80) {
            if (++i === end) break loop;
            b = bytes[i] as number;
          }
          if (b < 0xc2 || b > 0xf4) {
            s = S_FAILED;
            this.#problem = 'utf8';
            this.#problemOffset = base + i;
            break loop;
          }
          need = b < 0xe0 ? 1 : b < 0xf0 ? 2 : 3;
          lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
          hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
          i++;
          break;
        }
      }
    }
    this.#state = s;
    this.#depth = depth;
    this.#need = need;
    this.#lo = lo;
    this.#hi = hi;
    this.#codePoint = codePoint;
  }

  /** The verdict on everything pushed since the last reset(). Call reset() to scan another text. */
  end(): JsonScanResult {
    const s = this.#state;
    if (s === S_FAILED) return { ok: false, problem: this.#problem, offset: this.#problemOffset };
    if (s === S_UTF8 || s === S_BOM || (s === S_SKIP && this.#need > 0)) {
      return { ok: false, problem: 'utf8', offset: this.#offset };
    }
    if (s === S_SKIP) return { ok: false, problem: this.#problem, offset: this.#problemOffset };
    const complete =
      s === S_AFTER || s === S_INT || s === S_ZERO || s === S_FRAC || s === S_EXP_DIGITS;
    if (!complete || this.#depth !== 0) return { ok: false, problem: 'json', offset: this.#offset };
    if (this.#topByte !== 0x7b)
      return { ok: false, problem: 'not-object', offset: this.#topOffset };
    return { ok: true, resourceType: this.#resourceType };
  }

  /** Forgets the text so far, to scan a new one. */
  reset(): void {
    this.#state = S_VALUE;
    this.#offset = 0;
    this.#depth = 0;
    this.#need = 0;
    this.#lo = 0x80;
    this.#hi = 0xbf;
    this.#codePoint = 0;
    this.#hex = 0;
    this.#hexLeft = 0;
    this.#literal = 0;
    this.#literalEnd = 0;
    this.#bomAt = 0;
    this.#isKey = false;
    this.#capture = CAPTURE_NONE;
    this.#keyMatched = 0;
    this.#resourceTypeNext = false;
    this.#unitCount = 0;
    this.#resourceType = undefined;
    this.#topByte = 0;
    this.#topOffset = 0;
    this.#problem = 'json';
    this.#problemOffset = 0;
  }

  /** One decoded UTF-16 code unit of a string being captured. */
  #unit(unit: number): void {
    if (this.#capture === CAPTURE_KEY) {
      if (unit === RESOURCE_TYPE[this.#keyMatched]) this.#keyMatched++;
      else this.#capture = CAPTURE_NONE; // not resource_type: decode no further
    } else if (this.#unitCount < MAX_RESOURCE_TYPE_LENGTH) {
      this.#units[this.#unitCount++] = unit;
    } else {
      this.#capture = CAPTURE_NONE; // too long: the resource type stays undefined
    }
  }
}

/** Scans one whole text: `JsonRecordScanner` for bytes already in hand. */
export function scanJson(bytes: Uint8Array): JsonScanResult {
  const scanner = new JsonRecordScanner();
  scanner.push(bytes);
  return scanner.end();
}

/**
 * Whether the containers of `bytes` nest more than `limit` deep, for a text already known to be
 * valid JSON (JSON.parse accepted it): strings are skipped with the native `indexOf`, so this
 * costs a fraction of the parse. Nesting `d` deep takes at least `2d` bytes, so callers can skip
 * it for texts shorter than `2 * limit + 2` bytes.
 */
export function jsonNestingExceeds(bytes: Uint8Array, limit: number): boolean {
  let depth = 0;
  const length = bytes.length;
  for (let i = 0; i < length; i++) {
    const b = bytes[i];
    if (b === 0x22) {
      // To the closing quote: the first one not escaped by an odd run of backslashes.
      for (;;) {
        const quote = bytes.indexOf(0x22, i + 1);
        if (quote === -1) return false; // not valid JSON after all; nothing to add
        let before = quote - 1;
        while (bytes[before] === 0x5c) before--;
        i = quote;
        if (((quote - 1 - before) & 1) === 0) break;
      }
    } else if (b === 0x7b || b === 0x5b) {
      if (++depth > limit) return true;
    } else if (b === 0x7d || b === 0x5d) {
      depth--;
    }
  }
  return false;
}
