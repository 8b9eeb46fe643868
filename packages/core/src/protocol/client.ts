import { asCancelled, sleepOrCancel, throwIfAborted } from './abort.js';
import {
  AsanaApiError,
  AsanaExportError,
  ExportFailedError,
  ExportTimeoutError,
  TransportError,
} from './errors.js';
import type { DebugListener, ProgressListener } from './events.js';
import type { ExportKind } from './kinds.js';
import { describeExport } from './labels.js';
import type { ExportRequest } from './params.js';
import {
  DEFAULT_POLL_POLICY,
  delayWithinTimeout,
  formatDuration,
  type PollPolicy,
} from './polling.js';
import type { ApiRequest, ApiResponse, ApiTransport, Clock, Random } from './ports.js';
import { buildCreateRequest, buildStatusRequest, type ExportRef } from './requests.js';
import { type ExportStatus, parseApiError, parseExportStatus } from './responses.js';
import {
  type AttemptFailure,
  DEFAULT_RETRY_POLICY,
  decideRetry,
  type RetryPolicy,
} from './retry.js';

export interface ExportClientOptions {
  readonly transport: ApiTransport;
  readonly clock: Clock;
  /** Source of jitter; `Math.random` in production, a fixed sequence in tests. */
  readonly random: Random;
  readonly retry?: RetryPolicy;
  readonly onProgress?: ProgressListener;
  readonly onDebug?: DebugListener;
}

export interface WaitOptions {
  readonly signal: AbortSignal;
  readonly poll?: PollPolicy;
  /** A status already in hand (from `create`), so the first wait does not re-request it. */
  readonly initial?: ExportStatus;
  /**
   * When the time limit began (clock ms), if before this call: a run's one timeout also covers
   * the time `create` spent waiting for the workspace. Defaults to now.
   */
  readonly startedAt?: number;
}

export interface CreateOptions {
  /**
   * How to wait while another resource export of the same workspace runs (Asana refuses a second
   * one with 403); its `timeoutMs` bounds that wait. Default `DEFAULT_POLL_POLICY`.
   */
  readonly poll?: PollPolicy;
}

/** Whether a failed attempt may be sent again. */
type RetryRule = (failure: AttemptFailure, error: AsanaExportError) => boolean;

/**
 * Connection errors raised before a single byte of the request left this machine. Only these
 * prove that Asana never saw the request.
 */
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const readsAreRetryable: RetryRule = () => true;

/** A 5xx, or a connection lost after the request may have left: Asana may have acted on it. */
function mayHaveReachedAsana(failure: AttemptFailure, error: AsanaExportError): boolean {
  if (failure.type === 'status') return failure.status >= 500;
  return !(error instanceof TransportError && error.code && NOT_SENT_CODES.has(error.code));
}

/**
 * Creating an export is not idempotent in general, so a failed create is retried only where a
 * second attempt cannot start a second export:
 * - 429: Asana refuses rate-limited requests before acting on them, so nothing was started.
 * - a connection that never opened: Asana never saw the request.
 * - graph exports: Asana answers a repeat request for the same parent with the same job while it
 *   runs, so a retry after a lost answer finds the job the first attempt started.
 * - resource exports: one export runs per workspace, so a duplicate is refused with 403; a retry
 *   is safe, and `create` explains that 403 when an earlier attempt's fate is unknown (and
 *   otherwise waits for the workspace to be free).
 * - organization exports: nothing documented stops a duplicate, and a second whole-organization
 *   export is costly, so an ambiguous failure (5xx, reset after sending) is not retried.
 */
function createRetryRule(kind: ExportKind): RetryRule {
  return (failure, error) => {
    if (failure.type === 'status' && failure.status === 429) return true;
    if (error instanceof TransportError && error.code && NOT_SENT_CODES.has(error.code)) {
      return true;
    }
    return kind !== 'organization';
  };
}

/**
 * The Asana export client: create, read the status of, and wait for any of the three kinds of
 * export. It owns the retry and polling loops but performs no I/O itself: requests go through the
 * injected transport and every wait through the injected clock.
 */
