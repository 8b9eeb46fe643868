/**
 * What a destination store offers the object sink: multipart uploads that publish an object only
 * when completed, small whole-object writes for the manifest and `latest.json`, and a probe that
 * proves, before any export is created, that this run may write there. S3 (`s3-store.ts`) and
 * Azure Blob (`azure-store.ts`) implement it over the `StoreHttp` port.
 */
import { sleepOrCancel } from './abort.js';
import { TransportError } from './errors.js';
import type {
  Clock,
  DownloadResponse,
  Random,
  StoreHttp,
  StoreRequest,
  StoreResponse,
} from './ports.js';
import { judgeResumedAnswer, resumeHeaders } from './resumed-read.js';
import { DEFAULT_RETRY_POLICY, decideRetry, type RetryPolicy, transportFailure } from './retry.js';
import { unusableAnswer } from './store-errors.js';
import { xmlTexts } from './xml-text.js';

export interface StoredVersion {
  /** The store's version of the object, when versioning is on (S3 `x-amz-version-id`). */
  readonly versionId: string | undefined;
}

export interface PartUpload {
  /** Uploads part `partNumber` (1-based, in any order); the store checks its MD5. */
  uploadPart(partNumber: number, bytes: Uint8Array, signal: AbortSignal): Promise<void>;
  /** Publishes the parts uploaded, in order, as the object: the only step that makes it visible. */
  complete(partCount: number, signal: AbortSignal): Promise<StoredVersion>;
  /** Drops every part: nothing stays behind, billed or visible. */
  abort(signal: AbortSignal): Promise<void>;
}

export interface PutOptions {
  readonly contentType: string;
  /** Apply the retention asked for (the export and its manifest, not `latest.json`). */
  readonly retain: boolean;
  /** Replace an object of that name (only `latest.json`, our own pointer). */
  readonly replace: boolean;
}

export interface ObjectStore {
  /** `S3` or `Azure Blob`, for messages. */
  readonly label: string;
  /** The smallest part but the last, and the most parts one object may have. */
  readonly minPartBytes: number;
  readonly maxParts: number;
  /** `bucket/key`: where, for messages and summaries; never carries a credential. */
  location(key: string): string;
  /** The object's URL, without any credential. */
  objectUrl(key: string): string;
  /** Proves this run may write below `key`'s folder, leaving nothing behind. */
  probe(key: string, signal: AbortSignal): Promise<void>;
  exists(key: string, signal: AbortSignal): Promise<boolean>;
  /** A small object's text (at most 64 KiB is read), or undefined when there is none. */
  readText(key: string, signal: AbortSignal): Promise<string | undefined>;
  startUpload(key: string, contentType: string, signal: AbortSignal): Promise<PartUpload>;
  put(
    key: string,
    bytes: Uint8Array,
    options: PutOptions,
    signal: AbortSignal,
  ): Promise<StoredVersion>;
}

/** An object being read, streamed: its body must be read to the end or cancelled. */
export interface ObjectRead {
  /** What the store says the object holds (`content-length`), when it says. */
  readonly bytes: number | undefined;
  readonly body: AsyncIterable<Uint8Array>;
  cancel(): Promise<void>;
}

export interface ListedKeys {
  /** In the store's order (UTF-8 binary order, for S3 and Azure alike). */
  readonly keys: readonly string[];
  /** True when there were more than the limit asked for. */
  readonly truncated: boolean;
}

/**
 * Reading back what was stored, for comparing two stored exports: streamed, never held, and a
 * listing to find an export's predecessor. Needs a `StoreHttp` with `stream`.
 */
export interface ObjectReader {
  /** The object's bytes, streamed; undefined when there is no such object. */
  read(key: string, signal: AbortSignal): Promise<ObjectRead | undefined>;
  /** The keys below `prefix` (a plain prefix, not a folder), at most `limit` of them. */
  list(prefix: string, limit: number, signal: AbortSignal): Promise<ListedKeys>;
}

export interface StoreRequestContext {
  readonly http: StoreHttp;
  readonly clock: Clock;
  readonly random: Random;
  readonly retry?: RetryPolicy | undefined;
}

