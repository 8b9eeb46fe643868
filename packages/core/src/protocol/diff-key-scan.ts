/**
 * The fast path of `recordKeyOf` (diff-record-key.ts): one pass over a line's bytes that checks
 * the JSON grammar without building any value and notes where the last top-level `gid`,
 * `resource_type` and `modified_at` strings are. A full JSON.parse of every record only to read
 * three fields cost a quarter of the diff's CPU (node --cpu-prof, 1 GB each side).
 *
 * It accepts only what JSON.parse accepts (UTF-8 is checked by the caller); whenever it is unsure
 * (a byte order mark, a top-level key or one of the three values with an escape, nesting deeper
 * than MAX_JSON_DEPTH, anything not valid) it answers undefined and the caller takes the full
 * parse, which also words the error. So it may be wrong only by being unsure, never by accepting.
 *
 * Pure and dependency-free.
 */
import { MAX_JSON_DEPTH } from './json-scan.js';

/** Byte ranges `[start, end)` of the three values; start -1 when absent or not a string. */
export interface TopLevelKeys {
  gidStart: number;
  gidEnd: number;
  typeStart: number;
  typeEnd: number;
  modifiedStart: number;
  modifiedEnd: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

// Which of the three fields a top-level key is.
const OTHER = 0;
const GID = 1;
const TYPE = 2;
const MODIFIED = 3;

const GID_BYTES = [0x67, 0x69, 0x64];
const TYPE_BYTES = Array.from('resource_type', (char) => char.charCodeAt(0));
const MODIFIED_BYTES = Array.from('modified_at', (char) => char.charCodeAt(0));

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function isDigit(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x39;
}

function isHex(byte: number): boolean {
  return isDigit(byte) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66);
}

