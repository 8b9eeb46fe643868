import { IntegrityError, RecordCounter, type RecordCounts } from '@asana-exports/core/protocol';
import { Gunzip } from './gunzip';

/**
 * Checks, while the file streams past, that it is intact gzip (every member's CRC and length),
 * and counts its records with the core's RecordCounter.
 */
export class GzipVerifier {
  readonly #gunzip = new Gunzip();
  readonly #result: Promise<RecordCounts>;

  constructor(format: 'json' | 'jsonl') {
    this.#result = count(this.#gunzip, new RecordCounter({ format, validateJson: true }));
    // Observed by write() and end(); never left unhandled.
    this.#result.catch(() => undefined);
  }

  async write(chunk: Uint8Array): Promise<void> {
    try {
      await this.#gunzip.write(chunk);
    } catch {
      // The decompressor stopped: its reason is the reader's.
      throw await this.#failure();
    }
  }

  async end(): Promise<RecordCounts> {
    await this.#gunzip.close().catch(() => undefined);
    return await this.#result;
  }

  abort(): void {
    this.#gunzip.abort();
  }

  async #failure(): Promise<unknown> {
    return await this.#result.then(
      () => new IntegrityError('the gzip stream ended before the file did'),
      (error: unknown) => error,
    );
  }
}

async function count(gunzip: Gunzip, counter: RecordCounter): Promise<RecordCounts> {
  for (;;) {
    const next = await gunzip.read();
    if (next.done) return counter.end();
    try {
      counter.push(next.value);
    } catch (error) {
      await gunzip.cancel(error);
      return Promise.reject(error);
    }
  }
}
