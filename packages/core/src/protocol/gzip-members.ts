/**
 * Where one gzip member ends and the next begins, for a decompressor that stops at the end of the
 * first (the web `DecompressionStream`, which the Compression Streams standard makes reject any
 * byte after the first member: "trailing junk"). A gzip file may hold several members, one after
 * another (RFC 1952 §2.2); an object store serves such files as they were uploaded.
 *
 * The caller feeds every compressed chunk and every inflated one. When its decompressor fails,
 * `nextMember()` decides: if the bytes so far end with a trailer that matches what was inflated
 * (CRC-32 and length, RFC 1952 §2.3.1) and a new member's header follows, the member was intact
 * and here is the start of the next; otherwise the failure is corruption. The check is our own,
 * so it holds whatever the decompressor's error says.
 */

/** How much compressed input is kept to find a boundary in: far more than a decompressor buffers. */
export const MEMBER_SEARCH_BYTES = 1024 * 1024;

const MAGIC = [0x1f, 0x8b, 0x08] as const;
const TRAILER_BYTES = 8;

export class GzipMembers {
  readonly #searchBytes: number;
  #tail: Uint8Array[] = [];
  #tailBytes = 0;
  #crc = ~0 >>> 0;
  #size = 0;
  #members = 1;

  constructor(options: { readonly searchBytes?: number } = {}) {
    this.#searchBytes = options.searchBytes ?? MEMBER_SEARCH_BYTES;
  }

  /** Which member is being inflated: 1 for the first. */
  get member(): number {
    return this.#members;
  }

  /** A compressed chunk, as it is handed to the decompressor. */
  compressed(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#tail.push(chunk);
    this.#tailBytes += chunk.length;
    // Drop whole chunks from the front while what stays still covers the search window.
    while (
      this.#tail.length > 1 &&
      this.#tailBytes - (this.#tail[0]?.length ?? 0) >= this.#searchBytes
    ) {
      this.#tailBytes -= this.#tail.shift()?.length ?? 0;
    }
  }

  /** An inflated chunk of the current member, in order. */
  inflated(chunk: Uint8Array): void {
    this.#crc = crc32Update(this.#crc, chunk);
    this.#size = (this.#size + chunk.length) >>> 0;
  }

  /**
   * After the decompressor failed, with every inflated byte of the member passed to `inflated`:
   * the compressed bytes from the start of the next member on (to feed a fresh decompressor), or
   * undefined when no intact member ends there (the file is corrupt).
   */
  nextMember(): Uint8Array | undefined {
    const tail = concat(this.#tail, this.#tailBytes);
    const crc = ~this.#crc >>> 0;
    for (
      let at = tail.indexOf(MAGIC[0], TRAILER_BYTES);
      at !== -1;
      at = tail.indexOf(MAGIC[0], at + 1)
    ) {
      if (tail[at + 1] !== MAGIC[1] || tail[at + 2] !== MAGIC[2]) continue;
      if (readUint32LE(tail, at - 8) !== crc || readUint32LE(tail, at - 4) !== this.#size) continue;
      const next = tail.subarray(at);
      this.#tail = [next];
      this.#tailBytes = next.length;
      this.#crc = ~0 >>> 0;
      this.#size = 0;
      this.#members += 1;
      return next;
    }
    return undefined;
  }
}

function concat(chunks: readonly Uint8Array[], bytes: number): Uint8Array {
  if (chunks.length === 1 && chunks[0] !== undefined) return chunks[0];
  const joined = new Uint8Array(bytes);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.length;
  }
  return joined;
}

function readUint32LE(bytes: Uint8Array, at: number): number {
  return (
    ((bytes[at] ?? 0) |
      ((bytes[at + 1] ?? 0) << 8) |
      ((bytes[at + 2] ?? 0) << 16) |
      ((bytes[at + 3] ?? 0) << 24)) >>>
    0
  );
}

/** The CRC-32 of gzip (ISO 3309, reflected, polynomial 0xEDB88320), one table lookup a byte. */
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** Continues a CRC-32 register (start from `~0 >>> 0`, finish with `~crc >>> 0`). */
export function crc32Update(crc: number, bytes: Uint8Array): number {
  let c = crc;
  for (let i = 0; i < bytes.length; i++) {
    c = (CRC_TABLE[(c ^ (bytes[i] ?? 0)) & 0xff] ?? 0) ^ (c >>> 8);
  }
  return c >>> 0;
}
