/**
 * A download sink that streams the export into object storage while the downloader verifies it:
 * the bytes (or, encrypted, the ciphertext) are cut into parts uploaded a few at a time, and the
 * object appears under its key only when the whole file has passed the gzip and record checks
 * and the store has completed the upload. Any failure aborts the upload, so nothing is left under
 * the key, visible or billed.
 *
 * Memory is bounded by the parts in flight: `partBytes × (concurrency + 1)`, 80 MiB by default,
 * whatever the export's size.
 */
import { EncryptedOutput } from './age-output.js';
import type { AgeRecipient } from './age-x25519.js';
import { ObjectStoreError } from './errors.js';
import type { ManifestEncryption } from './manifest.js';
import type { ObjectStore, PartUpload } from './object-store.js';
import type { Clock, DownloadSink, ObjectIdentity } from './ports.js';
import type { RecordCounts } from './records.js';

/** Checks the plaintext as it streams past; the Node and n8n adapters each bring their own. */
export interface StreamVerifier {
  write(chunk: Uint8Array): Promise<void>;
  /** Resolves with the counts once the whole file checked out; rejects with why it did not. */
  end(): Promise<RecordCounts>;
  destroy(): void;
}

export const DEFAULT_PART_BYTES = 16 * 1024 * 1024;
export const DEFAULT_UPLOAD_CONCURRENCY = 4;
/** How long aborting an upload may take once the run itself was stopped. */
const CLEANUP_TIMEOUT_MS = 60_000;

export interface ObjectSinkOptions {
  readonly store: ObjectStore;
  /** The stored object's key: the export's name, with `.age` when encrypted. */
  readonly key: string;
  /** The plaintext's name, as the manifest's `file.name`. */
  readonly fileName: string;
  readonly contentType: string;
  readonly createVerifier: () => StreamVerifier;
  readonly encryptTo?: readonly AgeRecipient[] | undefined;
  readonly partBytes?: number | undefined;
  readonly concurrency?: number | undefined;
  /** The run's signal: ends uploads in flight when the run is stopped. */
  readonly signal: AbortSignal;
  /** Times the abort of an upload after the run's signal ended it. */
  readonly clock: Clock;
}

export interface StoredObject {
  readonly fileName: string;
  readonly records: RecordCounts;
  readonly encryption?: ManifestEncryption | undefined;
  readonly key: string;
  /** `bucket/key`, for summaries. */
  readonly location: string;
  readonly url: string;
  readonly versionId: string | undefined;
  readonly parts: number;
}

export function createObjectSink(options: ObjectSinkOptions): DownloadSink<StoredObject> {
  return new ObjectSink(options);
}

class ObjectSink implements DownloadSink<StoredObject> {
  /** Parts stay in memory until sent, so a transfer resumed within the run appends to them. */
  readonly canAppend = true;
  readonly #options: ObjectSinkOptions;
  readonly #concurrency: number;
  #partBytes: number;
  #verifier: StreamVerifier;
  #upload: PartUpload | undefined;
  #encrypted: EncryptedOutput | undefined;
  #plainBytes = 0;
  /** The part being filled, and how much of it is. */
  #part: Uint8Array | undefined;
  #filled = 0;
  #partsSent = 0;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #spare: Uint8Array[] = [];
  #failure: unknown;
  #done = false;

  constructor(options: ObjectSinkOptions) {
    this.#options = options;
    this.#concurrency = Math.max(1, options.concurrency ?? DEFAULT_UPLOAD_CONCURRENCY);
    this.#partBytes = Math.max(options.store.minPartBytes, options.partBytes ?? DEFAULT_PART_BYTES);
    this.#verifier = options.createVerifier();
  }

