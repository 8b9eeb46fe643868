import type { IBinaryData } from 'n8n-workflow';
import { Channel } from './channel';
import { toTransportError } from './http';
import type { NodeReadable } from './stream';

export type ChunkTransform = (chunks: AsyncIterable<Uint8Array>) => AsyncIterable<Uint8Array>;

/**
 * Carries one download response into n8n's binary data store, through the core's downloader.
 *
 * n8n's store pulls from a Node Readable; the core's downloader reads the response and pushes
 * each checked chunk into a sink. The relay joins the two without any Node import (n8n Cloud
 * forbids them): it composes the response stream with a generator, hands the response's bytes to
 * the core as `body`, and yields to n8n exactly the chunks the core pushes back. n8n reads at the
 * pace its store writes, the core waits for each push, so one chunk at a time is in flight.
 */
export class BinaryRelay {
  /** The response's bytes, for the core to read and push back. */
  readonly body: AsyncIterable<Uint8Array>;
  readonly #channel = new Channel<Uint8Array>();
  readonly #stored: Promise<IBinaryData>;
  #forwarded = 0;
  #responseError: unknown;
  readonly #signal: AbortSignal;

  constructor(
    response: NodeReadable,
    store: (relayed: NodeReadable) => Promise<IBinaryData>,
    signal: AbortSignal,
    transform?: ChunkTransform,
  ) {
    this.#signal = signal;
    const channel = this.#channel;
    const output = transform === undefined ? channel : transform(channel);
    let handOver: (input: AsyncIterable<Uint8Array>) => void = () => undefined;
    const input = new Promise<AsyncIterable<Uint8Array>>((resolve) => {
      handOver = resolve;
    });
    response.once('error', (error: unknown) => {
      this.#responseError = error;
    });
    const relayed = response.compose<NodeReadable>(async function* relay(
      source: AsyncIterable<Uint8Array>,
    ) {
      handOver(source);
      yield* output;
    });
    this.#stored = store(relayed);
    // When n8n stops reading (done, its store failed, or the response broke), unblock the core.
    this.#stored.then(
      () => channel.close(),
      (error: unknown) => channel.fail(this.#explain(error)),
    );
    this.body = this.#read(input);
  }

  /** Bytes n8n has taken so far. */
  get forwarded(): number {
    return this.#forwarded;
  }

  async push(chunk: Uint8Array): Promise<void> {
    await this.#channel.push(chunk);
    this.#forwarded += chunk.byteLength;
  }

  /** Ends the file and waits for n8n to have stored it. */
  async finish(): Promise<IBinaryData> {
    this.#channel.close();
    return await this.#stored;
  }

  /** Gives up: n8n's store drops what it received (its temporary file is removed). */
  abort(reason: unknown): void {
    this.#channel.fail(reason);
  }

  async *#read(input: Promise<AsyncIterable<Uint8Array>>): AsyncIterable<Uint8Array> {
    // n8n may fail before it reads a byte: do not wait for a hand-over that will never come.
    const source = await Promise.race([
      input,
      this.#stored.then(
        () => Promise.reject(new RangeError('n8n stored the file before it was downloaded')),
        (error: unknown) => Promise.reject(this.#explain(error)),
      ),
    ]);
    try {
      yield* source;
    } catch (error) {
      throw await this.#failureOf(error);
    }
  }

  /** A broken response may be retried; a store that gave up may not. */
  #explain(error: unknown): unknown {
    if (this.#responseError !== undefined) {
      return toTransportError('Download transfer', this.#responseError, this.#signal);
    }
    return error;
  }

  async #failureOf(error: unknown): Promise<unknown> {
    if (this.#responseError !== undefined || this.#signal.aborted) return this.#explain(error);
    // The response did not break, so n8n stopped reading: its store's error is the one to report.
    return await this.#stored.then(
      () => toTransportError('Download transfer', error, this.#signal),
      (storeError: unknown) => this.#explain(storeError),
    );
  }
}
