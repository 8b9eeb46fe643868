import { createRequire as __createRequire } from 'node:module';
const require = __createRequire(import.meta.url);

// ../core/src/node/record-counter-worker.ts
import { parentPort, workerData } from "node:worker_threads";

// ../core/src/protocol/errors.ts
var AsanaExportError = class extends Error {
  /** What the user can do about it, when we know. */
  hint;
  constructor(message, options) {
    super(message, options?.cause === void 0 ? void 0 : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options?.hint;
  }
};
var IntegrityError = class extends AsanaExportError {
  category = "integrity";
  /** What is wrong, without the sentence around it: lets a worker thread's finding cross over. */
  problem;
  /**
   * `storedFile` names an export already stored (read by `diff`, say), which is left as it was:
   * then the message names it and the hint says how to restore it, rather than to download again.
   */
  constructor(problem, options) {
    const stored = options?.storedFile;
    super(
      stored === void 0 ? `The downloaded export is not intact: ${problem}` : `The stored export ${stored} is not intact: ${problem}`,
      {
        hint: stored === void 0 ? "No file was kept under the final name. Run the download again; it fetches a fresh copy." : "It was left as it is. Restore it from another copy, or download the export again while Asana keeps it (30 days after it completed).",
        cause: options?.cause
      }
    );
    this.problem = problem;
  }
};

// ../core/src/protocol/json-scan.ts
var MAX_JSON_DEPTH = 1e4;
var MAX_RESOURCE_TYPE_LENGTH = 256;
var S_VALUE = 0;
var S_ARRAY_FIRST = 1;
var S_OBJECT_FIRST = 2;
var S_KEY = 3;
var S_COLON = 4;
var S_AFTER = 5;
var S_STRING = 6;
var S_UTF8 = 7;
var S_ESCAPE = 8;
var S_HEX = 9;
var S_LITERAL = 10;
var S_MINUS = 11;
var S_ZERO = 12;
var S_INT = 13;
var S_DOT = 14;
var S_FRAC = 15;
var S_EXP = 16;
var S_EXP_SIGN = 17;
var S_EXP_DIGITS = 18;
var S_BOM = 19;
var S_SKIP = 20;
var S_FAILED = 21;
var CAPTURE_NONE = 0;
var CAPTURE_KEY = 1;
var CAPTURE_VALUE = 2;
var PLAIN = 0;
var QUOTE = 1;
var BACKSLASH = 2;
var CONTROL = 3;
var HIGH = 4;
var STRING_CLASS = new Uint8Array(256);
for (let byte = 0; byte < 256; byte++) {
  STRING_CLASS[byte] = byte < 32 ? CONTROL : byte === 34 ? QUOTE : byte === 92 ? BACKSLASH : byte >= 128 ? HIGH : PLAIN;
}
var HEX = new Uint8Array(256).fill(16);
for (let digit = 0; digit < 10; digit++) HEX[48 + digit] = digit;
for (let digit = 0; digit < 6; digit++) {
  HEX[65 + digit] = 10 + digit;
  HEX[97 + digit] = 10 + digit;
}
var U_ESCAPE = 65535;
var ESCAPE = new Uint16Array(256);
for (const [letter, unit] of [
  ['"', 34],
  ["\\", 92],
  ["/", 47],
  ["b", 8],
  ["f", 12],
  ["n", 10],
  ["r", 13],
  ["t", 9],
  ["u", U_ESCAPE]
]) {
  ESCAPE[letter.charCodeAt(0)] = unit;
}
var LITERALS = new Uint8Array([
  116,
  114,
  117,
  101,
  102,
  97,
  108,
  115,
  101,
  110,
  117,
  108,
  108
]);
var RESOURCE_TYPE = Array.from("resource_type", (char) => char.charCodeAt(0));
var JsonRecordScanner = class {
  #state = S_VALUE;
  /** Bytes pushed so far: the offset of the next piece's first byte. */
  #offset = 0;
  #depth = 0;
  /** Bit `d` is 1 when the container at depth `d + 1` is an object, 0 for an array. */
  #stack = new Uint8Array(MAX_JSON_DEPTH + 7 >> 3);
  // A multi-byte UTF-8 character in progress: bytes still needed, bounds of the next one, and
  // the code point so far.
  #need = 0;
  #lo = 128;
  #hi = 191;
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
  #units = new Uint16Array(MAX_RESOURCE_TYPE_LENGTH);
  #unitCount = 0;
  #resourceType;
  /** The first byte of the top-level value: `{` for the one kind that is ok. */
  #topByte = 0;
  #topOffset = 0;
  #problem = "json";
  #problemOffset = 0;
  /**
   * Scans `bytes[start, end)` (with `0 <= start <= end <= bytes.length`) as the next piece of the
   * text. Never copies nor keeps `bytes`: the caller may reuse it at once.
   */
  push(bytes, start = 0, end = bytes.length) {
    let s = this.#state;
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
      let b = bytes[i];
      switch (s) {
        case S_STRING: {
          if (this.#capture === CAPTURE_NONE) {
            for (; ; ) {
              while (STRING_CLASS[b] === PLAIN) {
                if (++i === end) break loop;
                b = bytes[i];
              }
              if (b < 194 || b > 244 || i + 3 >= end) break;
              const next = bytes[i + 1];
              if (b < 224) {
                if (next < 128 || next > 191) break;
                i += 2;
              } else if (b < 240) {
                const third = bytes[i + 2];
                if (next < (b === 224 ? 160 : 128) || next > (b === 237 ? 159 : 191) || third < 128 || third > 191) {
                  break;
                }
                i += 3;
              } else {
                const third = bytes[i + 2];
                const fourth = bytes[i + 3];
                if (next < (b === 240 ? 144 : 128) || next > (b === 244 ? 143 : 191) || third < 128 || third > 191 || fourth < 128 || fourth > 191) {
                  break;
                }
                i += 4;
              }
              if (i === end) break loop;
              b = bytes[i];
            }
          }
          const kind = STRING_CLASS[b];
          if (kind === PLAIN) {
            this.#unit(b);
            i++;
          } else if (kind === QUOTE) {
            i++;
            if (this.#isKey) {
              this.#resourceTypeNext = this.#capture === CAPTURE_KEY && this.#keyMatched === RESOURCE_TYPE.length;
              if (this.#resourceTypeNext) this.#resourceType = void 0;
              s = S_COLON;
              if (i < end && bytes[i] === 58) {
                s = S_VALUE;
                i++;
              }
            } else {
              if (this.#capture === CAPTURE_VALUE) {
                this.#resourceType = String.fromCharCode(
                  ...this.#units.subarray(0, this.#unitCount)
                );
              }
              s = S_AFTER;
            }
            this.#capture = CAPTURE_NONE;
          } else if (kind === BACKSLASH) {
            s = S_ESCAPE;
            i++;
          } else if (kind === CONTROL) {
            this.#problem = "json";
            this.#problemOffset = base + i;
            s = S_SKIP;
            need = 0;
          } else {
            if (b < 194 || b > 244) {
              s = S_FAILED;
              this.#problem = "utf8";
              this.#problemOffset = base + i;
              break loop;
            }
            if (b < 224) {
              need = 1;
              codePoint = b & 31;
              lo = 128;
              hi = 191;
            } else if (b < 240) {
              need = 2;
              codePoint = b & 15;
              lo = b === 224 ? 160 : 128;
              hi = b === 237 ? 159 : 191;
            } else {
              need = 3;
              codePoint = b & 7;
              lo = b === 240 ? 144 : 128;
              hi = b === 244 ? 143 : 191;
            }
            i++;
            s = S_UTF8;
          }
          break;
        }
        case S_UTF8: {
          for (; ; ) {
            if (b < lo || b > hi) {
              s = S_FAILED;
              this.#problem = "utf8";
              this.#problemOffset = base + i;
              break loop;
            }
            codePoint = codePoint << 6 | b & 63;
            lo = 128;
            hi = 191;
            i++;
            if (--need === 0) break;
            if (i === end) break loop;
            b = bytes[i];
          }
          if (this.#capture !== CAPTURE_NONE) {
            if (codePoint < 65536) this.#unit(codePoint);
            else {
              this.#unit(55232 + (codePoint >> 10));
              this.#unit(56320 | codePoint & 1023);
            }
          }
          s = S_STRING;
          break;
        }
        case S_OBJECT_FIRST:
        case S_KEY: {
          if (b === 34) {
            this.#isKey = true;
            if (depth === 1) {
              this.#capture = CAPTURE_KEY;
              this.#keyMatched = 0;
            }
            s = S_STRING;
            i++;
          } else if (b === 32 || b === 10 || b === 13 || b === 9) {
            i++;
          } else if (b === 125 && s === S_OBJECT_FIRST) {
            depth--;
            s = S_AFTER;
            i++;
          } else {
            this.#problem = "json";
            this.#problemOffset = base + i;
            s = S_SKIP;
            need = 0;
          }
          break;
        }
        case S_COLON: {
          if (b === 58) {
            s = S_VALUE;
            i++;
          } else if (b === 32 || b === 10 || b === 13 || b === 9) {
            i++;
          } else {
            this.#problem = "json";
            this.#problemOffset = base + i;
            s = S_SKIP;
            need = 0;
          }
          break;
        }
        case S_AFTER: {
          if (depth > 0) {
            const top = depth - 1;
            const inObject = stack[top >> 3] >> (top & 7) & 1;
            if (b === 44) {
              s = inObject ? S_KEY : S_VALUE;
              i++;
              break;
            }
            if (b === (inObject ? 125 : 93)) {
              depth--;
              i++;
              break;
            }
          }
          if (b === 32 || b === 10 || b === 13 || b === 9) {
            i++;
            break;
          }
          this.#problem = "json";
          this.#problemOffset = base + i;
          s = S_SKIP;
          need = 0;
          break;
        }
        case S_VALUE:
        case S_ARRAY_FIRST: {
          if (b === 32 || b === 10 || b === 13 || b === 9) {
            i++;
            break;
          }
          if (b === 93 && s === S_ARRAY_FIRST) {
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
            if (b === 34) {
              this.#capture = CAPTURE_VALUE;
              this.#unitCount = 0;
            }
          }
          if (b === 34) {
            this.#isKey = false;
            s = S_STRING;
            i++;
          } else if (b === 123 || b === 91) {
            if (depth === MAX_JSON_DEPTH) {
              this.#problem = "too-deep";
              this.#problemOffset = base + i;
              s = S_SKIP;
              need = 0;
              break;
            }
            if (b === 123) {
              stack[depth >> 3] = stack[depth >> 3] | 1 << (depth & 7);
              s = S_OBJECT_FIRST;
            } else {
              stack[depth >> 3] = stack[depth >> 3] & ~(1 << (depth & 7));
              s = S_ARRAY_FIRST;
            }
            depth++;
            i++;
          } else if (b >= 49 && b <= 57) {
            s = S_INT;
            i++;
          } else if (b === 48) {
            s = S_ZERO;
            i++;
          } else if (b === 45) {
            s = S_MINUS;
            i++;
          } else if (b === 116 || b === 102 || b === 110) {
            const at = b === 116 ? 0 : b === 102 ? 4 : 9;
            this.#literal = at + 1;
            this.#literalEnd = b === 102 ? at + 5 : at + 4;
            s = S_LITERAL;
            i++;
          } else if (b === 239 && base + i === 0) {
            this.#bomAt = 1;
            s = S_BOM;
            i++;
          } else {
            this.#problem = "json";
            this.#problemOffset = base + i;
            s = S_SKIP;
            need = 0;
          }
          break;
        }
        case S_INT:
        case S_FRAC:
        case S_EXP_DIGITS: {
          while (b >= 48 && b <= 57) {
            if (++i === end) break loop;
            b = bytes[i];
          }
          if (b === 46 && s === S_INT) {
            s = S_DOT;
            i++;
          } else if ((b === 101 || b === 69) && s !== S_EXP_DIGITS) {
            s = S_EXP;
            i++;
          } else {
            s = S_AFTER;
          }
          break;
        }
        case S_ZERO: {
          if (b === 46) {
            s = S_DOT;
            i++;
          } else if (b === 101 || b === 69) {
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
          if (b >= 48 && b <= 57) {
            s = s === S_MINUS ? b === 48 ? S_ZERO : S_INT : s === S_DOT ? S_FRAC : S_EXP_DIGITS;
            i++;
          } else if ((b === 43 || b === 45) && s === S_EXP) {
            s = S_EXP_SIGN;
            i++;
          } else {
            this.#problem = "json";
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
            this.#problem = "json";
            this.#problemOffset = base + i;
            s = S_SKIP;
            need = 0;
          }
          break;
        }
        case S_ESCAPE: {
          const unit = ESCAPE[b];
          if (unit === 0) {
            this.#problem = "json";
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
          const digit = HEX[b];
          if (digit === 16) {
            this.#problem = "json";
            this.#problemOffset = base + i;
            s = S_SKIP;
            need = 0;
            break;
          }
          this.#hex = this.#hex << 4 | digit;
          if (--this.#hexLeft === 0) {
            if (this.#capture !== CAPTURE_NONE) this.#unit(this.#hex);
            s = S_STRING;
          }
          i++;
          break;
        }
        case S_BOM: {
          if (b === (this.#bomAt === 1 ? 187 : 191)) {
            if (this.#bomAt === 2) s = S_VALUE;
            else this.#bomAt = 2;
            i++;
            break;
          }
          this.#problem = "json";
          this.#problemOffset = 0;
          s = S_SKIP;
          need = this.#bomAt === 1 ? 2 : 1;
          lo = 128;
          hi = 191;
          break;
        }
        case S_SKIP: {
          while (need > 0) {
            if (b < lo || b > hi) {
              s = S_FAILED;
              this.#problem = "utf8";
              this.#problemOffset = base + i;
              break loop;
            }
            lo = 128;
            hi = 191;
            need--;
            if (++i === end) break loop;
            b = bytes[i];
          }
          while (b < 128) {
            if (++i === end) break loop;
            b = bytes[i];
          }
          if (b < 194 || b > 244) {
            s = S_FAILED;
            this.#problem = "utf8";
            this.#problemOffset = base + i;
            break loop;
          }
          need = b < 224 ? 1 : b < 240 ? 2 : 3;
          lo = b === 224 ? 160 : b === 240 ? 144 : 128;
          hi = b === 237 ? 159 : b === 244 ? 143 : 191;
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
  end() {
    const s = this.#state;
    if (s === S_FAILED) return { ok: false, problem: this.#problem, offset: this.#problemOffset };
    if (s === S_UTF8 || s === S_BOM || s === S_SKIP && this.#need > 0) {
      return { ok: false, problem: "utf8", offset: this.#offset };
    }
    if (s === S_SKIP) return { ok: false, problem: this.#problem, offset: this.#problemOffset };
    const complete = s === S_AFTER || s === S_INT || s === S_ZERO || s === S_FRAC || s === S_EXP_DIGITS;
    if (!complete || this.#depth !== 0) return { ok: false, problem: "json", offset: this.#offset };
    if (this.#topByte !== 123)
      return { ok: false, problem: "not-object", offset: this.#topOffset };
    return { ok: true, resourceType: this.#resourceType };
  }
  /** Forgets the text so far, to scan a new one. */
  reset() {
    this.#state = S_VALUE;
    this.#offset = 0;
    this.#depth = 0;
    this.#need = 0;
    this.#lo = 128;
    this.#hi = 191;
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
    this.#resourceType = void 0;
    this.#topByte = 0;
    this.#topOffset = 0;
    this.#problem = "json";
    this.#problemOffset = 0;
  }
  /** One decoded UTF-16 code unit of a string being captured. */
  #unit(unit) {
    if (this.#capture === CAPTURE_KEY) {
      if (unit === RESOURCE_TYPE[this.#keyMatched]) this.#keyMatched++;
      else this.#capture = CAPTURE_NONE;
    } else if (this.#unitCount < MAX_RESOURCE_TYPE_LENGTH) {
      this.#units[this.#unitCount++] = unit;
    } else {
      this.#capture = CAPTURE_NONE;
    }
  }
};
function scanJson(bytes) {
  const scanner = new JsonRecordScanner();
  scanner.push(bytes);
  return scanner.end();
}
function jsonNestingExceeds(bytes, limit) {
  let depth = 0;
  const length = bytes.length;
  for (let i = 0; i < length; i++) {
    const b = bytes[i];
    if (b === 34) {
      for (; ; ) {
        const quote = bytes.indexOf(34, i + 1);
        if (quote === -1) return false;
        let before = quote - 1;
        while (bytes[before] === 92) before--;
        i = quote;
        if ((quote - 1 - before & 1) === 0) break;
      }
    } else if (b === 123 || b === 91) {
      if (++depth > limit) return true;
    } else if (b === 125 || b === 93) {
      depth--;
    }
  }
  return false;
}

// ../core/src/protocol/records.ts
var NO_RESOURCE_TYPE = "(none)";
var HOLD_LINE_BYTES = 1 << 20;
var DEPTH_CHECK_BYTES = 2 * MAX_JSON_DEPTH + 2;
var NEWLINE = 10;
var RecordCounter = class {
  #parse;
  /** Held bytes of the current line: only when lines are parsed, and at most HOLD_LINE_BYTES. */
  #pieces = [];
  #heldBytes = 0;
  /** Bytes of the current, unfinished line so far (held or not). */
  #pendingBytes = 0;
  /** Whether the current, unfinished line has anything but whitespace. */
  #pendingHasContent = false;
  /** The current line is too long to hold: it is being streamed into #scanner. */
  #streaming = false;
  #scanner;
  /** Physical lines completed so far, blank ones included, so errors match `sed -n Np`. */
  #lineNumber = 0;
  #records = 0;
  #byType = /* @__PURE__ */ new Map();
  // Each line is decoded on its own: a newline byte never occurs inside a multi-byte UTF-8
  // sequence, so lines are self-contained, and a decoding error points at its own line.
  #decoder = new TextDecoder("utf-8", { fatal: true });
  constructor(options) {
    this.#parse = options.format === "jsonl" && options.validateJson;
  }
  /**
   * Bytes of the current line held in memory, never more than HOLD_LINE_BYTES. For tests and
   * diagnostics.
   */
  get heldBytes() {
    return this.#heldBytes;
  }
  push(chunk) {
    let start = 0;
    for (; ; ) {
      const newline = chunk.indexOf(NEWLINE, start);
      if (newline === -1) break;
      this.#finishLine(chunk, start, newline);
      start = newline + 1;
    }
    if (start < chunk.length) this.#keepPartial(chunk, start);
  }
  end() {
    if (this.#pendingBytes > 0) this.#finishLine(new Uint8Array(0), 0, 0);
    return {
      records: this.#records,
      byResourceType: this.#parse ? Object.fromEntries(this.#byType) : void 0
    };
  }
  #keepPartial(chunk, start) {
    const length = chunk.length - start;
    this.#pendingBytes += length;
    if (!this.#pendingHasContent) this.#pendingHasContent = hasContent(chunk, start, chunk.length);
    if (!this.#parse) return;
    if (!this.#streaming && this.#heldBytes + length > HOLD_LINE_BYTES) this.#startStreaming();
    if (this.#streaming) {
      this.#scanner.push(chunk, start, chunk.length);
    } else {
      this.#pieces.push(chunk.slice(start));
      this.#heldBytes += length;
    }
  }
  /** Hands what is held of the current line to the scanner, which takes the rest of it. */
  #startStreaming() {
    this.#scanner ??= new JsonRecordScanner();
    this.#scanner.reset();
    for (const piece of this.#pieces) this.#scanner.push(piece);
    this.#pieces = [];
    this.#heldBytes = 0;
    this.#streaming = true;
  }
  #finishLine(chunk, start, end) {
    this.#lineNumber += 1;
    const counted = this.#pendingHasContent || hasContent(chunk, start, end);
    if (counted) {
      this.#records += 1;
      if (this.#parse) {
        if (!this.#streaming && this.#heldBytes + (end - start) > HOLD_LINE_BYTES) {
          this.#startStreaming();
        }
        if (this.#streaming) {
          const scanner = this.#scanner;
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
  #lineBytes(chunk, start, end) {
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
  #countParsed(bytes) {
    let text;
    try {
      text = this.#decoder.decode(bytes);
    } catch (cause) {
      throw this.#problem("utf8", cause);
    }
    let value;
    try {
      value = JSON.parse(text);
    } catch (cause) {
      const verdict = scanJson(bytes);
      throw this.#problem(
        verdict.ok ? "json" : verdict.problem === "too-deep" ? "too-deep" : "json",
        cause
      );
    }
    if (bytes.length >= DEPTH_CHECK_BYTES && jsonNestingExceeds(bytes, MAX_JSON_DEPTH)) {
      throw this.#problem("too-deep");
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw this.#problem("not-object");
    }
    const type = value.resource_type;
    this.#countType(
      typeof type === "string" && type.length <= MAX_RESOURCE_TYPE_LENGTH ? type : void 0
    );
  }
  /** The streaming path, for longer lines. */
  #countScanned(result) {
    if (!result.ok) {
      const where = new Error(`found at byte ${result.offset} of the line`);
      throw this.#problem(result.problem, where);
    }
    this.#countType(result.resourceType);
  }
  #countType(type) {
    const key = type ?? NO_RESOURCE_TYPE;
    this.#byType.set(key, (this.#byType.get(key) ?? 0) + 1);
  }
  #problem(problem, cause) {
    const line = `line ${this.#lineNumber}`;
    const options = cause === void 0 ? void 0 : { cause };
    switch (problem) {
      case "utf8":
        return new IntegrityError(`${line} is not valid UTF-8`, options);
      case "json":
        return new IntegrityError(`${line} is not valid JSON`, options);
      case "not-object":
        return new IntegrityError(
          `${line} is valid JSON but not an object; expected one object per line`,
          options
        );
      case "too-deep":
        return new IntegrityError(
          `${line} is JSON nested more than ${MAX_JSON_DEPTH} levels deep`,
          options
        );
    }
  }
};
function hasContent(bytes, start, end) {
  for (let index = start; index < end; index++) {
    const byte = bytes[index];
    if (byte !== 32 && byte !== 9 && byte !== 13) return true;
  }
  return false;
}

// ../core/src/node/record-counter-worker.ts
var port = parentPort;
if (!port) throw new Error("record-counter-worker must run in a worker thread");
var counter = new RecordCounter(workerData);
var failed = false;
port.on("message", (message) => {
  if (failed) return;
  const reply = (answer) => port.postMessage(answer);
  try {
    if (message.type === "chunk") {
      counter.push(message.chunk);
      reply({ type: "ack" });
    } else {
      reply({ type: "done", counts: counter.end() });
    }
  } catch (error) {
    failed = true;
    reply({
      type: "failed",
      problem: error instanceof IntegrityError ? error.problem : String(error)
    });
  }
});
