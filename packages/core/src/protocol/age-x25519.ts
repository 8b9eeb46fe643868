/**
 * age's X25519 recipient type (age1... / AGE-SECRET-KEY-1...): wrapping the file key for a public
 * key, and unwrapping it with a secret one. X25519 is OpenSSL's through node:crypto, which takes
 * raw keys only inside their DER envelopes, hence the two fixed prefixes (passed as PEM text,
 * which its types accept without a Buffer).
 */
import {
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { decodeBase64, encodeBase64 } from './age-base64.js';
import { decodeBech32, encodeBech32 } from './age-bech32.js';
import { concatBytes, hkdf, open, seal } from './age-crypto.js';
import { AgeDecryptError } from './errors.js';

export const RECIPIENT_HRP = 'age';
export const IDENTITY_HRP = 'age-secret-key-';
const KEY_BYTES = 32;
const WRAP_INFO = 'age-encryption.org/v1/X25519';
/** The file key is wrapped with a fixed nonce: each wrap key is used once, for one stanza. */
const ZERO_NONCE = new Uint8Array(12);
/** ChaCha20-Poly1305 of the 16-byte file key: the only body length an X25519 stanza may have. */
const BODY_BYTES = 32;

// SubjectPublicKeyInfo and PKCS #8 envelopes of a raw X25519 key (OID 1.3.101.110, RFC 8410).
const SPKI_PREFIX = hexBytes('302a300506032b656e032100');
const PKCS8_PREFIX = hexBytes('302e020100300506032b656e04220420');

/** An age X25519 public key: whom an export is encrypted to. */
export interface AgeRecipient {
  /** `age1...`, lower case. Public: safe to print and to record in the manifest. */
  readonly publicKey: string;
}

/** One recipient stanza of an age header: its arguments and its body. */
export interface Stanza {
  readonly args: readonly string[];
  readonly body: Uint8Array;
}

/** The raw 32-byte key of an `age1...` string, or undefined when it is not one. */
export function recipientKeyBytes(publicKey: string): Uint8Array | undefined {
  const decoded = decodeBech32(publicKey);
  if (!decoded.ok || decoded.hrp !== RECIPIENT_HRP || decoded.bytes.length !== KEY_BYTES) {
    return undefined;
  }
  return decoded.bytes;
}

/** Wraps `fileKey` for one recipient, with a fresh ephemeral key: `-> X25519 <share>`. */
export function wrapForRecipient(recipientKey: Uint8Array, fileKey: Uint8Array): Stanza {
  const ephemeral = generateKeyPairSync('x25519');
  const share = rawPublicKey(ephemeral.publicKey);
  const shared = diffieHellman({
    privateKey: ephemeral.privateKey,
    publicKey: publicKeyObject(recipientKey),
  });
  const wrapKey = hkdf(shared, concatBytes([share, recipientKey]), WRAP_INFO);
  return {
    args: ['X25519', encodeBase64(share)],
    body: concatBytes(seal(wrapKey, ZERO_NONCE, fileKey)),
  };
}

/**
 * Whether `recipientKey` can be encrypted to: a low-order point would make every shared secret
 * zero, which age forbids (and OpenSSL refuses to derive).
 */
export function isUsableRecipientKey(recipientKey: Uint8Array): boolean {
  try {
    wrapForRecipient(recipientKey, new Uint8Array(16));
    return true;
  } catch {
    return false;
  }
}

/**
 * An age X25519 identity (`AGE-SECRET-KEY-1...`), made only by `parseAgeIdentities`. The secret
 * stays in a private field and an OpenSSL key object: printing, logging or serialising an
 * identity shows its public key alone.
 */
export class AgeIdentity {
  /** The public key this identity decrypts for. */
  readonly recipient: AgeRecipient;
  readonly #privateKey: KeyObject;
  readonly #publicKey: Uint8Array;

  /** `secret`: the 32 raw bytes of a secret key, already checked by the caller. */
  constructor(secret: Uint8Array) {
    this.#privateKey = createPrivateKey(pem('PRIVATE KEY', concatBytes([PKCS8_PREFIX, secret])));
    this.#publicKey = rawPublicKey(createPublicKey(this.#privateKey));
    this.recipient = { publicKey: encodeBech32(RECIPIENT_HRP, this.#publicKey) };
  }

  /**
   * The file key in an X25519 stanza addressed to this identity, or undefined when it is not
   * addressed to it. A stanza whose share is a low-order point fails the whole header, as age's
   * spec requires: it can only come from a forged file.
   */
  unwrap(stanza: X25519Stanza): Uint8Array | undefined {
    let shared: Uint8Array;
    try {
      shared = diffieHellman({
        privateKey: this.#privateKey,
        publicKey: publicKeyObject(stanza.share),
      });
    } catch {
      throw new AgeDecryptError('header', 'an X25519 stanza has a low-order share');
    }
    if (shared.every((byte) => byte === 0)) {
      throw new AgeDecryptError('header', 'an X25519 stanza has a low-order share');
    }
    const wrapKey = hkdf(shared, concatBytes([stanza.share, this.#publicKey]), WRAP_INFO);
    return open(wrapKey, ZERO_NONCE, stanza.body);
  }

  toJSON(): { recipient: AgeRecipient } {
    return { recipient: this.recipient };
  }
}

/** An X25519 stanza whose form has been checked. */
export interface X25519Stanza {
  readonly share: Uint8Array;
  readonly body: Uint8Array;
}

/**
 * The X25519 stanza in `stanza`, undefined for another type (ignored, as age's spec says), or
 * an error for a malformed one (the spec makes it fail the header).
 */
export function readX25519Stanza(stanza: Stanza): X25519Stanza | undefined {
  if (stanza.args[0] !== 'X25519') return undefined;
  if (stanza.args.length !== 2) {
    throw new AgeDecryptError(
      'header',
      `an X25519 stanza has ${stanza.args.length - 1} arguments, not 1`,
    );
  }
  const share = decodeBase64(stanza.args[1] ?? '');
  if (share === undefined || share.length !== KEY_BYTES) {
    throw new AgeDecryptError(
      'header',
      'an X25519 stanza has a share that is not 32 bytes of canonical base64',
    );
  }
  if (stanza.body.length !== BODY_BYTES) {
    throw new AgeDecryptError(
      'header',
      `an X25519 stanza has a ${stanza.body.length}-byte body, not ${BODY_BYTES}`,
    );
  }
  return { share, body: stanza.body };
}

function publicKeyObject(raw: Uint8Array): KeyObject {
  return createPublicKey(pem('PUBLIC KEY', concatBytes([SPKI_PREFIX, raw])));
}

function pem(label: string, der: Uint8Array): string {
  const body = encodeBase64(der);
  const padding = '='.repeat((4 - (body.length % 4)) % 4);
  return `-----BEGIN ${label}-----\n${body}${padding}\n-----END ${label}-----\n`;
}

function rawPublicKey(key: KeyObject): Uint8Array {
  return new Uint8Array(key.export({ type: 'spki', format: 'der' })).subarray(SPKI_PREFIX.length);
}

function hexBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++)
    bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}
