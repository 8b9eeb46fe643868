/**
 * age's payload: STREAM over ChaCha20-Poly1305 in 64 KiB chunks. Each chunk's nonce is its
 * 11-byte big-endian counter and a last-chunk flag, so chunks cannot be reordered, dropped or
 * appended to without failing authentication.
 */
import { hkdf, open, seal, TAG_BYTES } from './age-crypto.js';

export const CHUNK_BYTES = 64 * 1024;
export const SEALED_CHUNK_BYTES = CHUNK_BYTES + TAG_BYTES;
/** The random nonce at the start of the payload, from which the payload key is derived. */
export const PAYLOAD_NONCE_BYTES = 16;

/** Seals or opens consecutive chunks of one payload, counting them. */
export class StreamCipher {
  readonly #key: Uint8Array;
  readonly #nonce = new Uint8Array(12);
  #counter = 0;

  constructor(fileKey: Uint8Array, payloadNonce: Uint8Array) {
    this.#key = hkdf(fileKey, payloadNonce, 'payload');
  }

  /** How many chunks have been sealed or opened. */
  get chunks(): number {
    return this.#counter;
  }

  seal(plain: Uint8Array, last: boolean): Uint8Array[] {
    const sealed = seal(this.#key, this.#nonceFor(last), plain);
    this.#counter++;
    return sealed;
  }

  /** The chunk's plaintext, or undefined when it does not authenticate (as this chunk, so flagged). */
  open(sealed: Uint8Array, last: boolean): Uint8Array | undefined {
    const plain = open(this.#key, this.#nonceFor(last), sealed);
    if (plain !== undefined) this.#counter++;
    return plain;
  }

  /** Whether `sealed` would open as this chunk with the other flag: tells truncation from damage. */
  opensAs(sealed: Uint8Array, last: boolean): boolean {
    return open(this.#key, this.#nonceFor(last), sealed) !== undefined;
  }

  #nonceFor(last: boolean): Uint8Array {
    // Counter in bytes 3..10 (big endian; a file never reaches 2^53 chunks), flag in byte 11.
    const nonce = this.#nonce;
    let counter = this.#counter;
    for (let i = 10; i >= 0; i--) {
      nonce[i] = counter % 256;
      counter = Math.floor(counter / 256);
    }
    nonce[11] = last ? 1 : 0;
    return nonce;
  }
}

/**
 * Cuts a byte stream into blocks of one size, holding back the last whole block until it is
 * known whether more follow (STREAM flags the final chunk, which may be full). Holds at most one
 * block: memory stays flat however the input is split.
 */
export class FixedBlocks {
  readonly #size: number;
  readonly #held: Uint8Array;
  #heldBytes = 0;

  constructor(size: number) {
    this.#size = size;
    this.#held = new Uint8Array(size);
  }

  /**
   * Adds `data`; `block` receives each whole block that more bytes follow. It may be a view of
   * `data` or of the held block, valid only during the call.
   */
  push(data: Uint8Array, block: (bytes: Uint8Array) => void): void {
    const size = this.#size;
    let at = 0;
    while (at < data.length) {
      if (this.#heldBytes === size) {
        block(this.#held);
        this.#heldBytes = 0;
      }
      if (this.#heldBytes === 0 && data.length - at > size) {
        // A whole block with more after it: passed on from the input, without a copy.
        block(data.subarray(at, at + size));
        at += size;
        continue;
      }
      const take = Math.min(size - this.#heldBytes, data.length - at);
      this.#held.set(data.subarray(at, at + take), this.#heldBytes);
      this.#heldBytes += take;
      at += take;
    }
  }

  /** What is held: the last block, possibly whole, possibly empty. */
  rest(): Uint8Array {
    return this.#held.subarray(0, this.#heldBytes);
  }
}

/** The payload's size for `plainBytes` of plaintext: nonce, then one tag per chunk. */
export function payloadBytes(plainBytes: number): number {
  const chunks = Math.max(1, Math.ceil(plainBytes / CHUNK_BYTES));
  return PAYLOAD_NONCE_BYTES + plainBytes + chunks * TAG_BYTES;
}
