import {
  CancelledError,
  type DownloadResponse,
  type DownloadSink,
  type DownloadSource,
  IntegrityError,
  type VerifiedContent,
} from '@asana-exports/core/protocol';
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';
import { BinaryRelay, type ChunkTransform } from './binaryRelay';
import { GzipVerifier } from './gzipVerifier';
import { assertReadableByNextNode } from './readableSize';
import { openStream, release } from './stream';

export interface StoredFile extends VerifiedContent {
  readonly binary: IBinaryData;
}

export interface BinaryFileOptions {
  readonly fileName: string;
  readonly mimeType: string;
  /** json: organization exports; jsonl: resource and graph exports. */
  readonly format: 'json' | 'jsonl';
  /** Store the decompressed file instead of the `.gz` Asana serves. */
  readonly decompress: boolean;
}

/**
 * The download source and sink that stream an export into n8n's binary data store, for the core's
 * `downloadExport` (which keeps its guarantees: fresh link, expired-link refresh, retries with
 * backoff, length and SHA-256 checks, nothing kept on failure). The file is also checked as gzip
 * and its records counted as it streams.
 *
 * n8n's store cannot append to a file it has started, so every attempt asks for the whole file
 * (no `Range`): a retried transfer gets a 200, which the core handles as a restart from byte 0,
 * and each 200 response gets its own relay into n8n.
 */
export class BinaryDownload implements DownloadSource, DownloadSink<StoredFile> {
  readonly #context: IExecuteFunctions;
  readonly #signal: AbortSignal;
  #file: BinaryFileOptions | undefined;
  #relay: BinaryRelay | undefined;
  #verifier: GzipVerifier | undefined;

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

  async open(
    url: string,
    options: { offset: number; signal: AbortSignal },
  ): Promise<DownloadResponse> {
    const { status, headers, stream } = await openStream(this.#context, url, 0, options.signal);
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
      file.decompress ? gunzip : undefined,
    );
    this.#relay = relay;
    return {
      status,
      headers,
      body: relay.body,
      cancel: async () => relay.abort(new CancelledError('A superseded download attempt')),
    };
  }

  async write(chunk: Uint8Array): Promise<void> {
    const relay = this.#relay;
    if (relay === undefined) throw new RangeError('write() before a download was opened');
    await Promise.all([relay.push(chunk), this.#requireVerifier().write(chunk)]);
  }

  async reset(): Promise<void> {
    // A relay that n8n has read from cannot start over; a fresh one (0 bytes) is kept.
    if (this.#relay !== undefined && this.#relay.forwarded > 0) {
      this.#relay.abort(new CancelledError('A restarted download attempt'));
      this.#relay = undefined;
    }
    this.#verifier?.abort();
    this.#verifier = new GzipVerifier(this.#requireFile().format);
  }

  async commit(): Promise<StoredFile> {
    const file = this.#requireFile();
    const relay = this.#relay;
    if (relay === undefined) throw new RangeError('commit() before a download was opened');
    const [records, binary] = await Promise.all([this.#requireVerifier().end(), relay.finish()]);
    if (!file.decompress && binary.bytes !== undefined && binary.bytes !== relay.forwarded) {
      throw new IntegrityError(
        `n8n stored ${binary.bytes} bytes of the ${relay.forwarded} downloaded`,
      );
    }
    assertReadableByNextNode(binary);
    return { fileName: file.fileName, records, binary };
  }

  async discard(): Promise<void> {
    this.#relay?.abort(this.#signal.reason ?? new CancelledError('The download'));
    this.#relay = undefined;
    this.#verifier?.abort();
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

const gunzip: ChunkTransform = (chunks) =>
  ReadableStream.from(chunks).pipeThrough(new DecompressionStream('gzip'));