function equalsAt(bytes: Uint8Array, start: number, end: number, word: readonly number[]): boolean {
  if (end - start !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (bytes[start + i] !== word[i]) return false;
  return true;
}

/** What the last `scanString` found: the index after the closing quote, and whether it had an escape. */
let stringEnd = 0;
let stringEscaped = false;

/** Scans a string whose opening quote is at `at`; false when it is not a valid JSON string. */
function scanString(bytes: Uint8Array, at: number): boolean {
  const length = bytes.length;
  let escaped = false;
  for (let i = at + 1; i < length; i++) {
    const byte = bytes[i] as number;
    if (byte === QUOTE) {
      stringEnd = i + 1;
      stringEscaped = escaped;
      return true;
    }
    if (byte < 0x20) return false;
    if (byte === BACKSLASH) {
      escaped = true;
      const next = bytes[++i];
      if (next === 0x75) {
        if (i + 4 >= length) return false;
        for (let digit = 1; digit <= 4; digit++)
          if (!isHex(bytes[i + digit] as number)) return false;
        i += 4;
      } else if (
        next !== QUOTE &&
        next !== BACKSLASH &&
        next !== 0x2f &&
        next !== 0x62 &&
        next !== 0x66 &&
        next !== 0x6e &&
        next !== 0x72 &&
        next !== 0x74
      ) {
        return false;
      }
    }
  }
  return false;
}

/** The index after a number starting at `at` (JSON's grammar), or -1. */
function scanNumber(bytes: Uint8Array, at: number): number {
  let i = at;
  if (bytes[i] === 0x2d) i++;
  if (bytes[i] === 0x30) i++;
  else if (isDigit(bytes[i] as number)) {
    while (isDigit(bytes[i] as number)) i++;
  } else return -1;
  if (bytes[i] === 0x2e) {
    i++;
    if (!isDigit(bytes[i] as number)) return -1;
    while (isDigit(bytes[i] as number)) i++;
  }
  if (bytes[i] === 0x65 || bytes[i] === 0x45) {
    i++;
    if (bytes[i] === 0x2b || bytes[i] === 0x2d) i++;
    if (!isDigit(bytes[i] as number)) return -1;
    while (isDigit(bytes[i] as number)) i++;
  }
  return i;
}

const LITERALS: readonly (readonly number[])[] = [
  Array.from('true', (char) => char.charCodeAt(0)),
  Array.from('false', (char) => char.charCodeAt(0)),
  Array.from('null', (char) => char.charCodeAt(0)),
];

/** The index after `true`, `false` or `null` at `at`, or -1. */
function scanLiteral(bytes: Uint8Array, at: number): number {
  for (const word of LITERALS) {
    if (bytes[at] === word[0] && equalsAt(bytes, at, at + word.length, word)) {
      return at + word.length;
    }
  }
  return -1;
}

/**
 * The ranges of a line that is one JSON object (bytes already known to be valid UTF-8), or
 * undefined when it is not or the scan is unsure: then JSON.parse decides.
 */
export function scanTopLevelKeys(bytes: Uint8Array): TopLevelKeys | undefined {
  const length = bytes.length;
  let i = 0;
  while (i < length && isSpace(bytes[i] as number)) i++;
  if (bytes[i] !== OPEN_OBJECT) return undefined;
  const found: TopLevelKeys = {
    gidStart: -1,
    gidEnd: -1,
    typeStart: -1,
    typeEnd: -1,
    modifiedStart: -1,
    modifiedEnd: -1,
  };
  // Open containers, true for an object; its length is the depth.
  const open: boolean[] = [true];
  i++;
  // What comes next: a key (or `}` when `first`), or a value (or `]` when `first`).
  let wantKey = true;
  let first = true;
  let field = OTHER;
  for (;;) {
    while (i < length && isSpace(bytes[i] as number)) i++;
    if (i >= length) return undefined;
    let byte = bytes[i] as number;
    if (wantKey) {
      if (first && byte === CLOSE_OBJECT) {
        // An empty object: handled as a value that just ended.
      } else {
        if (byte !== QUOTE || !scanString(bytes, i)) return undefined;
        const keyStart = i + 1;
        const keyEnd = stringEnd - 1;
        field = OTHER;
        if (open.length === 1) {
          if (stringEscaped) return undefined;
          if (equalsAt(bytes, keyStart, keyEnd, GID_BYTES)) field = GID;
          else if (equalsAt(bytes, keyStart, keyEnd, TYPE_BYTES)) field = TYPE;
          else if (equalsAt(bytes, keyStart, keyEnd, MODIFIED_BYTES)) field = MODIFIED;
        }
        i = stringEnd;
        while (i < length && isSpace(bytes[i] as number)) i++;
        if (bytes[i] !== COLON) return undefined;
        i++;
        wantKey = false;
        first = false;
        continue;
      }
    } else if (!(first && byte === CLOSE_ARRAY)) {
      // A value.
      const topField = open.length === 1 ? field : OTHER;
      field = OTHER;
      if (byte === QUOTE) {
        if (!scanString(bytes, i)) return undefined;
        if (topField !== OTHER) {
          if (stringEscaped) return undefined;
          noteString(found, topField, i + 1, stringEnd - 1);
        }
        i = stringEnd;
      } else {
        if (topField !== OTHER) noteString(found, topField, -1, -1);
        if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
          if (open.length >= MAX_JSON_DEPTH) return undefined;
          open.push(byte === OPEN_OBJECT);
          wantKey = byte === OPEN_OBJECT;
          first = true;
          i++;
          continue;
        }
        i = byte === 0x2d || isDigit(byte) ? scanNumber(bytes, i) : scanLiteral(bytes, i);
        if (i === -1) return undefined;
      }
      while (i < length && isSpace(bytes[i] as number)) i++;
      if (i >= length) return undefined;
      byte = bytes[i] as number;
    }
    // After a value, or at the closer of an empty container: `,`, or closers one after another.
    for (;;) {
      if (byte === COMMA) {
        i++;
        wantKey = open[open.length - 1] as boolean;
        first = false;
        break;
      }
      const isObject = open[open.length - 1] as boolean;
      if (byte !== (isObject ? CLOSE_OBJECT : CLOSE_ARRAY)) return undefined;
      open.pop();
      i++;
      while (i < length && isSpace(bytes[i] as number)) i++;
      if (open.length === 0) return i === length ? found : undefined;
      if (i >= length) return undefined;
      byte = bytes[i] as number;
    }
  }
}

function noteString(found: TopLevelKeys, field: number, start: number, end: number): void {
  if (field === GID) {
    found.gidStart = start;
    found.gidEnd = end;
  } else if (field === TYPE) {
    found.typeStart = start;
    found.typeEnd = end;
  } else {
    found.modifiedStart = start;
    found.modifiedEnd = end;
  }
}