/**
 * Sends a request until it gets an answer worth reading: network failures, 429 and 5xx are
 * retried with the one retry policy (`decideRetry`), and the request is built anew for each
 * attempt, so it is signed with fresh credentials and a fresh date. The last answer comes back
 * whatever its status; the last network failure is thrown.
 */
export async function sendToStore(
  context: StoreRequestContext,
  what: string,
  build: () => Promise<StoreRequest>,
  signal: AbortSignal,
  isTransient: (response: StoreResponse) => boolean = (response) =>
    response.status === 429 || response.status >= 500,
): Promise<StoreResponse> {
  return await retryStore(context, what, build, signal, {
    send: (request) => context.http.send(request),
    isTransient,
    release: async () => undefined,
  });
}

/**
 * `sendToStore` for a GET whose body is streamed: on 200 the object's bytes, for the caller to
 * read (an answer retried is released first); undefined on 404; otherwise `fail`'s error, made
 * from the answer with its body (at most 64 KiB of it) as text. A body that breaks mid-way (a
 * reset, a silence past the request timeout) is resumed from the byte reached, the same object
 * (resumed-read.ts), as often as the retry policy lets a network failure be retried. `build`
 * adds the headers it is given (the Range and If-Match of a resumption) to the request it signs.
 */
export async function readFromStore(
  context: StoreRequestContext,
  what: string,
  build: (headers: Readonly<Record<string, string>>) => Promise<StoreRequest>,
  signal: AbortSignal,
  fail: (answer: StoreResponse) => Error,
): Promise<ObjectRead | undefined> {
  const stream = context.http.stream;
  if (stream === undefined) throw new RangeError('this StoreHttp cannot stream an object');
  const send = (request: StoreRequest) => stream.call(context.http, request);
  const response = await retryStore(context, what, () => build({}), signal, {
    send,
    isTransient: (answer) => answer.status === 429 || answer.status >= 500,
    release: (answer) => answer.cancel(),
  });
  if (response.status === 200) {
    const length = Number(response.headers['content-length']);
    let current: DownloadResponse = response;
    const progress = { reached: 0, etag: response.headers.etag };
    const { clock } = context;
    const startedAt = clock.now();
    async function* body(): AsyncGenerator<Uint8Array> {
      for (let breaks = 1; ; breaks += 1) {
        try {
          for await (const chunk of current.body) {
            progress.reached += chunk.byteLength;
            yield chunk;
          }
          return;
        } catch (thrown) {
          if (signal.aborted || !(thrown instanceof TransportError)) throw thrown;
          const headers = resumeHeaders(progress);
          const decision = decideRetry({
            failure: transportFailure(thrown.code),
            attempt: breaks,
            elapsedMs: clock.now() - startedAt,
            nowMs: clock.now(),
            policy: context.retry ?? DEFAULT_RETRY_POLICY,
            random: context.random,
          });
          if (headers === undefined || !decision.retry) throw thrown;
          await current.cancel().catch(() => undefined);
          await sleepOrCancel(clock.sleep, decision.delayMs, signal, what);
          const answer = await retryStore(context, what, () => build(headers), signal, {
            send,
            isTransient: (rest) => {
              const verdict = judgeResumedAnswer(progress, rest);
              return !verdict.ok && verdict.transient;
            },
            release: (rest) => rest.cancel(),
          });
          const verdict = judgeResumedAnswer(progress, answer);
          if (!verdict.ok) {
            await answer.cancel().catch(() => undefined);
            const where = `${what} (resumed at byte ${progress.reached}: ${verdict.problem})`;
            throw new TransportError(where, undefined, {
              cause: thrown,
              hint: 'Nothing was compared. Run the comparison again.',
            });
          }
          current = answer;
        }
      }
    }
    return {
      bytes: Number.isSafeInteger(length) && length >= 0 ? length : undefined,
      body: body(),
      cancel: () => current.cancel(),
    };
  }
  const body = await readErrorBody(response);
  if (response.status === 404) return undefined;
  throw fail({ status: response.status, headers: response.headers, body });
}

