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
