import { asCancelled, sleepOrCancel, throwIfAborted } from './abort.js';
import type { ExportClient } from './client.js';
import { AsanaApiError, type AsanaExportError, IntegrityError, TransportError } from './errors.js';
import type { ProgressListener } from './events.js';
import { createSha256 } from './hash.js';
import { describeExport } from './labels.js';
import type { Clock, DownloadResponse, DownloadSink, DownloadSource, Random } from './ports.js';
import type { ExportRef } from './requests.js';
import type { ExportStatus } from './responses.js';
import { DEFAULT_RETRY_POLICY, decideRetry, type RetryPolicy } from './retry.js';

export interface DownloadOptions<Result> {
  readonly client: ExportClient;
  readonly ref: ExportRef;
  readonly source: DownloadSource;
  readonly sink: DownloadSink<Result>;
  readonly clock: Clock;
  readonly random: Random;
  readonly signal: AbortSignal;
  readonly retry?: RetryPolicy;
  /** How many times an expired link may be replaced by a fresh one. */
  readonly maxLinkRefreshes?: number;
  readonly onProgress?: ProgressListener;
}

export interface DownloadResult<Result> {
  readonly bytes: number;
  readonly sha256: string;
  /** The status whose link served the last byte. */
  readonly status: ExportStatus;
  /** What the sink's `commit` produced (for the Node sink: the verified file). */
  readonly sink: Result;
}

/** How many times a download may start over from byte 0. */
const MAX_RESTARTS = 3;

/** The object store's Content-Range, `bytes <first>-<last>/<total>`. */
const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+|\*)$/;

/**
 * Downloads a finished export into a sink, with the guarantees users rely on:
 * - the link is fetched fresh right before downloading, and again when the store says it expired
 *   (403), because presigned links live minutes and must never be stored;
 * - an interrupted transfer resumes with `Range` from the last byte written; a store that ignores
 *   `Range` restarts from zero (the sink is reset, so no byte is written twice);
 * - size and SHA-256 are computed while streaming;
 * - on any failure the sink is discarded, so nothing incomplete is ever committed.
 */
export async function downloadExport<Result>(
  options: DownloadOptions<Result>,
): Promise<DownloadResult<Result>> {
  const { client, ref, source, sink, clock, random, signal, onProgress } = options;
  const retry = options.retry ?? DEFAULT_RETRY_POLICY;
  const maxLinkRefreshes = options.maxLinkRefreshes ?? 3;
  let restarts = 0;
  const what = `Download of ${describeExport(ref.kind, ref.gid)}`;
  const startedAt = clock.now();

  let hash = createSha256();
  let written = 0;
  let totalBytes: number | undefined;
  let linkRefreshes = 0;
  let attempt = 0;
  let failingSince = startedAt;

  // A store that keeps contradicting itself (wrong ranges, more bytes than announced) would
  // otherwise be asked again forever.
  const restartFromZero = async () => {
    restarts++;
    if (restarts > MAX_RESTARTS) {
      throw new IntegrityError(
        `the download host kept sending bytes that contradict its own ranges or length (${MAX_RESTARTS} restarts)`,
      );
    }
    await sink.reset();
    hash = createSha256();
    written = 0;
  };

  try {
    let status = await freshLink(client, ref, signal);
    for (;;) {
      throwIfAborted(signal, what);
      attempt++;
      let failure: AsanaExportError;
      let retryAfter: string | undefined;
      try {
        const response = await source.open(requireUrl(status), { offset: written, signal });
        const { status: code } = response;

        if (code === 403 && linkRefreshes < maxLinkRefreshes) {
          // Object stores answer 403 to an expired presigned link: get a new one and go on.
          await response.cancel();
          linkRefreshes++;
          status = await freshLink(client, ref, signal);
          attempt = 0;
          continue;
        }
        if (code === 200 || code === 206) {
          const range =
            code === 206 ? CONTENT_RANGE.exec(response.headers['content-range'] ?? '') : null;
          if (code === 206 && range?.[1] !== String(written)) {
            // A range we did not ask for: trust nothing and start over.
            await response.cancel();
            await restartFromZero();
            continue;
          }
          if (code === 200 && written > 0) await restartFromZero();
          totalBytes = announcedTotal(response, range);

          for await (const chunk of response.body) {
            hash.update(chunk);
            await sink.write(chunk);
            written += chunk.byteLength;
            // Progress resets the retry budget: only consecutive failures count against it.
            attempt = 0;
            failingSince = clock.now();
            onProgress?.({
              type: 'downloading',
              bytes: written,
              totalBytes,
              elapsedMs: clock.now() - startedAt,
            });
          }
          if (totalBytes === undefined || written === totalBytes) break;
          if (written > totalBytes) {
            await restartFromZero();
            continue;
          }
          failure = new TransportError(
            `${what} ended early at byte ${written} of ${totalBytes}`,
            undefined,
          );
        } else if (code === 416 && written > 0) {
          // The store cannot serve from our offset (the object changed?): start over.
          await response.cancel();
          await restartFromZero();
          continue;
        } else {
          await response.cancel();
          retryAfter = response.headers['retry-after'];
          failure = storeError(code, what, retryAfter);
          if (!isRetryableStatus(code)) throw failure;
        }
      } catch (thrown) {
        if (signal.aborted) throw asCancelled(signal, what, thrown);
        if (!(thrown instanceof TransportError)) throw thrown;
        failure = thrown;
      }

      const now = clock.now();
      const decision = decideRetry({
        failure:
          failure instanceof AsanaApiError
            ? { type: 'status', status: failure.status, retryAfter }
            : { type: 'network' },
        attempt: Math.max(attempt, 1),
        elapsedMs: now - failingSince,
        nowMs: now,
        policy: retry,
        random,
      });
      if (!decision.retry) throw failure;
      onProgress?.({
        type: 'retrying',
        what,
        attempt,
        delayMs: decision.delayMs,
        reason: failure.message,
      });
      await sleepOrCancel(clock.sleep, decision.delayMs, signal, what);
    }

    const committed = await sink.commit();
    return { bytes: written, sha256: hash.digest(), status, sink: committed };
  } catch (error) {
    await sink.discard();
    throw error;
  }
}

