import { type AgeEncryptor, createAgeEncryptor } from './age.js';
import type { AgeRecipient } from './age-x25519.js';
import { createSha256 } from './hash.js';
import type { ManifestEncryption } from './manifest.js';

/**
 * An export's ciphertext as it is stored: encrypted to `recipients`, and hashed and counted in
 * the same pass, so the manifest can describe what was stored without reading it again.
 */
export class EncryptedOutput implements AgeEncryptor {
  readonly #recipients: readonly AgeRecipient[];
  readonly #encryptor: AgeEncryptor;
  readonly #hash = createSha256();
  #bytes = 0;
  #sha256: string | undefined;

  constructor(recipients: readonly AgeRecipient[]) {
    this.#recipients = recipients;
    this.#encryptor = createAgeEncryptor(recipients);
  }

  update(plain: Uint8Array): Uint8Array[] {
    return this.#counted(this.#encryptor.update(plain));
  }

  final(): Uint8Array[] {
    const out = this.#counted(this.#encryptor.final());
    this.#sha256 = this.#hash.digest();
    return out;
  }

  /** The manifest's `encryption`, once `final` has run, for the file stored as `name`. */
  describe(name: string): ManifestEncryption {
    if (this.#sha256 === undefined) throw new RangeError('describe() before final()');
    return {
      format: 'age',
      recipients: this.#recipients.map((recipient) => recipient.publicKey),
      file: { name, bytes: this.#bytes, sha256: this.#sha256 },
    };
  }

  #counted(pieces: Uint8Array[]): Uint8Array[] {
    for (const piece of pieces) {
      this.#hash.update(piece);
      this.#bytes += piece.length;
    }
    return pieces;
  }
}
