import {
  createSha256,
  type DiffStreamSide,
  InputError,
  IntegrityError,
  type ObservedDigest,
  printable,
} from '@asana-exports/core/protocol';
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';
import { inflate } from './gunzip';

/** What n8n's binary data store hands out per read of a stored file. */
const CHUNK_BYTES = 256 * 1024;
const GZIP_MAGIC = [0x1f, 0x8b] as const;
const AGE_MAGIC = new TextEncoder().encode('age-encryption.org/');

export interface BinaryExport extends DiffStreamSide {
  /** The stored file's name, as n8n has it (printable), or undefined. */
  readonly fileName: string | undefined;
  /**
   * Size and SHA-256 of the stored gzip file, as a manifest gives them, once it has been read
   * through; undefined before, and for a decompressed file (its manifest describes the gzip).
   */
  gzipDigest(): ObservedDigest | undefined;
}

/**
 * One export from the item's binary data, readable from the start as often as the comparison
 * needs: a stored file (filesystem, database, S3 modes) streams anew from n8n's store each time,
 * never held whole; one kept in the item itself (n8n's in-memory default mode) is already in memory.
 * gzip (what Asana serves and Download stores) is inflated as it is read, with the node's own
 * decompressor; a decompressed file (Download's Decompress) is read as it is.
 */
export function openBinaryExport(
  context: IExecuteFunctions,
  itemIndex: number,
  label: string,
  property: string,
): BinaryExport {
  const binary = context.getInputData()[itemIndex]?.binary?.[property];
  if (binary === undefined) {
    const present = Object.keys(context.getInputData()[itemIndex]?.binary ?? {});
    throw new InputError(
      label,
      `the item has no binary field "${printable(property, 100)}"`,
      present.length === 0
        ? 'The item carries no binary data: put the two exports in one item (for example two Download operations, then a Merge node combining them by position), each in a binary field of its own.'
        : `Its binary fields are ${present.map((name) => `"${printable(name, 100)}"`).join(', ')}.`,
    );
  }
  const fileName = binary.fileName === undefined ? undefined : printable(binary.fileName, 200);
  const shown = `${fileName ?? 'file'} (binary field "${printable(property, 100)}")`;
  return readableExport(label, shown, fileName, storedBytes(context, itemIndex, property, binary));
}

/**
 * An export whose stored bytes `stored` yields from the start on each call (n8n's binary data, an
 * object in a store): inflated when gzip, refused when age ciphertext, its first pass hashed for
 * the manifest's check. `shown` and `fileName` are printable.
 */
export function readableExport(
  label: string,
  shown: string,
  fileName: string | undefined,
  stored: () => AsyncIterable<Uint8Array>,
): BinaryExport {
  let digest: ObservedDigest | undefined;
  let gzip = false;
  let observed = false;
  return {
    shown,
    fileName,
    open: () => {
      if (observed) return decoded(stored(), label, shown);
      // The first read is the one that goes through the whole file (the index).
      observed = true;
      const chunks = observing(stored(), (result) => {
        digest = result;
      });
      return decoded(chunks, label, shown, (isGzip) => {
        gzip = isGzip;
      });
    },
    gzipDigest: () => (gzip ? digest : undefined),
  };
}

function storedBytes(
  context: IExecuteFunctions,
  itemIndex: number,
  property: string,
  binary: IBinaryData,
): () => AsyncIterable<Uint8Array> {
  const { id } = binary;
  if (id !== undefined) {
    return async function* stream() {
      yield* (await context.helpers.getBinaryStream(id, CHUNK_BYTES)) as AsyncIterable<Uint8Array>;
    };
  }
  let held: Promise<Uint8Array> | undefined;
  return async function* inMemory() {
    held ??= context.helpers.getBinaryDataBuffer(itemIndex, property);
    const bytes = await held;
    for (let at = 0; at < bytes.length; at += CHUNK_BYTES) {
      yield bytes.subarray(at, at + CHUNK_BYTES);
    }
  };
}

/** Passes the bytes on, hashing them; reports size and hash if they were read to the end. */
async function* observing(
  chunks: AsyncIterable<Uint8Array>,
  done: (digest: ObservedDigest) => void,
): AsyncGenerator<Uint8Array> {
  const hash = createSha256();
  let bytes = 0;
  for await (const chunk of chunks) {
    hash.update(chunk);
    bytes += chunk.byteLength;
    yield chunk;
  }
  done({ bytes, sha256: hash.digest() });
}

/** gzip inflated, plain JSON as it is; age ciphertext refused, with why and what to do. */
async function* decoded(
  chunks: AsyncIterable<Uint8Array>,
  label: string,
  shown: string,
  onFormat?: (gzip: boolean) => void,
): AsyncGenerator<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  try {
    const head = await readHead(iterator);
    if (startsWith(head, AGE_MAGIC)) {
      throw new InputError(
        label,
        `${shown} is age-encrypted`,
        'The node compares exports it can read, and does not decrypt: the private key of Encrypt To stays outside n8n. Compare the exports before they are encrypted (Download without Encrypt To, then Compare, then encrypt and store), or decrypt them outside n8n with age -d -i key.txt and compare them there with asana-export diff.',
      );
    }
    const rest = withHead(head, iterator);
    onFormat?.(startsWith(head, GZIP_MAGIC));
    if (!startsWith(head, GZIP_MAGIC)) {
      yield* rest;
      return;
    }
    try {
      yield* inflate(rest);
    } catch (error) {
      throw namingTheFile(error, shown);
    }
  } finally {
    await iterator.return?.();
  }
}

/** The decompressor knows nothing of the file it inflates: its findings name the file. */
function namingTheFile(error: unknown, shown: string): unknown {
  if (!(error instanceof IntegrityError) || error.message.includes(shown)) return error;
  return new IntegrityError(error.problem, { storedFile: shown, cause: error });
}

/** The first chunks, until they hold the longest magic number (or the file ends). */
async function readHead(iterator: AsyncIterator<Uint8Array>): Promise<Uint8Array[]> {
  const pieces: Uint8Array[] = [];
  let length = 0;
  while (length < AGE_MAGIC.length) {
    const next = await iterator.next();
    if (next.done === true) break;
    pieces.push(next.value);
    length += next.value.byteLength;
  }
  return pieces;
}

async function* withHead(
  head: readonly Uint8Array[],
  iterator: AsyncIterator<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  yield* head;
  for (;;) {
    const next = await iterator.next();
    if (next.done === true) return;
    yield next.value;
  }
}

/** Whether the bytes of `pieces`, read in order, begin with `prefix`. */
function startsWith(pieces: readonly Uint8Array[], prefix: ArrayLike<number>): boolean {
  let at = 0;
  for (const piece of pieces) {
    for (const byte of piece) {
      if (at === prefix.length) return true;
      if (byte !== prefix[at]) return false;
      at += 1;
    }
  }
  return at === prefix.length;
}