/** Re-reads the export for a link minted now; the previous one may already have expired. */
async function freshLink(
  client: ExportClient,
  ref: ExportRef,
  signal: AbortSignal,
): Promise<ExportStatus> {
  const status = await client.status(ref, signal);
  if (status.outcome !== 'done') {
    throw new AsanaApiError({
      status: 200,
      reason: 'unexpected-response',
      method: 'GET',
      path: `/${ref.kind === 'organization' ? 'organization_exports' : 'jobs'}/${ref.gid}`,
      asanaMessage: `${describeExport(ref.kind, ref.gid)} is ${status.rawState}, not finished: there is nothing to download yet`,
      hint: 'Wait for the export to finish (status or run) before downloading it.',
    });
  }
  return status;
}

function requireUrl(status: ExportStatus): string {
  if (status.downloadUrl) return status.downloadUrl;
  throw new AsanaApiError({
    status: 200,
    reason: 'unexpected-response',
    method: 'GET',
    path: `/${status.kind === 'organization' ? 'organization_exports' : 'jobs'}/${status.gid}`,
    asanaMessage: `${describeExport(status.kind, status.gid)} is ${status.rawState} but has no download_url`,
  });
}

function announcedTotal(
  response: DownloadResponse,
  range: RegExpExecArray | null,
): number | undefined {
  if (range?.[3] && range[3] !== '*') return Number(range[3]);
  const length = response.headers['content-length'];
  return length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined;
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status < 600);
}

/** The object store's refusal. Its URL is a secret, so the error names the host role, not it. */
function storeError(status: number, what: string, retryAfter: string | undefined): AsanaApiError {
  return new AsanaApiError({
    status,
    reason:
      status >= 500 ? 'server-error' : status === 429 ? 'rate-limited' : 'unexpected-response',
    method: 'GET',
    path: '(presigned download link)',
    asanaMessage: `${what}: the download host refused the request${retryAfter ? ` (Retry-After: ${retryAfter})` : ''}`,
    hint:
      status === 403
        ? 'The download link kept expiring although a fresh one was fetched each time: check the machine clock and retry.'
        : undefined,
  });
}