export class ExportClient {
  readonly #options: ExportClientOptions;
  readonly #retry: RetryPolicy;

  constructor(options: ExportClientOptions) {
    this.#options = options;
    this.#retry = options.retry ?? DEFAULT_RETRY_POLICY;
  }

  /**
   * Starts an export. Validate the request first with `validateExportRequest`. While another
   * resource export of the same workspace runs, waits for it (as polling does) and asks again.
   */
  async create(
    request: ExportRequest,
    signal: AbortSignal,
    options: CreateOptions = {},
  ): Promise<ExportStatus> {
    const { clock, random, onProgress } = this.#options;
    const policy = options.poll ?? DEFAULT_POLL_POLICY;
    const apiRequest = buildCreateRequest(request);
    const rule = createRetryRule(request.kind);
    // Set once an attempt failed in a way that leaves open whether Asana acted on it.
    let fateUnknown = false;
    const trackingRule: RetryRule = (failure, error) => {
      const allowed = rule(failure, error);
      if (allowed && mayHaveReachedAsana(failure, error)) fateUnknown = true;
      return allowed;
    };
    const startedAt = clock.now();

    for (let waitIndex = 0; ; waitIndex++) {
      let response: ApiResponse;
      try {
        response = await this.#send(apiRequest, signal, trackingRule);
      } catch (error) {
        if (!(error instanceof AsanaExportError)) throw error;
        const waitedMs = clock.now() - startedAt;
        // Asana runs one resource export per workspace and refuses another with 403. That 403
        // started nothing, so asking again later is safe, unless our own lost attempt may be the
        // export that holds the workspace: waiting for it would then start a second one.
        const workspaceBusy =
          request.kind === 'resource' &&
          error instanceof AsanaApiError &&
          error.reason === 'export-in-progress';
        const delayMs =
          workspaceBusy && !fateUnknown
            ? delayWithinTimeout(waitIndex, waitedMs, policy, random)
            : undefined;
        if (delayMs === undefined) {
          explainFailedCreate(request, error, fateUnknown, waitedMs);
          throw error;
        }
        onProgress?.({
          type: 'retrying',
          what: `${apiRequest.method} ${apiRequest.path}`,
          attempt: waitIndex + 1,
          delayMs,
          reason: 'another export of this workspace is running (403)',
        });
        await sleepOrCancel(
          clock.sleep,
          delayMs,
          signal,
          'Waiting for another export of this workspace',
        );
        continue;
      }
      const status = parseExportStatus(request.kind, apiRequest, response);
      onProgress?.({
        type: 'created',
        kind: status.kind,
        gid: status.gid,
        rawState: status.rawState,
      });
      return status;
    }
  }

  /** Reads the current status once (with retries for transient failures). */
  async status(ref: ExportRef, signal: AbortSignal): Promise<ExportStatus> {
    const apiRequest = buildStatusRequest(ref);
    const response = await this.#send(apiRequest, signal, readsAreRetryable);
    return parseExportStatus(ref.kind, apiRequest, response);
  }

  /**
   * Polls until the export is done, starting fast and backing off to the policy's cap.
   * Resolves with the final status; throws `ExportFailedError` when Asana reports failure,
   * `ExportTimeoutError` when the policy's timeout runs out, `CancelledError` on abort.
   */
  async waitUntilDone(ref: ExportRef, options: WaitOptions): Promise<ExportStatus> {
    const { clock, random, onProgress } = this.#options;
    const policy = options.poll ?? DEFAULT_POLL_POLICY;
    const what = describeExport(ref.kind, ref.gid);
    const startedAt = clock.now();
    const limitStartedAt = options.startedAt ?? startedAt;
    let status = options.initial ?? (await this.status(ref, options.signal));

    for (let pollIndex = 0; ; pollIndex++) {
      const elapsedMs = clock.now() - startedAt;
      const report = (nextPollInMs: number | undefined) =>
        onProgress?.({
          type: 'waiting',
          kind: ref.kind,
          gid: ref.gid,
          rawState: status.rawState,
          outcome: status.outcome,
          elapsedMs,
          nextPollInMs,
        });

      if (status.outcome === 'done') {
        report(undefined);
        return status;
      }
      if (status.outcome === 'failed') {
        report(undefined);
        throw new ExportFailedError(what, ref.gid, status.rawState);
      }
      const limitElapsedMs = clock.now() - limitStartedAt;
      const delayMs = delayWithinTimeout(pollIndex, limitElapsedMs, policy, random);
      if (delayMs === undefined) {
        throw new ExportTimeoutError(ref.gid, status.rawState, limitElapsedMs);
      }
      report(delayMs);
      await sleepOrCancel(clock.sleep, delayMs, options.signal, `Waiting for ${what}`);
      status = await this.status(ref, options.signal);
    }
  }