  async begin(object: ObjectIdentity, offset: number): Promise<void> {
    if (offset !== 0) {
      if (this.#upload === undefined || offset !== this.#plainBytes) {
        throw new RangeError(`the upload took ${this.#plainBytes} bytes, not ${offset}`);
      }
      return;
    }
    if (this.#upload !== undefined) await this.reset();
    this.#partBytes = this.#sizeParts(object.totalBytes);
    const { store, key, contentType, encryptTo, signal } = this.#options;
    this.#upload = await store.startUpload(key, contentType, signal);
    this.#encrypted = encryptTo === undefined ? undefined : new EncryptedOutput(encryptTo);
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.#throwIfFailed();
    this.#plainBytes += chunk.byteLength;
    const pieces = this.#encrypted ? this.#encrypted.update(chunk) : [chunk];
    const verified = this.#verifier.write(chunk);
    // Awaited below; until then a rejection must not count as unhandled.
    verified.catch(() => {});
    for (const piece of pieces) await this.#append(piece);
    await verified;
  }

  async reset(): Promise<void> {
    await this.#dropUpload();
    this.#verifier.destroy();
    this.#verifier = this.#options.createVerifier();
    this.#plainBytes = 0;
    this.#partsSent = 0;
    this.#filled = 0;
    this.#encrypted = undefined;
    this.#failure = undefined;
  }

  async commit(): Promise<StoredObject> {
    const upload = this.#upload;
    if (upload === undefined) throw new RangeError('commit() before begin()');
    const records = await this.#verifier.end();
    // Only now, the plaintext verified, does the ciphertext get its final chunk.
    const encrypted = this.#encrypted;
    if (encrypted !== undefined) for (const piece of encrypted.final()) await this.#append(piece);
    this.#send();
    await this.#settle();
    this.#throwIfFailed();
    const { store, key, fileName, signal } = this.#options;
    const stored = await upload.complete(this.#partsSent, signal);
    this.#done = true;
    this.#upload = undefined;
    return {
      fileName,
      records,
      ...(encrypted === undefined
        ? {}
        : { encryption: encrypted.describe(key.split('/').pop() ?? key) }),
      key,
      location: store.location(key),
      url: store.objectUrl(key),
      versionId: stored.versionId,
      parts: this.#partsSent,
    };
  }

  async discard(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    this.#verifier.destroy();
    await this.#dropUpload();
  }

  /** Copies bytes into the current part, sending each part as it fills. */
  async #append(bytes: Uint8Array): Promise<void> {
    let at = 0;
    while (at < bytes.byteLength) {
      this.#part ??= this.#spare.pop() ?? new Uint8Array(this.#partBytes);
      const take = Math.min(bytes.byteLength - at, this.#part.byteLength - this.#filled);
      this.#part.set(bytes.subarray(at, at + take), this.#filled);
      this.#filled += take;
      at += take;
      if (this.#filled === this.#part.byteLength) {
        this.#send();
        // Back-pressure: the download waits while the store is behind.
        while (this.#inFlight.size >= this.#concurrency) await Promise.race(this.#inFlight);
        this.#throwIfFailed();
      }
    }
  }

  /** Starts uploading the part filled so far (the last may be short; the first may be all). */
  #send(): void {
    const part = this.#part;
    const upload = this.#upload;
    if (part === undefined || upload === undefined || (this.#filled === 0 && this.#partsSent > 0))
      return;
    this.#part = undefined;
    const bytes = part.subarray(0, this.#filled);
    this.#filled = 0;
    this.#partsSent += 1;
    if (this.#partsSent > this.#options.store.maxParts) {
      this.#failure ??= this.#tooManyParts();
      return;
    }
    const sent = upload
      .uploadPart(this.#partsSent, bytes, this.#options.signal)
      .then(
        () => {
          if (part.byteLength === this.#partBytes) this.#spare.push(part);
        },
        (error: unknown) => {
          this.#failure ??= error;
        },
      )
      .finally(() => this.#inFlight.delete(sent));
    this.#inFlight.add(sent);
  }

  async #settle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.race(this.#inFlight);
  }

  /** Waits for the parts in flight, then aborts the upload: no part is left behind. */
  async #dropUpload(): Promise<void> {
    const upload = this.#upload;
    this.#upload = undefined;
    this.#part = undefined;
    await this.#settle();
    if (upload === undefined) return;
    const { signal, clock } = this.#options;
    const alarm = signal.aborted ? clock.alarm?.(CLEANUP_TIMEOUT_MS) : undefined;
    try {
      await upload.abort(alarm?.signal ?? (signal.aborted ? new AbortController().signal : signal));
    } catch {
      // The failure that got us here is the one to report; a bucket lifecycle rule
      // (AbortIncompleteMultipartUpload, README) removes what an abort could not.
    } finally {
      alarm?.cancel();
    }
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure;
  }

  /** Parts big enough that the export fits in the store's part count, with room for growth. */
  #sizeParts(totalBytes: number | undefined): number {
    const { store } = this.#options;
    const configured = Math.max(store.minPartBytes, this.#options.partBytes ?? DEFAULT_PART_BYTES);
    if (totalBytes === undefined) return configured;
    const needed = Math.ceil((totalBytes * 1.01) / (store.maxParts * 0.9));
    const mebibyte = 1024 * 1024;
    return Math.max(configured, Math.ceil(needed / mebibyte) * mebibyte);
  }

  #tooManyParts(): ObjectStoreError {
    const { store, key } = this.#options;
    return new ObjectStoreError({
      store: store.label,
      reason: 'rejected',
      operation: 'store',
      location: store.location(key),
      problem: `the export needs more than ${store.maxParts} parts of ${this.#partBytes} bytes`,
      hint: 'Set a larger part size for this export and run again.',
    });
  }
}
