/**
 * Every rule of downloading an export, as one state machine that does no I/O (as h11 does for
 * HTTP): the driver (`download.ts`) reports what happened (a fresh link, a response head, a chunk
 * written, an error, the time) and the plan answers with the next thing to do (open at an offset
 * with a validator, read, start over, wait, commit, fail with a reason). The rules:
 *
 * - Links: fetched fresh right before downloading, and again when the store refuses one (403),
 *   because presigned links live minutes. A finished export without a link yet is waited for.
 * - Redirects (S3 sends 301/307 to a regional endpoint): followed up to `maxRedirects` times,
 *   http(s) only, never from https down to http (`links.ts`).
 * - One object: the first response pins the object (ETag, Last-Modified, total length); a resume
 *   sends `Range` with `If-Range`, and every later response must be that same object. Another
 *   object (it changed, or the store ignored If-Range) means starting over from byte 0 with a
 *   fresh link, so the bytes kept are always one object as the store served it.
 * - A store that contradicts itself (a range it was not asked for, more bytes than it announced)
 *   is also started over from, at most `maxRestarts` times.
 * - Speed: a body that sends less than `minBytesPerSecond` over a `windowMs` window is a broken
 *   transfer (a crawl never ends otherwise), resumed like a reset connection.
 * - Retries (429, 5xx, broken connections and crawls) follow `decideRetry`; only consecutive
 *   failures count, and only real progress (a window at speed, or a mebibyte) resets the count.
 * - Time: nothing waits past the run's deadline; it ends with a timeout that says how far it got.
 */

import {
  type AsanaExportError,
  DownloadHostError,
  ExportFailedError,
  ExportTimeoutError,
  TransportError,
} from './errors.js';
import { normalizeState } from './kinds.js';
import { describeExport } from './labels.js';
import { DEFAULT_STALL_POLICY, type StallPolicy } from './limits.js';
import { checkDownloadLink } from './links.js';
import { DEFAULT_POLL_POLICY, delayWithinTimeout, type PollPolicy } from './polling.js';
import type { ObjectIdentity, Random } from './ports.js';
import type { ExportRef } from './requests.js';
import type { ExportStatus } from './responses.js';
import {
  type AttemptFailure,
  DEFAULT_RETRY_POLICY,
  decideRetry,
  isRetryableStatus,
  type RetryPolicy,
  transportFailure,
} from './retry.js';

export interface DownloadPolicy {
  readonly retry: RetryPolicy;
  /** How many times a link the store refuses (403, expired) may be replaced by a fresh one. */
  readonly maxLinkRefreshes: number;
  /** How many times a download may start over from byte 0. */
  readonly maxRestarts: number;
  /** Redirects followed for one request. */
  readonly maxRedirects: number;
  readonly stall: StallPolicy;
  /** How to wait for a link that is not there yet (an export finished without one, or not done). */
  readonly linkWait: PollPolicy;
}

export const DEFAULT_DOWNLOAD_POLICY: DownloadPolicy = Object.freeze({
  retry: DEFAULT_RETRY_POLICY,
  maxLinkRefreshes: 3,
  maxRestarts: 3,
  maxRedirects: 5,
  stall: DEFAULT_STALL_POLICY,
  linkWait: DEFAULT_POLL_POLICY,
});

/** Bytes in one attempt that count as progress, even before a whole window has passed. */
const PROGRESS_BYTES = 1024 * 1024;

export type DownloadAction =
  /** Read the export's status for a fresh link; report it as `link`. */
  | { readonly type: 'fetch-link' }
  /** Open the link; report the response head as `head`, or a failure to get one as `open-failed`. */
  | {
      readonly type: 'open';
      readonly url: string;
      readonly offset: number;
      readonly ifRange: string | undefined;
      readonly idleTimeoutMs: number;
    }
  /**
   * Read the body of the response just opened (after resetting the sink when `resetFirst`), each
   * chunk written then reported as `chunk`; the end as `body-end`, a failure as `body-failed`.
   */
  | {
      readonly type: 'read';
      readonly resetFirst: boolean;
      readonly object: ObjectIdentity;
      readonly offset: number;
    }
  /** Go on reading the body. */
  | { readonly type: 'continue' }
  /** Drop what was written (the next byte is byte 0 again); report `reset-done`. */
  | { readonly type: 'reset'; readonly reason: string }
  /** Sleep, then report `waited`. */
  | {
      readonly type: 'wait';
      readonly delayMs: number;
      readonly attempt: number;
      readonly reason: string;
    }
  /** Everything arrived: verify and publish. */
  | { readonly type: 'commit' }
  /** Give up (whether the bytes so far are kept is `resume.ts`'s rule). */
  | { readonly type: 'fail'; readonly error: AsanaExportError };

