import { IntegrityError, RecordCounter, type RecordCounts } from '@asana-exports/core/protocol';

/**
 * Checks, while the file streams past, that it is one intact gzip stream (CRC and length), and
 * counts its records with the core's RecordCounter. Decompression uses the web
 * `DecompressionStream`, the only gzip that n8n Cloud allows community nodes.
 */
export class GzipVerifier {
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #result: Promise<RecordCounts>;

  constructor(format: 'json' | 'jsonl') {
    const gunzip = new DecompressionStream('gzip');
    this.#writer = gunzip.writable.getWriter();
    this.#result = count(
      gunzip.readable.getReader(),
      new RecordCounter({ format, validateJson: true }),
    );
    // Observed by write() and end(); never left unhandled.
    this.#result.catch(() => undefined);
  }

  async write(chunk: Uint8Array): Promise<void> {
    try {
      await this.#writer.ready;
      await this.#writer.write(chunk);
    } catch {
      // The decompressor stopped: its reason is the reader's.
      throw await this.#failure();
    }
  }

  async end(): Promise<RecordCounts> {
    await this.#writer.close().catch(() => undefined);
    return await this.#result;
  }

  abort(): void {
    this.#writer.abort().catch(() => undefined);
  }

  async #failure(): Promise<unknown> {
    return await this.#result.then(
      () => new IntegrityError('the gzip stream ended before the file did'),
      (error: unknown) => error,
    );
  }
}

async function count(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  counter: RecordCounter,
): Promise<RecordCounts> {
  for (;;) {
    const next = await readInflated(reader);
    if (next.done) return counter.end();
    try {
      counter.push(next.value);
    } catch (error) {
      await reader.cancel(error).catch(() => undefined);
      return Promise.reject(error);
    }
  }
}

/** The next inflated chunk. The decompressor failing means the file is not intact gzip. */
export function readInflated(
  reader: ReadableStreamDefaultReader<Uint8Array>,
): ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']> {
  return reader
    .read()
    .catch((cause: unknown) =>
      Promise.reject(
        new IntegrityError('it is not a valid gzip file (corrupt or truncated)', { cause }),
      ),
    );
}