  async #send(request: ApiRequest, signal: AbortSignal, mayRetry: RetryRule): Promise<ApiResponse> {
    const { transport, clock, random, onDebug, onProgress } = this.#options;
    const what = `${request.method} ${request.path}`;
    const startedAt = clock.now();

    for (let attempt = 1; ; attempt++) {
      throwIfAborted(signal, what);
      let failure: AttemptFailure;
      let error: AsanaExportError;
      try {
        const response = await transport.send(request, signal);
        onDebug?.({ message: `${what} → ${response.status} (attempt ${attempt})` });
        if (response.status < 400) return response;
        error = parseApiError(request, response);
        failure = {
          type: 'status',
          status: response.status,
          retryAfter: response.headers['retry-after'],
        };
      } catch (thrown) {
        if (signal.aborted) throw asCancelled(signal, what, thrown);
        if (!(thrown instanceof TransportError)) throw thrown;
        onDebug?.({ message: `${what} → ${thrown.message} (attempt ${attempt})` });
        error = thrown;
        failure = { type: 'network' };
      }

      if (!mayRetry(failure, error)) throw error;
      const now = clock.now();
      const decision = decideRetry({
        failure,
        attempt,
        elapsedMs: now - startedAt,
        nowMs: now,
        policy: this.#retry,
        random,
      });
      if (!decision.retry) throw error;
      onProgress?.({
        type: 'retrying',
        what,
        attempt,
        delayMs: decision.delayMs,
        reason: describeFailure(failure, error),
      });
      await sleepOrCancel(clock.sleep, decision.delayMs, signal, what);
    }
  }
}

function describeFailure(failure: AttemptFailure, error: AsanaExportError): string {
  if (failure.type === 'network') return error.message;
  return failure.status === 429 ? 'rate limited (429)' : `HTTP ${failure.status}`;
}

/** Adds what only `create` knows to the error's hint. */
function explainFailedCreate(
  request: ExportRequest,
  error: AsanaExportError,
  fateUnknown: boolean,
  waitedMs: number,
) {
  const apiError = error instanceof AsanaApiError ? error : undefined;
  if (request.kind === 'resource' && apiError?.reason === 'export-in-progress') {
    error.hint = fateUnknown
      ? [
          'An earlier attempt of this request got no answer and may itself have started this export;',
          'Asana does not return the running job, so wait for it to finish (or find its job gid) before starting another.',
        ].join(' ')
      : [
          `Another export of workspace ${request.workspace} kept running for the whole ${formatDuration(waitedMs)} this run waited;`,
          'Asana runs one resource export per workspace at a time.',
          'Raise the timeout to wait longer, or run again once that export has finished.',
        ].join(' ');
    return;
  }
  const ambiguous =
    error instanceof TransportError
      ? mayHaveReachedAsana({ type: 'network' }, error)
      : apiError?.reason === 'server-error';
  if (request.kind === 'organization' && ambiguous) {
    error.hint = [
      'The request may have reached Asana and started an export; it was not retried so as not to start a second one.',
      "Check the organization's exports in Asana's admin console before trying again.",
    ].join(' ');
  }
}
