/**
 * Reads one side of a diff: the stored export (decrypted as it is read when it is age ciphertext),
 * gunzipped, split into records, each checked (UTF-8, a JSON object, bounded nesting) and written
 * to the partitions with its key. The bytes are hashed as they pass, so that with a manifest the
 * file is proven to be the export it describes before any report is made of it.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { throwIfAborted } from '../protocol/abort.js';
import { createAgeDecryptor } from '../protocol/age.js';
import type { AgeIdentity } from '../protocol/age-x25519.js';
import { MAX_COMPARED_RECORD_BYTES, recordKeyOf } from '../protocol/diff-record-key.js';
import { IntegrityError } from '../protocol/errors.js';
import type { ObservedDigest } from '../protocol/manifest-check.js';
import type { RecordCounts } from '../protocol/records.js';
import type { PartitionWriter } from './diff-partitions.js';
import { asLocalError } from './local-error.js';
import { Digest } from './verify-file.js';

const NEWLINE = 10;

export interface ReadSide {
  readonly path: string;
  /** The file as it is shown in messages (printable). */
  readonly shown: string;
  readonly identities: readonly AgeIdentity[] | undefined;
}

export interface SideFigures {
  /** The gzip content (the plaintext of an encrypted file). */
  readonly content: ObservedDigest;
  /** The stored ciphertext, for an encrypted file. */
  readonly ciphertext: ObservedDigest | undefined;
  readonly records: RecordCounts;
  /** Records without a usable gid, matched by content. */
  readonly withoutGid: number;
}

export async function readIntoPartitions(
  side: ReadSide,
  writer: PartitionWriter,
  signal: AbortSignal,
): Promise<SideFigures> {
  const damaged = (problem: string, cause?: unknown) =>
    new IntegrityError(problem, { storedFile: side.shown, cause });
  const content = new Digest();
  const ciphertext = side.identities === undefined ? undefined : new Digest();
  const decryptor = side.identities === undefined ? undefined : createAgeDecryptor(side.identities);
  const lines = new LineReader(writer, damaged);
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });

  const feed = async () => {
    try {
      for await (const chunk of createReadStream(side.path, { highWaterMark: 1024 * 1024 })) {
        throwIfAborted(signal, 'The diff');
        const bytes = chunk as Uint8Array;
        const plain = decryptor === undefined ? [bytes] : decryptor.update(bytes);
        ciphertext?.update(bytes);
        for (const piece of plain) {
          content.update(piece);
          if (!gunzip.write(piece)) await drained(gunzip);
        }
      }
      for (const piece of decryptor?.final() ?? []) {
        content.update(piece);
        if (!gunzip.write(piece)) await drained(gunzip);
      }
      gunzip.end();
    } catch (error) {
      gunzip.destroy();
      throw asLocalError(error, 'read', side.path);
    }
  };
  const consume = async () => {
    try {
      for await (const chunk of gunzip) {
        throwIfAborted(signal, 'The diff');
        await lines.push(chunk as Uint8Array);
      }
    } catch (error) {
      if (error instanceof Error && 'code' in error && String(error.code).startsWith('Z_')) {
        throw damaged(gzipProblem(String(error.code)), error);
      }
      throw error;
    }
    await lines.end();
  };
  await Promise.all([feed(), consume()]);
  return {
    content: content.result(),
    ciphertext: ciphertext?.result(),
    records: lines.counts(),
    withoutGid: lines.withoutGid,
  };
}

function gzipProblem(code: string): string {
  return code === 'Z_BUF_ERROR'
    ? 'its gzip stream ends early (the file is cut short)'
    : `its gzip stream is corrupt (${code})`;
}

function drained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      stream.off('error', reject);
      resolve();
    };
    stream.once('drain', done);
    stream.once('error', reject);
  });
}

/** Splits decompressed bytes into lines and hands each record to the partitions. */
class LineReader {
  readonly #writer: PartitionWriter;
  readonly #damaged: (problem: string) => Error;
  #pieces: Uint8Array[] = [];
  #held = 0;
  #lineNumber = 0;
  #records = 0;
  withoutGid = 0;
  readonly #byType = new Map<string, number>();

  constructor(writer: PartitionWriter, damaged: (problem: string) => Error) {
    this.#writer = writer;
    this.#damaged = damaged;
  }

  async push(chunk: Uint8Array): Promise<void> {
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      this.#hold(chunk.subarray(start, end));
      await this.#line();
      start = end + 1;
    }
    if (start < chunk.length) this.#hold(chunk.slice(start));
  }

  async end(): Promise<void> {
    if (this.#held > 0) await this.#line();
  }

  counts(): RecordCounts {
    return { records: this.#records, byResourceType: Object.fromEntries(this.#byType) };
  }

  #hold(piece: Uint8Array): void {
    this.#held += piece.byteLength;
    if (this.#held > MAX_COMPARED_RECORD_BYTES) {
      throw this.#damaged(
        `line ${this.#lineNumber + 1} is longer than ${MAX_COMPARED_RECORD_BYTES} bytes, more than a change report compares`,
      );
    }
    if (piece.byteLength > 0) this.#pieces.push(piece);
  }

  async #line(): Promise<void> {
    this.#lineNumber += 1;
    let bytes =
      this.#pieces.length === 1 ? (this.#pieces[0] as Uint8Array) : Buffer.concat(this.#pieces);
    this.#pieces = [];
    this.#held = 0;
    // The decoder drops a byte order mark at the very start; so must the bytes kept.
    if (this.#lineNumber === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
      bytes = bytes.subarray(3);
    }
    const key = recordKeyOf(bytes, this.#lineNumber, this.#damaged);
    if (key === undefined) return;
    this.#records += 1;
    this.#byType.set(key.type, (this.#byType.get(key.type) ?? 0) + 1);
    if (!key.hasGid) this.withoutGid += 1;
    await this.#writer.add(`${key.type}\t${key.gid}`, key.modifiedAt, bytes);
  }
}