export type DownloadEvent =
  | { readonly type: 'link'; readonly status: ExportStatus; readonly now: number }
  | {
      readonly type: 'head';
      readonly status: number;
      readonly headers: Readonly<Record<string, string | undefined>>;
      readonly now: number;
    }
  | { readonly type: 'open-failed'; readonly error: TransportError; readonly now: number }
  | { readonly type: 'chunk'; readonly bytes: number; readonly now: number }
  | { readonly type: 'body-end'; readonly now: number }
  | { readonly type: 'body-failed'; readonly error: TransportError; readonly now: number }
  | { readonly type: 'reset-done'; readonly now: number }
  | { readonly type: 'waited'; readonly now: number }
  /** The run's deadline passed while the driver was blocked. */
  | { readonly type: 'deadline'; readonly now: number };

/** The answer to a chunk when nothing changes. */
export const KEEP_READING: DownloadAction = Object.freeze({ type: 'continue' });

export interface DownloadPlanOptions {
  readonly ref: ExportRef;
  readonly policy?: DownloadPolicy;
  readonly random: Random;
  /** Whether the sink can append after an interruption; if not, every attempt starts at 0. */
  readonly canAppend: boolean;
  /** The run's deadline (clock ms) and the limit it comes from, for the timeout's message. */
  readonly deadline: { readonly startedAt: number; readonly timeoutMs: number };
}

/** The object store's Content-Range, `bytes <first>-<last>/<total>`. */
const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+|\*)$/;
const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

export class DownloadPlan {
  readonly #ref: ExportRef;
  readonly #policy: DownloadPolicy;
  readonly #random: Random;
  readonly #canAppend: boolean;
  readonly #deadline: { readonly startedAt: number; readonly timeoutMs: number };
  readonly #what: string;

  #status: ExportStatus | undefined;
  /** The link of the current status, and where the current request chain has been sent. */
  #link: string | undefined;
  #url: URL | undefined;
  #redirects = 0;
  #written = 0;
  #object: ObjectIdentity | undefined;
  #attempt = 0;
  #failingSince = 0;
  #linkRefreshes = 0;
  #linkPolls = 0;
  #restarts = 0;
  #attemptBytes = 0;
  #window = { startedAt: 0, bytes: 0 };
  #afterWait: 'open' | 'fetch-link' = 'open';
  #afterReset: 'open' | 'fetch-link' = 'open';

  constructor(options: DownloadPlanOptions) {
    this.#ref = options.ref;
    this.#policy = options.policy ?? DEFAULT_DOWNLOAD_POLICY;
    this.#random = options.random;
    this.#canAppend = options.canAppend;
    this.#deadline = options.deadline;
    this.#what = `Download of ${describeExport(options.ref.kind, options.ref.gid)}`;
  }

  /** Bytes written so far, and the total the store announced. */
  get written(): number {
    return this.#written;
  }

  get totalBytes(): number | undefined {
    return this.#object?.totalBytes;
  }

  /** The status whose link served the bytes. */
  get status(): ExportStatus | undefined {
    return this.#status;
  }

  /** Whether the bytes so far are an intact prefix of one known object, worth keeping. */
  get canKeepPartial(): boolean {
    return this.#canAppend && this.#written > 0 && this.#object !== undefined;
  }

  /**
   * The first action. `kept`: bytes an earlier run kept for this export (already replayed into
   * the sink and the hash), resumed from if the store still serves the same object.
   */
  start(
    now: number,
    kept?: { readonly bytes: number; readonly object: ObjectIdentity },
  ): DownloadAction {
    this.#failingSince = now;
    if (kept !== undefined && this.#canAppend && kept.bytes > 0) {
      this.#written = kept.bytes;
      this.#object = kept.object;
    }
    return { type: 'fetch-link' };
  }

