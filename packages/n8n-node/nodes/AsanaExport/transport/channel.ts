/**
 * Hands chunks from a producer that awaits each `push` to a consumer that iterates, one chunk at a
 * time: the producer runs at the pace the consumer reads, so nothing piles up in memory.
 */
export class Channel<T> implements AsyncIterable<T> {
  readonly #queue: Array<{ item: T; taken: () => void; refused: (error: unknown) => void }> = [];
  #wake: (() => void) | undefined;
  #state: 'open' | 'closed' | 'failed' = 'open';
  #error: unknown;

  /** Resolves once the consumer has taken the item; rejects if the channel failed meanwhile. */
  push(item: T): Promise<void> {
    if (this.#state === 'failed') return Promise.reject(this.#error);
    if (this.#state === 'closed') return Promise.reject(new RangeError('Push after close'));
    return new Promise((taken, refused) => {
      this.#queue.push({ item, taken, refused });
      this.#wakeConsumer();
    });
  }

  /** No more items: the consumer ends after the queued ones. */
  close(): void {
    if (this.#state !== 'open') return;
    this.#state = 'closed';
    this.#wakeConsumer();
  }

  /** Stops both sides: queued and future pushes reject, and the consumer throws `error`. */
  fail(error: unknown): void {
    if (this.#state === 'failed') return;
    this.#state = 'failed';
    this.#error = error;
    for (const entry of this.#queue.splice(0)) entry.refused(error);
    this.#wakeConsumer();
  }

  get failed(): boolean {
    return this.#state === 'failed';
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      if (this.#state === 'failed') throw this.#error;
      const entry = this.#queue.shift();
      if (entry !== undefined) {
        entry.taken();
        yield entry.item;
        continue;
      }
      if (this.#state === 'closed') return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  #wakeConsumer(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
