import { createReadStream } from 'node:fs';
import { createAgeDecryptor } from '../protocol/age.js';
import type { AgeIdentity } from '../protocol/age-x25519.js';
import { createSha256 } from '../protocol/hash.js';
import type { RecordCounts } from '../protocol/records.js';
import { GzipVerifier, type VerifyOptions } from './gzip-verifier.js';

/** A file's size and SHA-256 (lower-case hex). */
export interface FileDigest {
  readonly bytes: number;
  readonly sha256: string;
}

export interface FileVerification extends FileDigest {
  readonly records: RecordCounts;
}

/** An age-encrypted export, decrypted as it was read: the ciphertext's figures and the content's. */
export interface EncryptedFileVerification {
  readonly ciphertext: FileDigest;
  readonly plaintext: FileVerification;
}

/** Verifies a file already on disk in one streaming pass: gzip check, record count, SHA-256. */
export async function verifyGzipFile(
  path: string,
  options: VerifyOptions,
): Promise<FileVerification> {
  const verifier = new GzipVerifier(options);
  const digest = new Digest();
  try {
    for await (const chunk of readChunks(path)) {
      digest.update(chunk);
      await verifier.write(chunk);
    }
    return { ...digest.result(), records: await verifier.end() };
  } finally {
    verifier.destroy();
  }
}

/**
 * Verifies an age-encrypted export in one streaming pass: it is decrypted as it is read (each
 * chunk authenticated before its bytes go on), and the plaintext checked as `verifyGzipFile`
 * checks a plain file. Nothing decrypted is written anywhere, unless `onPlaintext` writes it.
 * Throws `AgeDecryptError` when no identity fits or the ciphertext was changed.
 */
export async function verifyEncryptedGzipFile(
  path: string,
  identities: readonly AgeIdentity[],
  options: VerifyOptions,
  /** Given each piece of plaintext once it is authenticated (`load` writes them to a file). */
  onPlaintext?: (piece: Uint8Array) => Promise<void>,
): Promise<EncryptedFileVerification> {
  const decryptor = createAgeDecryptor(identities);
  const verifier = new GzipVerifier(options);
  const ciphertext = new Digest();
  const plaintext = new Digest();
  const take = async (pieces: Uint8Array[]) => {
    for (const piece of pieces) {
      plaintext.update(piece);
      await onPlaintext?.(piece);
      await verifier.write(piece);
    }
  };
  try {
    for await (const chunk of readChunks(path)) {
      ciphertext.update(chunk);
      await take(decryptor.update(chunk));
    }
    await take(decryptor.final());
    return {
      ciphertext: ciphertext.result(),
      plaintext: { ...plaintext.result(), records: await verifier.end() },
    };
  } finally {
    verifier.destroy();
  }
}

/** A file's size and SHA-256, read once: all that can be checked of ciphertext without its key. */
export async function digestFile(path: string): Promise<FileDigest> {
  const digest = new Digest();
  for await (const chunk of readChunks(path)) digest.update(chunk);
  return digest.result();
}

async function* readChunks(path: string): AsyncIterable<Uint8Array> {
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    yield chunk as Uint8Array;
  }
}

/** A stream's size and SHA-256, as it passes: for `verify` and `diff` alike. */
export class Digest {
  readonly #hash = createSha256();
  #bytes = 0;

  update(chunk: Uint8Array): void {
    this.#hash.update(chunk);
    this.#bytes += chunk.byteLength;
  }

  result(): FileDigest {
    return { bytes: this.#bytes, sha256: this.#hash.digest() };
  }
}