  observe(event: DownloadEvent): DownloadAction {
    if (event.type === 'deadline' || this.#pastDeadline(event.now))
      return this.#timedOut(event.now);
    switch (event.type) {
      case 'link':
        return this.#onLink(event.status, event.now);
      case 'head':
        return this.#onHead(event.status, event.headers, event.now);
      case 'open-failed':
        return this.#retry(transportFailure(event.error.code), event.error, event.now);
      case 'chunk':
        return this.#onChunk(event.bytes, event.now);
      case 'body-end':
        return this.#onBodyEnd(event.now);
      case 'body-failed':
        return this.#retry(transportFailure(event.error.code), event.error, event.now);
      case 'reset-done':
        return this.#afterReset === 'fetch-link' ? { type: 'fetch-link' } : this.#open();
      case 'waited':
        return this.#afterWait === 'fetch-link' ? { type: 'fetch-link' } : this.#open();
    }
  }

  /** The timeout error for a deadline that passed now. */
  timeout(now: number): ExportTimeoutError {
    return this.#timeoutError(now, undefined);
  }

  // --- Links ------------------------------------------------------------------------------

  #onLink(status: ExportStatus, now: number): DownloadAction {
    this.#status = status;
    if (status.outcome === 'failed') {
      return this.#fail(
        new ExportFailedError(describeExport(status.kind, status.gid), status.gid, status.rawState),
      );
    }
    if (status.outcome === 'waiting' || status.downloadUrl === null) {
      // Not finished, or finished without a link (Asana's description allows it): ask again on
      // the polling schedule, within the deadline.
      const delayMs = delayWithinTimeout(
        this.#linkPolls++,
        0,
        { ...this.#policy.linkWait, timeoutMs: this.#remaining(now) },
        this.#random,
      );
      if (delayMs === undefined) return this.#timedOut(now);
      this.#afterWait = 'fetch-link';
      const finished = normalizeState(status.kind, status.rawState) === 'done';
      return {
        type: 'wait',
        delayMs,
        attempt: this.#linkPolls,
        reason: finished
          ? `${describeExport(status.kind, status.gid)} is ${status.rawState} but has no download link yet`
          : `${describeExport(status.kind, status.gid)} is ${status.rawState}, not finished`,
      };
    }
    this.#linkPolls = 0;
    this.#link = status.downloadUrl;
    return this.#open();
  }

  // --- Opening ----------------------------------------------------------------------------

