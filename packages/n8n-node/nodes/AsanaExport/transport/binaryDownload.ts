import {
  type AgeRecipient,
  CancelledError,
  type DownloadResponse,
  type DownloadSink,
  type DownloadSource,
  EncryptedOutput,
  IntegrityError,
  type ObjectIdentity,
  type OpenOptions,
  type RecordCounts,
  type VerifiedContent,
} from '@asana-exports/core/protocol';
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';
import { BinaryRelay } from './binaryRelay';
import { inflate } from './gunzip';
import { GzipVerifier } from './gzipVerifier';
import { assertReadableByNextNode } from './readableSize';
import { openStream, release } from './stream';

export interface StoredFile extends VerifiedContent {
  readonly binary: IBinaryData;
}

export interface BinaryFileOptions {
  /** The stored binary's name: `x.jsonl.gz.age` when encrypted. */
  readonly fileName: string;
  /** What the manifest's `file.name` describes: the plaintext's name (`x.jsonl.gz`). */
  readonly contentName: string;
  readonly mimeType: string;
  /** json: organization exports; jsonl: resource and graph exports. */
  readonly format: 'json' | 'jsonl';
  /** Store the decompressed file instead of the `.gz` Asana serves. */
  readonly decompress: boolean;
  /** Store age ciphertext to these recipients: the file is verified, then encrypted. */
  readonly encryptTo?: readonly AgeRecipient[] | undefined;
}

/**
 * The sink that streams an export into n8n's binary data store, for the core's `downloadExport`
 * (which keeps its guarantees: fresh link, redirects, expired-link refresh, retries, one object,
 * length and SHA-256 checks, nothing kept on failure). The file is also checked as gzip and its
 * records counted as it streams.
 *
 * n8n's store cannot append to a file it has started, so the sink says so (`canAppend: false`)
 * and the core never asks for a range: a broken transfer starts over from byte 0, with a relay of
 * its own. It is also the source that opens the responses, because n8n's store takes a Node
 * Readable and a community node cannot make one (no `node:stream`): each response's own stream,
 * composed with the chunks the core pushes back, is what n8n reads.
 *
 * Encrypted (`encryptTo`), each chunk the core pushes goes to the verifier as it is and to n8n
 * as age ciphertext, hashed and counted on the way (the core's `EncryptedOutput`, as its file
 * sink does): n8n's store never sees a byte of plaintext, and the ciphertext gets its final
 * chunk only once the verifier accepted the whole file. The encryptor holds at most 64 KiB.
 */
export class BinaryDownload implements DownloadSource, DownloadSink<StoredFile> {
  readonly canAppend = false;
  readonly #context: IExecuteFunctions;
  readonly #signal: AbortSignal;
  #file: BinaryFileOptions | undefined;
  #relay: BinaryRelay | undefined;
  #verifier: GzipVerifier | undefined;
  /** When encrypting: the encryptor of the bytes since byte 0 of the current attempt. */
  #encrypted: EncryptedOutput | undefined;

  constructor(context: IExecuteFunctions, signal: AbortSignal) {
    this.#context = context;
    this.#signal = signal;
  }

  /** Names the file once the export's gid is known; returns the sink. */
  prepare(file: BinaryFileOptions): DownloadSink<StoredFile> {
    this.#file = file;
    this.#verifier = new GzipVerifier(file.format);
    return this;
  }

