/**
 * What a destination store offers the object sink: multipart uploads that publish an object only
 * when completed, small whole-object writes for the manifest and `latest.json`, and a probe that
 * proves, before any export is created, that this run may write there. S3 (`s3-store.ts`) and
 * Azure Blob (`azure-store.ts`) implement it over the `StoreHttp` port.
 */
import { sleepOrCancel } from './abort.js';
import { TransportError } from './errors.js';
import type { Clock, Random, StoreHttp, StoreRequest, StoreResponse } from './ports.js';
import { DEFAULT_RETRY_POLICY, decideRetry, type RetryPolicy } from './retry.js';

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
  const { clock } = context;
  const policy = context.retry ?? DEFAULT_RETRY_POLICY;
  const startedAt = clock.now();
  for (let attempt = 1; ; attempt += 1) {
    let failure: Parameters<typeof decideRetry>[0]['failure'];
    let response: StoreResponse | undefined;
    let error: TransportError | undefined;
    try {
      response = await context.http.send(await build());
      if (!isTransient(response)) return response;
      failure = {
        type: 'status',
        status: response.status >= 500 || response.status === 429 ? response.status : 500,
        retryAfter: response.headers['retry-after'],
      };
    } catch (thrown) {
      if (signal.aborted || !(thrown instanceof TransportError)) throw thrown;
      error = thrown;
      failure = { type: 'network' };
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
