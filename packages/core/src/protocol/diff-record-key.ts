/**
 * How a change report reads one line of an export: the checks (UTF-8, a JSON object, bounded
 * nesting) and the key it is matched by (`resource_type` and `gid`, or for a record without a
 * usable gid a hash of its content) with the `modified_at` that breaks ties between repeated keys.
 * One rule for the CLI's reader (node/diff-read.ts) and the n8n node's (diff-streams.ts), so the
 * two make the same report of the same files.
 *
 * Nothing here runs at load time (the decoder is made on first use): a bundle of the protocol
 * that makes no change report leaves the file out.
 */
import { hash } from 'node:crypto';
import { scanTopLevelKeys } from './diff-key-scan.js';
import { NO_GID } from './diff-report.js';
import { jsonNestingExceeds, MAX_JSON_DEPTH } from './json-scan.js';
import { NO_RESOURCE_TYPE } from './records.js';
import { printable } from './text.js';

/**
 * The longest record a change report compares: 16 MiB. Real records are a few KiB; a longer line
 * is an attack or a note pasted a thousand times, and holding two versions of it must stay bounded.
 */
export const MAX_COMPARED_RECORD_BYTES = 16_777_216;

/** A gid the report can print and a partition line can carry: Asana's are digits. */
const GID = /^[0-9A-Za-z_-]{1,64}$/;
/** `modified_at` as Asana writes it (ISO 8601); anything else does not break ties. */
const TIMESTAMP = /^[0-9T:.+Z-]{1,40}$/;

export interface RecordKey {
  /** Printable; NO_RESOURCE_TYPE when the record has none. */
  readonly type: string;
  /** The record's gid, or `(no gid):<hash of the line>`. */
  readonly gid: string;
  /** '' when the record has no usable `modified_at`. */
  readonly modifiedAt: string;
  readonly hasGid: boolean;
}

let decoder: InstanceType<typeof TextDecoder> | undefined;
let valueDecoder: InstanceType<typeof TextDecoder> | undefined;

/** Decodes a line as the change report does: strict UTF-8, each line on its own. */
export function decodeRecordLine(bytes: Uint8Array): string {
  decoder ??= new TextDecoder('utf-8', { fatal: true });
  return decoder.decode(bytes);
}

/**
 * Checks one line (without its newline, the first without a byte order mark) and makes its key;
 * a blank line is no record (undefined). `damaged` builds the error for a line that is not a
 * record, naming the file.
 */
export function recordKeyOf(
  bytes: Uint8Array,
  lineNumber: number,
  damaged: (problem: string) => Error,
): RecordKey | undefined {
  // The scan decides for the lines it is sure of; every other line, and every error, is the
  // parse's, so both paths make the same key of the same line (test/protocol/diff-key-scan).
  const found = isUtf8(bytes) ? scanTopLevelKeys(bytes) : undefined;
  if (found === undefined) return parsedRecordKeyOf(bytes, lineNumber, damaged);
  const type =
    found.typeStart === -1
      ? NO_RESOURCE_TYPE
      : printable(textOf(bytes, found.typeStart, found.typeEnd), 256);
  const gidText = found.gidStart === -1 ? '' : asciiOf(bytes, found.gidStart, found.gidEnd, 64);
  const hasGid = gidText !== '' && GID.test(gidText);
  const gid = hasGid ? gidText : `${NO_GID}:${hash('sha256', bytes, 'hex').slice(0, 32)}`;
  const modified =
    found.modifiedStart === -1 ? '' : asciiOf(bytes, found.modifiedStart, found.modifiedEnd, 40);
  const modifiedAt = TIMESTAMP.test(modified) ? modified : '';
  return { type, gid, modifiedAt, hasGid };
}

/** The fatal decoder's verdict (node:buffer's isUtf8 is I/O-free but outside what protocol/ imports). */
function isUtf8(bytes: Uint8Array): boolean {
  try {
    decodeRecordLine(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The string of an ASCII range of at most `limit` bytes; '' for any other (no gid or date is). */
function asciiOf(bytes: Uint8Array, start: number, end: number, limit: number): string {
  if (end - start > limit) return '';
  let text = '';
  for (let i = start; i < end; i++) {
    const byte = bytes[i] as number;
    if (byte >= 0x80) return '';
    text += String.fromCharCode(byte);
  }
  return text;
}

function textOf(bytes: Uint8Array, start: number, end: number): string {
  const ascii = asciiOf(bytes, start, end, 256);
  if (ascii !== '' || start === end) return ascii;
  // Not decodeRecordLine: its decoder would drop a byte order mark that starts the value.
  valueDecoder ??= new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  return valueDecoder.decode(bytes.subarray(start, end));
}

/** The full parse: for lines the scan is unsure of, and the one that words every error. */
export function parsedRecordKeyOf(
  bytes: Uint8Array,
  lineNumber: number,
  damaged: (problem: string) => Error,
): RecordKey | undefined {
  let text: string;
  try {
    text = decodeRecordLine(bytes);
  } catch {
    throw damaged(`line ${lineNumber} is not valid UTF-8`);
  }
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw damaged(`line ${lineNumber} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw damaged(
      `line ${lineNumber} is not a JSON object; a change report compares exports of one record per line`,
    );
  }
  if (bytes.byteLength >= 2 * MAX_JSON_DEPTH + 2 && jsonNestingExceeds(bytes, MAX_JSON_DEPTH)) {
    throw damaged(`line ${lineNumber} nests deeper than ${MAX_JSON_DEPTH} levels`);
  }
  const record = value as Record<string, unknown>;
  const type =
    typeof record.resource_type === 'string'
      ? printable(record.resource_type, 256)
      : NO_RESOURCE_TYPE;
  // A record without a usable gid (links such as project_to_portfolio have none) is matched by
  // its whole content: it is either in both exports or added or removed, never "changed".
  const hasGid = typeof record.gid === 'string' && GID.test(record.gid);
  const gid = hasGid
    ? (record.gid as string)
    : `${NO_GID}:${hash('sha256', text, 'hex').slice(0, 32)}`;
  const modifiedAt =
    typeof record.modified_at === 'string' && TIMESTAMP.test(record.modified_at)
      ? record.modified_at
      : '';
  return { type, gid, modifiedAt, hasGid };
}
