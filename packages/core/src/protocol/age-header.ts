/**
 * The textual header of an age v1 file: the version line, one stanza per recipient, and the MAC
 * that binds them to the file key. Written whole; read incrementally, as bytes arrive, so a
 * decryptor can start on the payload as soon as the header's last line is in.
 */
import { timingSafeEqual } from 'node:crypto';
import { decodeBase64, encodeBase64 } from './age-base64.js';
import { asciiBytes, hkdf, hmacSha256 } from './age-crypto.js';
import type { Stanza } from './age-x25519.js';
import { AgeDecryptError } from './errors.js';

export const AGE_MAGIC = 'age-encryption.org/';
const VERSION_LINE = `${AGE_MAGIC}v1`;
const ARMOR_LINE = '-----BEGIN AGE ENCRYPTED FILE-----';
const COLUMNS = 64;
const MAC_BYTES = 32;
/**
 * A header longer than this is refused rather than held: 1 MiB is some 10,000 X25519 stanzas,
 * so only a forged file gets near it, and the decryptor's memory stays bounded.
 */
export const MAX_HEADER_BYTES = 1024 * 1024;
const LF = 0x0a;

/** The whole header, MAC line included, for `stanzas` wrapping `fileKey`. */
export function encodeHeader(stanzas: readonly Stanza[], fileKey: Uint8Array): Uint8Array {
  let text = `${VERSION_LINE}\n`;
  for (const stanza of stanzas) {
    text += `-> ${stanza.args.join(' ')}\n`;
    const body = encodeBase64(stanza.body);
    // Wrapped at 64 columns, ending with a shorter line, which is empty when the body fills
    // its last line exactly.
    for (let at = 0; ; at += COLUMNS) {
      const line = body.slice(at, at + COLUMNS);
      text += `${line}\n`;
      if (line.length < COLUMNS) break;
    }
  }
  text += '---';
  const mac = hmacSha256(macKey(fileKey), asciiBytes(text));
  return asciiBytes(`${text} ${encodeBase64(mac)}\n`);
}

export interface ParsedHeader {
  readonly stanzas: readonly Stanza[];
  /** The bytes the MAC covers: the header up to and including `---`. */
  readonly macInput: Uint8Array;
  readonly mac: Uint8Array;
  /** The header's length in bytes, MAC line and its newline included: the payload starts here. */
  readonly length: number;
}

/**
 * The header at the start of `bytes`, or undefined while it is incomplete (more bytes are
 * needed). Throws an `AgeDecryptError` as soon as the bytes cannot be an age v1 header.
 */
export function parseHeader(bytes: Uint8Array): ParsedHeader | undefined {
  checkMagic(bytes);
  const lines = new LineReader(bytes);
  const version = lines.next();
  if (version === undefined) return tooLongOrUndefined(bytes);
  if (version !== VERSION_LINE) {
    throw new AgeDecryptError(
      'unsupported',
      `it is an age file of another version (${printableVersion(version)}); only v1 is supported`,
    );
  }
  const stanzas: Stanza[] = [];
  for (;;) {
    const start = lines.offset;
    const line = lines.next();
    if (line === undefined) return tooLongOrUndefined(bytes);
    if (line.startsWith('---')) {
      if (!line.startsWith('--- ')) throw malformed('its MAC line has no space after ---');
      const mac = decodeBase64(line.slice(4));
      if (mac === undefined || mac.length !== MAC_BYTES) {
        throw malformed('its MAC is not 32 bytes of canonical base64');
      }
      if (stanzas.length === 0) throw malformed('it has no recipient stanza');
      return { stanzas, macInput: bytes.subarray(0, start + 3), mac, length: lines.offset };
    }
    if (!line.startsWith('-> ')) throw malformed('a line is neither a stanza nor the MAC line');
    const args = line.slice(3).split(' ');
    if (args.some((arg) => arg === '')) throw malformed('a stanza has an empty argument');
    let body = '';
    for (;;) {
      const bodyLine = lines.next();
      if (bodyLine === undefined) return tooLongOrUndefined(bytes);
      if (bodyLine.length > COLUMNS)
        throw malformed('a stanza body line is longer than 64 columns');
      body += bodyLine;
      if (bodyLine.length < COLUMNS) break;
    }
    const decoded = decodeBase64(body);
    if (decoded === undefined) throw malformed('a stanza body is not canonical base64');
    stanzas.push({ args, body: decoded });
  }
}

/** Whether the MAC in `header` is the one `fileKey` gives: false means the header was changed. */
export function headerMacMatches(header: ParsedHeader, fileKey: Uint8Array): boolean {
  const expected = hmacSha256(macKey(fileKey), header.macInput);
  return timingSafeEqual(expected, header.mac);
}

function macKey(fileKey: Uint8Array): Uint8Array {
  return hkdf(fileKey, new Uint8Array(0), 'header');
}

/** Fails at once, on the first bytes, when the file is not age at all. */
function checkMagic(bytes: Uint8Array): void {
  const length = Math.min(bytes.length, AGE_MAGIC.length);
  for (let i = 0; i < length; i++) {
    if (bytes[i] === AGE_MAGIC.charCodeAt(i)) continue;
    const armored = ARMOR_LINE.startsWith(asciiText(bytes.subarray(0, length)));
    throw new AgeDecryptError(
      'not-age',
      armored
        ? 'it is ASCII-armored age (age -a), which is not read here'
        : `it is not an age file (it does not begin with ${VERSION_LINE})`,
      armored
        ? 'Decode it first (age -d -i KEY FILE > plain.gz), or pass the binary .age file the download wrote.'
        : undefined,
    );
  }
}

function tooLongOrUndefined(bytes: Uint8Array): undefined {
  if (bytes.length > MAX_HEADER_BYTES) throw malformed('its header is longer than 1 MiB');
  return undefined;
}

function malformed(problem: string): AgeDecryptError {
  return new AgeDecryptError('header', `its header is malformed: ${problem}`);
}

function printableVersion(line: string): string {
  const version = line.slice(AGE_MAGIC.length);
  return version.length <= 16 ? version : `${version.slice(0, 16)}…`;
}

function asciiText(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}

/** Header lines, each ended by LF and made of printable ASCII only (no CR, no tab). */
class LineReader {
  readonly #bytes: Uint8Array;
  offset = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  /** The next line without its LF, or undefined when its LF has not arrived yet. */
  next(): string | undefined {
    const end = this.#bytes.indexOf(LF, this.offset);
    if (end < 0) {
      this.#check(this.offset, this.#bytes.length);
      return undefined;
    }
    this.#check(this.offset, end);
    const line = asciiText(this.#bytes.subarray(this.offset, end));
    this.offset = end + 1;
    return line;
  }

  #check(from: number, to: number): void {
    for (let i = from; i < to; i++) {
      const byte = this.#bytes[i] ?? 0;
      if (byte < 0x20 || byte > 0x7e) {
        throw malformed(
          byte === 0x0d
            ? 'a line ends with CR (age uses LF alone)'
            : 'it holds a byte that is not printable ASCII',
        );
      }
    }
  }
}