  /** Opens the current link where the bytes so far end (or at 0 with a sink that cannot append). */
  #open(): DownloadAction {
    if (!this.#canAppend && this.#written > 0) {
      this.#written = 0;
      this.#object = undefined;
      this.#afterReset = 'open';
      return { type: 'reset', reason: 'the store cannot be resumed into this destination' };
    }
    const link = this.#link;
    if (link === undefined) return { type: 'fetch-link' };
    this.#url = new URL(link);
    this.#redirects = 0;
    return this.#request(this.#url);
  }

  #request(url: URL): DownloadAction {
    const offset = this.#written;
    return {
      type: 'open',
      url: url.href,
      offset,
      ifRange: offset > 0 ? ifRangeOf(this.#object) : undefined,
      idleTimeoutMs: this.#policy.stall.windowMs,
    };
  }

  #onHead(
    status: number,
    headers: Readonly<Record<string, string | undefined>>,
    now: number,
  ): DownloadAction {
    if (status === 200 || status === 206) return this.#onContent(status, headers, now);
    if (REDIRECTS.has(status)) return this.#onRedirect(status, headers.location);
    if (status === 403 && this.#linkRefreshes < this.#policy.maxLinkRefreshes) {
      // Object stores answer 403 to an expired presigned link: get a new one and go on.
      this.#linkRefreshes++;
      this.#attempt = 0;
      return { type: 'fetch-link' };
    }
    if (status === 403) {
      return this.#fail(
        new DownloadHostError({
          reason: 'link-expired',
          status,
          problem: `kept refusing the download link (403), ${this.#policy.maxLinkRefreshes} fresh links in a row`,
          hint: 'Presigned links expire minutes after Asana hands them out: check that this machine’s clock is right, then run again.',
        }),
      );
    }
    if ((status === 416 || status === 412) && this.#written > 0) {
      // The store cannot serve from our offset of our object: it is another object now.
      return this.#restart(`the store answered ${status} to a resume at byte ${this.#written}`);
    }
    if (isRetryableStatus(status)) {
      return this.#retry(
        { type: 'status', status, retryAfter: headers['retry-after'] },
        new DownloadHostError({
          reason: status === 429 ? 'rate-limited' : 'server-error',
          status,
          problem: `answered ${status} to the download link${headers['retry-after'] ? ' (with Retry-After)' : ''}`,
        }),
        now,
      );
    }
    return this.#fail(
      new DownloadHostError({
        reason: status === 404 || status === 410 ? 'not-found' : 'refused',
        status,
        problem:
          status === 404 || status === 410
            ? `has no such file (${status}): the export may have expired (Asana keeps files 30 days)`
            : `answered ${status} to the download link`,
      }),
    );
  }

  #onRedirect(status: number, location: string | undefined): DownloadAction {
    const from = this.#url;
    if (location === undefined || location === '' || from === undefined) {
      return this.#fail(
        new DownloadHostError({
          reason: 'redirect',
          status,
          problem: `answered ${status} without saying where to (no Location)`,
        }),
      );
    }
    if (this.#redirects >= this.#policy.maxRedirects) {
      return this.#fail(
        new DownloadHostError({
          reason: 'redirect',
          status,
          problem: `redirected the download more than ${this.#policy.maxRedirects} times`,
        }),
      );
    }
    const verdict = checkDownloadLink(location, from);
    if (!verdict.ok) {
      return this.#fail(
        new DownloadHostError({
          reason: 'bad-link',
          status,
          problem: `redirected the download to a link that ${verdict.problem}: refused`,
        }),
      );
    }
    this.#redirects++;
    this.#url = verdict.url;
    return this.#request(verdict.url);
  }

  #onContent(
    status: number,
    headers: Readonly<Record<string, string | undefined>>,
    now: number,
  ): DownloadAction {
    const range = status === 206 ? CONTENT_RANGE.exec(headers['content-range'] ?? '') : null;
    const served: ObjectIdentity = {
      etag: headers.etag,
      lastModified: headers['last-modified'],
      totalBytes: announcedTotal(status, headers, range),
    };
    let resetFirst = false;
    if (status === 206) {
      if (range?.[1] !== String(this.#written)) {
        return this.#restart('the store sent a range that was not asked for');
      }
      if (this.#object !== undefined && !sameObject(this.#object, served)) {
        // S3 ignores If-Range: a changed object still comes back as 206, with its own validators.
        return this.#restart(
          `the file changed since the download began (${differences(this.#object, served)})`,
        );
      }
    } else if (this.#written > 0) {
      // The store ignored Range, or If-Range told it the object changed: this is the whole
      // object, possibly another one, so everything so far goes.
      if (this.#restarts >= this.#policy.maxRestarts) return this.#unstable();
      this.#restarts++;
      this.#written = 0;
      resetFirst = true;
    }
    this.#object = status === 206 && this.#object ? this.#object : served;
    this.#attemptBytes = 0;
    this.#window = { startedAt: now, bytes: 0 };
    return { type: 'read', resetFirst, object: this.#object, offset: this.#written };
  }

  // --- Reading ----------------------------------------------------------------------------

  #onChunk(bytes: number, now: number): DownloadAction {
    this.#written += bytes;
    this.#attemptBytes += bytes;
    const total = this.#object?.totalBytes;
    if (total !== undefined && this.#written > total) {
      return this.#restart(`the store sent more than the ${total} bytes it announced`);
    }
    if (this.#attemptBytes >= PROGRESS_BYTES) this.#progressed(now);
    const window = this.#window;
    window.bytes += bytes;
    const elapsed = now - window.startedAt;
    if (elapsed >= this.#policy.stall.windowMs) {
      const floor = (this.#policy.stall.minBytesPerSecond * elapsed) / 1000;
      if (window.bytes < floor) return this.#tooSlow(window.bytes, elapsed, now);
      this.#progressed(now);
      this.#window = { startedAt: now, bytes: 0 };
    }
    return KEEP_READING;
  }

  #onBodyEnd(now: number): DownloadAction {
    const total = this.#object?.totalBytes;
    if (total === undefined || this.#written === total) return { type: 'commit' };
    return this.#retry(
      { type: 'network' },
      new TransportError(
        `${this.#what} ended early at byte ${this.#written} of ${total}`,
        undefined,
      ),
      now,
    );
  }

  #tooSlow(bytes: number, elapsedMs: number, now: number): DownloadAction {
    const error = new DownloadHostError({
      reason: 'too-slow',
      problem: `sent ${bytes} bytes in ${Math.round(elapsedMs / 1000)}s, below the minimum of ${this.#policy.stall.minBytesPerSecond} bytes/s`,
      hint: 'A transfer that crawls is treated as broken and resumed. If this network is really that slow, lower the minimum speed or lengthen the stall timeout.',
    });
    return this.#retry({ type: 'network' }, error, now);
  }

  #progressed(now: number): void {
    this.#attempt = 0;
    this.#failingSince = now;
  }

  // --- Retrying, restarting, failing ------------------------------------------------------

  #retry(failure: AttemptFailure, error: AsanaExportError, now: number): DownloadAction {
    if (this.#attempt === 0) this.#failingSince = now;
    this.#attempt++;
    const decision = decideRetry({
      failure,
      attempt: this.#attempt,
      elapsedMs: now - this.#failingSince,
      nowMs: now,
      policy: this.#policy.retry,
      random: this.#random,
      remainingMs: this.#remaining(now),
    });
    if (!decision.retry) {
      if (decision.because === 'deadline') {
        return this.#fail(
          this.#timeoutError(
            now,
            decision.serverAsked
              ? { what: 'the download host', delayMs: decision.delayMs }
              : undefined,
          ),
        );
      }
      return this.#fail(error);
    }
    this.#afterWait = 'open';
    return {
      type: 'wait',
      delayMs: decision.delayMs,
      attempt: this.#attempt,
      reason: error.message,
    };
  }

  /** Everything so far goes: the next bytes come from byte 0 of the object behind a fresh link. */
  #restart(reason: string): DownloadAction {
    if (this.#restarts >= this.#policy.maxRestarts) return this.#unstable();
    this.#restarts++;
    this.#written = 0;
    this.#object = undefined;
    this.#afterReset = 'fetch-link';
    return { type: 'reset', reason: `${reason}; starting over from byte 0` };
  }

  #unstable(): DownloadAction {
    return this.#fail(
      new DownloadHostError({
        reason: 'unstable',
        problem: `kept changing the file or contradicting its own ranges and length (${this.#policy.maxRestarts} restarts)`,
        hint: 'Nothing was kept. Run the download again later; if it persists, report it with the time it happened.',
      }),
    );
  }

  #fail(error: AsanaExportError): DownloadAction {
    return { type: 'fail', error };
  }

  #timedOut(now: number): DownloadAction {
    return this.#fail(this.#timeoutError(now, undefined));
  }

  #timeoutError(
    now: number,
    refusedWait: { what: string; delayMs: number } | undefined,
  ): ExportTimeoutError {
    return new ExportTimeoutError({
      kind: this.#ref.kind,
      gid: this.#ref.gid,
      rawState: this.#status?.rawState,
      phase: 'downloading',
      elapsedMs: now - this.#deadline.startedAt,
      timeoutMs: this.#deadline.timeoutMs,
      downloaded: { bytes: this.#written, totalBytes: this.#object?.totalBytes },
      ...(refusedWait ? { refusedWait } : {}),
    });
  }

  #remaining(now: number): number {
    return this.#deadline.startedAt + this.#deadline.timeoutMs - now;
  }

  #pastDeadline(now: number): boolean {
    return this.#remaining(now) <= 0;
  }
}

