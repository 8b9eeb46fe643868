import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { IntegrityError } from '../protocol/errors.js';
import type { RecordCounterOptions, RecordCounts } from '../protocol/records.js';
import type { FromCounterWorker, ToCounterWorker } from './record-counter-messages.js';

// Beside this module: in the core's dist/, and in the bundles of the action and the CLI, which
// build the worker as an entry point of its own next to the code that loads it.
const WORKER_URL = new URL('./record-counter-worker.js', import.meta.url);

/** Chunks in flight to the worker before the producer is asked to pause: bounds memory. */
const MAX_IN_FLIGHT = 8;

/**
 * A `RecordCounter` on a worker thread. `push` copies the chunk across (the caller may reuse its
 * buffer) and never blocks; `wantsMore` turns false while too much is queued, and `onReady` is
 * called once the worker has caught up, so the caller can pause and resume its source.
 */
export class ThreadedRecordCounter {
  readonly #worker: Worker;
  #inFlight = 0;
  #failure: IntegrityError | undefined;
  #result: Promise<RecordCounts>;
  #onReady: (() => void) | undefined;
  /** Set once the worker has answered `done` or is being terminated on purpose. */
  #finished = false;

  /**
   * Whether the worker's script sits beside this module: true when running the built package or
   * the action's bundle, false when tests run the TypeScript sources (they count inline then).
   */
  static get available(): boolean {
    return existsSync(fileURLToPath(WORKER_URL));
  }

  constructor(options: RecordCounterOptions) {
    this.#worker = new Worker(WORKER_URL, { workerData: options });
    this.#result = new Promise((resolve, reject) => {
      this.#worker.on('message', (message: FromCounterWorker) => {
        if (message.type === 'ack') {
          this.#inFlight--;
          if (this.wantsMore) this.#onReady?.();
        } else if (message.type === 'done') {
          this.#finished = true;
          resolve(message.counts);
        } else {
          this.#failure = new IntegrityError(message.problem);
          reject(this.#failure);
          this.#onReady?.();
        }
      });
      // A worker that dies must not leave the inflater paused forever: fail, and wake it.
      const died = (why: string) => {
        if (this.#finished) return;
        this.#failure ??= new IntegrityError(`the record check stopped (${why})`);
        reject(this.#failure);
        this.#onReady?.();
      };
      this.#worker.on('error', (error) => died(error.message));
      this.#worker.on('exit', (code) => died(`worker exit code ${code}`));
    });
    // A rejection before `end` is awaited is reported through `failure`, not as unhandled.
    this.#result.catch(() => {});
  }

  get wantsMore(): boolean {
    return this.#inFlight < MAX_IN_FLIGHT;
  }

  /** The first bad record, as soon as the worker finds it. */
  get failure(): IntegrityError | undefined {
    return this.#failure;
  }

  onReady(listener: () => void): void {
    this.#onReady = listener;
  }

  push(chunk: Uint8Array): void {
    if (this.#failure) return;
    this.#inFlight++;
    // An exact copy, handed over without a second copy: zlib reuses its output buffers.
    const copy = new Uint8Array(chunk);
    this.#worker.postMessage({ type: 'chunk', chunk: copy } satisfies ToCounterWorker, [
      copy.buffer,
    ]);
  }

  async end(): Promise<RecordCounts> {
    this.#worker.postMessage({ type: 'end' } satisfies ToCounterWorker);
    try {
      return await this.#result;
    } finally {
      await this.destroy();
    }
  }

  async destroy(): Promise<void> {
    this.#finished = true;
    await this.#worker.terminate();
  }
}