  async open(url: string, options: OpenOptions): Promise<DownloadResponse> {
    if (options.offset !== 0) {
      throw new RangeError(
        'n8n binary data cannot be appended to: the core must not ask for a range',
      );
    }
    const { status, headers, stream } = await openStream(this.#context, url, options);
    if (status !== 200) {
      return { status, headers, body: stream, cancel: async () => release(stream) };
    }
    const file = this.#requireFile();
    this.#relay?.abort(new CancelledError('A superseded download attempt'));
    const relay = new BinaryRelay(
      stream,
      async (relayed) =>
        await this.#context.helpers.prepareBinaryData(relayed, file.fileName, file.mimeType),
      options.signal,
      file.decompress ? inflate : undefined,
    );
    this.#relay = relay;
    return {
      status,
      headers,
      body: relay.body,
      cancel: async () => relay.abort(new CancelledError('A superseded download attempt')),
    };
  }

  async begin(_object: ObjectIdentity, offset: number): Promise<void> {
    // Nothing to record: n8n's store keeps no partial for a later run. Every attempt starts at
    // byte 0 (canAppend is false), into a relay of its own: so does its ciphertext.
    if (offset !== 0) throw new RangeError(`n8n binary data starts at byte 0, not ${offset}`);
    const { encryptTo } = this.#requireFile();
    this.#encrypted = encryptTo === undefined ? undefined : new EncryptedOutput(encryptTo);
  }

  async write(chunk: Uint8Array): Promise<void> {
    const relay = this.#relay;
    if (relay === undefined) throw new RangeError('write() before a download was opened');
    const encrypted = this.#encrypted;
    const stored =
      encrypted === undefined ? relay.push(chunk) : pushAll(relay, encrypted.update(chunk));
    await Promise.all([stored, this.#requireVerifier().write(chunk)]);
  }

  async reset(): Promise<void> {
    // A relay that n8n has read from cannot start over; a fresh one (0 bytes) is kept.
    if (this.#relay !== undefined && this.#relay.forwarded > 0) {
      this.#relay.abort(new CancelledError('A restarted download attempt'));
      this.#relay = undefined;
    }
    this.#verifier?.abort();
    this.#verifier = new GzipVerifier(this.#requireFile().format);
    this.#encrypted = undefined;
  }

  async commit(): Promise<StoredFile> {
    const file = this.#requireFile();
    const relay = this.#relay;
    if (relay === undefined) throw new RangeError('commit() before a download was opened');
    const encrypted = this.#encrypted;
    let records: RecordCounts;
    let binary: IBinaryData;
    if (encrypted === undefined) {
      [records, binary] = await Promise.all([this.#requireVerifier().end(), relay.finish()]);
    } else {
      // Only a verified file gets its final chunk: without it, no age tool decrypts the rest.
      // Closed, as the plain path closes it before a failed check: failing the relay here,
      // with n8n's store still reading, had the relay's inner stream emit its error after
      // nobody listened (an uncaught exception, 1 run in 3 of test/encryption.test.ts). The
      // node still fails, so no later node sees what was stored without its final chunk.
      const checked = await this.#requireVerifier()
        .end()
        .then(
          (counts) => ({ ok: true as const, counts }),
          async (failure: unknown) => {
            await relay.finish().catch(() => undefined);
            return { ok: false as const, failure };
          },
        );
      if (!checked.ok) throw checked.failure;
      records = checked.counts;
      await pushAll(relay, encrypted.final());
      binary = await relay.finish();
    }
    if (!file.decompress && binary.bytes !== undefined && binary.bytes !== relay.forwarded) {
      throw new IntegrityError(
        `n8n stored ${binary.bytes} bytes of the ${relay.forwarded} it was given`,
      );
    }
    assertReadableByNextNode(binary);
    return {
      fileName: file.contentName,
      records,
      binary,
      ...(encrypted === undefined ? {} : { encryption: encrypted.describe(file.fileName) }),
    };
  }

  /** Nothing is ever kept: n8n's store cannot resume a file. */
  async discard(): Promise<void> {
    this.#relay?.abort(this.#signal.reason ?? new CancelledError('The download'));
    this.#relay = undefined;
    this.#verifier?.abort();
    this.#encrypted = undefined;
  }

  #requireFile(): BinaryFileOptions {
    if (this.#file === undefined) throw new RangeError('The download has no file name yet');
    return this.#file;
  }

  #requireVerifier(): GzipVerifier {
    if (this.#verifier === undefined) throw new RangeError('The download has no verifier yet');
    return this.#verifier;
  }
}

/** Hands n8n each piece in order, one at a time, as the relay's pace allows. */
async function pushAll(relay: BinaryRelay, pieces: readonly Uint8Array[]): Promise<void> {
  for (const piece of pieces) await relay.push(piece);
}
