import { CancelledError, GzipMembers, IntegrityError } from '@asana-exports/core/protocol';

/**
 * Gzip decompression of a whole export file, one member or several (RFC 1952 §2.2), on the web
 * `DecompressionStream`: the only gzip n8n Cloud allows community nodes, and one that stops at the
 * end of the first member. When a member's decompressor fails, the core's `GzipMembers` decides
 * whether an intact member ended there; if so a fresh decompressor takes the rest. Writes and
 * reads run concurrently (the consumer keeps reading), as with any transform stream.
 */
export class Gunzip {
  readonly #members = new GzipMembers();
  #member: Member;

  constructor() {
    this.#member = openMember();
  }

  /** Hands on a compressed chunk; rejects with an IntegrityError once the file is known corrupt. */
  async write(chunk: Uint8Array): Promise<void> {
    this.#members.compressed(chunk);
    const member = this.#member;
    try {
      await member.writer.ready;
      await member.writer.write(chunk);
    } catch {
      // The read side decides what the failure was; the chunk is in what a next member takes.
      await member.next.promise;
    }
  }

  /** No more input: the last member must end here. */
  async close(): Promise<void> {
    for (;;) {
      const member = this.#member;
      try {
        await member.writer.close();
        return;
      } catch {
        await member.next.promise;
      }
    }
  }

  /** Gives up: pending and later writes reject, so no writer waits on a reader that has left. */
  abort(): void {
    const member = this.#member;
    member.writer.abort().catch(() => undefined);
    member.next.reject(new CancelledError('The decompression'));
  }

  /** The next inflated chunk, across members; rejects with an IntegrityError on corruption. */
  async read(): ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']> {
    for (;;) {
      const member = this.#member;
      try {
        const next = await member.reader.read();
        if (!next.done) this.#members.inflated(next.value);
        return next;
      } catch (cause) {
        const rest = this.#members.nextMember();
        if (rest === undefined) {
          const error = new IntegrityError('it is not a valid gzip file (corrupt or truncated)', {
            cause,
          });
          member.next.reject(error);
          throw error;
        }
        const fresh = openMember();
        // Queued before any later write, so the next member's bytes keep their order.
        fresh.writer.write(rest).catch(() => undefined);
        this.#member = fresh;
        member.next.resolve();
      }
    }
  }

  /** Stops reading (the consumer gave up, e.g. on a bad record); writes reject with `reason`. */
  async cancel(reason: unknown): Promise<void> {
    const member = this.#member;
    member.next.reject(reason);
    await member.reader.cancel(reason).catch(() => undefined);
  }
}

interface Member {
  readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  /** Settled by the read side once this member's failure is understood. */
  readonly next: Deferred;
}

interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

function openMember(): Member {
  const stream = new DecompressionStream('gzip');
  let resolve: () => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<void>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  promise.catch(() => undefined);
  return {
    writer: stream.writable.getWriter(),
    reader: stream.readable.getReader(),
    next: { promise, resolve, reject },
  };
}

/** Inflates a stream of compressed chunks, every member of it, as it is read. */
export async function* inflate(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const gunzip = new Gunzip();
  const feeding = (async () => {
    for await (const chunk of chunks) await gunzip.write(chunk);
    await gunzip.close();
  })();
  feeding.catch(() => undefined);
  try {
    for (;;) {
      const next = await gunzip.read();
      if (next.done) break;
      yield next.value;
    }
    await feeding;
  } finally {
    gunzip.abort();
  }
}
