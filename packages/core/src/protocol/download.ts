import { asCancelled, sleepOrCancel } from './abort.js';
import type { ExportClient } from './client.js';
import { RunDeadline } from './deadline.js';
import {
  DEFAULT_DOWNLOAD_POLICY,
  type DownloadAction,
  DownloadPlan,
  type DownloadPolicy,
  KEEP_READING,
} from './download-plan.js';
import { AsanaExportError, TransportError } from './errors.js';
import type { ProgressListener } from './events.js';
import { createSha256 } from './hash.js';
import { describeExport } from './labels.js';
import type { Clock, DownloadResponse, DownloadSink, DownloadSource, Random } from './ports.js';
import type { ExportRef } from './requests.js';
import type { ExportStatus } from './responses.js';
import { keepsPartial } from './resume.js';

export interface DownloadOptions<Result> {
  readonly client: ExportClient;
  readonly ref: ExportRef;
  readonly source: DownloadSource;
  readonly sink: DownloadSink<Result>;
  readonly clock: Clock;
  readonly random: Random;
  readonly signal: AbortSignal;
  readonly policy?: DownloadPolicy;
  /**
   * The run's time limit, when the download is part of a run; otherwise the download has its own,
   * `policy.linkWait.timeoutMs` from now.
   */
  readonly deadline?: RunDeadline;
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

/**
 * Downloads a finished export into a sink. Every decision (which link, which offset, what to
 * retry, when the object changed, when to give up) is `DownloadPlan`'s; this is the short loop
 * that carries them out over the ports and reports back, hashing every byte as it is written.
 * On any failure the sink is discarded, keeping the bytes so far only where a resume can use them.
 */
export async function downloadExport<Result>(
  options: DownloadOptions<Result>,
): Promise<DownloadResult<Result>> {
  const { client, ref, source, sink, clock, onProgress } = options;
  const deadline =
    options.deadline ??
    new RunDeadline({
      clock,
      timeoutMs: (options.policy ?? DEFAULT_DOWNLOAD_POLICY).linkWait.timeoutMs,
      signal: options.signal,
    });
  const plan = new DownloadPlan({
    ref,
    random: options.random,
    canAppend: sink.canAppend,
    deadline,
    ...(options.policy ? { policy: options.policy } : {}),
  });
  const what = `Download of ${describeExport(ref.kind, ref.gid)}`;
  const startedAt = clock.now();
  const { signal } = deadline;
  let hash = createSha256();
  let response: DownloadResponse | undefined;
  const release = async () => {
    const open = response;
    response = undefined;
    await open?.cancel();
  };

  try {
    const kept = await sink.resumable?.();
    if (kept !== undefined) {
      for await (const chunk of kept.replay()) hash.update(chunk);
    }
    let action: DownloadAction = plan.start(clock.now(), kept);
    for (;;) {
      switch (action.type) {
        case 'fetch-link': {
          await release();
          const status = await client.status(ref, signal, { deadline });
          action = plan.observe({ type: 'link', status, now: clock.now() });
          break;
        }
        case 'open': {
          await release();
          try {
            response = await source.open(action.url, {
              offset: action.offset,
              ifRange: action.ifRange,
              idleTimeoutMs: action.idleTimeoutMs,
              signal,
            });
          } catch (error) {
            if (signal.aborted || !(error instanceof TransportError)) throw error;
            action = plan.observe({ type: 'open-failed', error, now: clock.now() });
            break;
          }
          action = plan.observe({
            type: 'head',
            status: response.status,
            headers: response.headers,
            now: clock.now(),
          });
          break;
        }
        case 'read': {
          if (action.resetFirst) {
            await sink.reset();
            hash = createSha256();
          }
          await sink.begin(action.object, action.offset);
          const open = response;
          if (open === undefined) throw new RangeError('read without an open response');
          action = await readBody(open.body, (chunk) => {
            hash.update(chunk);
            return sink.write(chunk);
          });
          // A body read to its end needs no cancelling (a sink may still be taking it in).
          if (action.type === 'commit') response = undefined;
          break;
        }
        case 'continue':
          throw new RangeError('continue outside a body');
        case 'reset':
          await release();
          await sink.reset();
          hash = createSha256();
          onProgress?.({ type: 'retrying', what, attempt: 1, delayMs: 0, reason: action.reason });
          action = plan.observe({ type: 'reset-done', now: clock.now() });
          break;
        case 'wait':
          await release();
          onProgress?.({
            type: 'retrying',
            what,
            attempt: action.attempt,
            delayMs: action.delayMs,
            reason: action.reason,
          });
          await sleepOrCancel(clock.sleep, action.delayMs, signal, what);
          action = plan.observe({ type: 'waited', now: clock.now() });
          break;
        case 'commit': {
          await release();
          const committed = await sink.commit();
          const status = plan.status;
          if (status === undefined) throw new RangeError('commit without a status');
          return { bytes: plan.written, sha256: hash.digest(), status, sink: committed };
        }
        case 'fail':
          throw action.error;
      }
    }
  } catch (thrown) {
    await release().catch(() => {});
    const error = endingOf(thrown);
    await sink.discard(plan.canKeepPartial && keepsPartial(error));
    throw error;
  } finally {
    if (options.deadline === undefined) deadline.dispose();
  }

  /** Reads a body into the sink, chunk by chunk, until the plan wants something else. */
  async function readBody(
    body: AsyncIterable<Uint8Array>,
    write: (chunk: Uint8Array) => Promise<void>,
  ): Promise<DownloadAction> {
    try {
      for await (const chunk of body) {
        await write(chunk);
        const next = plan.observe({ type: 'chunk', bytes: chunk.byteLength, now: clock.now() });
        onProgress?.({
          type: 'downloading',
          bytes: plan.written,
          totalBytes: plan.totalBytes,
          elapsedMs: clock.now() - startedAt,
        });
        if (next !== KEEP_READING) return next;
      }
    } catch (error) {
      if (signal.aborted || !(error instanceof TransportError)) throw error;
      return plan.observe({ type: 'body-failed', error, now: clock.now() });
    }
    return plan.observe({ type: 'body-end', now: clock.now() });
  }

  /** What the run ended with: the limit's own timeout when the deadline passed, not an abort. */
  function endingOf(thrown: unknown): unknown {
    if (
      deadline.reached &&
      !(thrown instanceof AsanaExportError && thrown.category === 'timeout')
    ) {
      return plan.timeout(clock.now());
    }
    if (options.signal.aborted) return asCancelled(options.signal, what, thrown);
    return thrown;
  }
}