/** How a store's listing answers are read: their root element, key element and next cursor. */
export interface ListingFormat {
  readonly store: string;
  readonly operation: string;
  readonly root: string;
  readonly key: string;
  /** The cursor of the next page, or undefined at the end. */
  next(body: string): string | undefined;
}

/**
 * A listing read page by page, `pageKeys` at a time (answers are read up to 64 KiB: a page must
 * fit), until the end or past `limit`. `page` sends one request, its answer already checked.
 */
export async function listPages(
  format: ListingFormat,
  location: string,
  limit: number,
  pageKeys: number,
  page: (max: number, cursor: string | undefined) => Promise<StoreResponse>,
): Promise<ListedKeys> {
  const keys: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const response = await page(Math.min(pageKeys, limit + 1 - keys.length), cursor);
    if (!response.body.trimEnd().endsWith(`</${format.root}>`)) {
      throw unusableAnswer(
        format.store,
        format.operation,
        location,
        response.status,
        'it is not a whole listing',
      );
    }
    keys.push(...xmlTexts(response.body, format.key));
    if (keys.length > limit) return { keys: keys.slice(0, limit), truncated: true };
    cursor = format.next(response.body);
    if (cursor === undefined || cursor === '') return { keys, truncated: false };
  }
}

const MAX_ERROR_BODY_BYTES = 64 * 1024;

async function readErrorBody(response: DownloadResponse): Promise<string> {
  const pieces: Uint8Array[] = [];
  let length = 0;
  try {
    for await (const chunk of response.body) {
      pieces.push(chunk);
      length += chunk.byteLength;
      if (length >= MAX_ERROR_BODY_BYTES) break;
    }
  } finally {
    await response.cancel().catch(() => undefined);
  }
  const bytes = new Uint8Array(Math.min(length, MAX_ERROR_BODY_BYTES));
  let at = 0;
  for (const piece of pieces) {
    const part = piece.subarray(0, bytes.length - at);
    bytes.set(part, at);
    at += part.length;
  }
  return new TextDecoder().decode(bytes);
}

async function retryStore<R extends Pick<StoreResponse, 'status' | 'headers'>>(
  context: StoreRequestContext,
  what: string,
  build: () => Promise<StoreRequest>,
  signal: AbortSignal,
  how: {
    readonly send: (request: StoreRequest) => Promise<R>;
    readonly isTransient: (response: R) => boolean;
    readonly release: (response: R) => Promise<void>;
  },
): Promise<R> {
  const { clock } = context;
  const policy = context.retry ?? DEFAULT_RETRY_POLICY;
  const startedAt = clock.now();
  for (let attempt = 1; ; attempt += 1) {
    let failure: Parameters<typeof decideRetry>[0]['failure'];
    let response: R | undefined;
    let error: TransportError | undefined;
    try {
      response = await how.send(await build());
      if (!how.isTransient(response)) return response;
      failure = {
        type: 'status',
        status: response.status >= 500 || response.status === 429 ? response.status : 500,
        retryAfter: response.headers['retry-after'],
      };
    } catch (thrown) {
      if (signal.aborted || !(thrown instanceof TransportError)) throw thrown;
      error = thrown;
      failure = transportFailure(thrown.code);
    }
    const decision = decideRetry({
      failure,
      attempt,
      elapsedMs: clock.now() - startedAt,
      nowMs: clock.now(),
      policy,
      random: context.random,
    });
    if (!decision.retry) {
      if (response !== undefined) return response;
      throw error;
    }
    if (response !== undefined) await how.release(response);
    await sleepOrCancel(clock.sleep, decision.delayMs, signal, what);
  }
}

/**
 * A version id as a store sent it (`x-amz-version-id`, `x-ms-version-id`), printable and bounded,
 * or undefined: an id we could not print safely is left out rather than reported wrong.
 */
export function checkedVersionId(version: string | undefined): string | undefined {
  if (version === undefined || version === 'null') return undefined;
  return /^[\x21-\x7e]{1,1024}$/.test(version) ? version : undefined;
}