/** What `If-Range` may carry: a strong ETag, else a Last-Modified date (RFC 9110 §13.1.5). */
export function ifRangeOf(object: ObjectIdentity | undefined): string | undefined {
  if (object === undefined) return undefined;
  if (object.etag !== undefined && !object.etag.startsWith('W/')) return object.etag;
  return object.lastModified;
}

/** Whether a response describes the same object: every validator both sides have must agree. */
export function sameObject(pinned: ObjectIdentity, served: ObjectIdentity): boolean {
  return differences(pinned, served) === '';
}

function differences(pinned: ObjectIdentity, served: ObjectIdentity): string {
  const changed: string[] = [];
  if (pinned.etag !== undefined && served.etag !== undefined && pinned.etag !== served.etag) {
    changed.push('ETag');
  }
  if (
    pinned.lastModified !== undefined &&
    served.lastModified !== undefined &&
    pinned.lastModified !== served.lastModified
  ) {
    changed.push('Last-Modified');
  }
  if (
    pinned.totalBytes !== undefined &&
    served.totalBytes !== undefined &&
    pinned.totalBytes !== served.totalBytes
  ) {
    changed.push('length');
  }
  return changed.join(', ');
}

function announcedTotal(
  status: number,
  headers: Readonly<Record<string, string | undefined>>,
  range: RegExpExecArray | null,
): number | undefined {
  if (status === 206) return range?.[3] && range[3] !== '*' ? Number(range[3]) : undefined;
  const length = headers['content-length'];
  return length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined;
}
