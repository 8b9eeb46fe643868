import { asCancelled, sleepOrCancel, throwIfAborted } from './abort.js';
import type { RunDeadline } from './deadline.js';
import {
  AsanaApiError,
  AsanaExportError,
  ExportFailedError,
  ExportTimeoutError,
  type TimeoutPhase,
  TransportError,
} from './errors.js';
import type { DebugListener, ProgressListener } from './events.js';
import { formatDuration } from './format.js';
import type { ExportKind } from './kinds.js';
import { describeExport } from './labels.js';
import type { ExportRequest } from './params.js';
import { DEFAULT_POLL_POLICY, delayWithinTimeout, type PollPolicy } from './polling.js';
import type { ApiRequest, ApiResponse, ApiTransport, Clock, Random } from './ports.js';
import { buildCreateRequest, buildStatusRequest, type ExportRef } from './requests.js';
import { type ExportStatus, parseApiError, parseExportStatus, readingLabel } from './responses.js';
import {
  type AttemptFailure,
  DEFAULT_RETRY_POLICY,
  decideRetry,
  type RetryPolicy,
  transportFailure,
} from './retry.js';
import { whoMayExport } from './who-may-export.js';
import { UNCLEAR_403_WAITS } from './workspace-busy.js';

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
   * the time `create` spent waiting for the workspace. Defaults to now. Ignored with `deadline`.
   */
  readonly startedAt?: number;
  /** The run's time limit: waits, retries and requests all end by it. */
  readonly deadline?: RunDeadline;
}

export interface CreateOptions {
  /**
   * How to wait while another resource export of the same workspace runs (Asana refuses a second
   * one with 403); its `timeoutMs` bounds that wait unless `deadline` is given. Default
   * `DEFAULT_POLL_POLICY`.
   */
  readonly poll?: PollPolicy;
  readonly deadline?: RunDeadline;
}

export interface StatusOptions {
  readonly deadline?: RunDeadline;
  /** What the run was doing, for the timeout's message. Default `waiting`. */
  readonly phase?: TimeoutPhase;
  /** The state Asana last reported, for a timeout before this answer comes: its last word. */
  readonly lastState?: string | undefined;
}

/** Whether a failed attempt may be sent again. */
type RetryRule = (failure: AttemptFailure, error: AsanaExportError) => boolean;

/** How one request is sent: who may be retried, how the answer is read, what a timeout says. */
interface Exchange<T> {
  readonly signal: AbortSignal;
  readonly deadline: RunDeadline | undefined;
  readonly mayRetry: RetryRule;
  /** Reads a 2xx answer; an `unreadable-response` error is retried like a 5xx. */
  readonly read: (response: ApiResponse) => T;
  readonly timedOut: (refusedWait?: { what: string; delayMs: number }) => ExportTimeoutError;
}

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

/** A 5xx, a garbled answer, or a connection lost after the request left: Asana may have acted. */
function mayHaveReachedAsana(failure: AttemptFailure, error: AsanaExportError): boolean {
  if (failure.type === 'status') return failure.status >= 500;
  if (failure.type === 'garbled') return true;
  // TLS refuses the certificate before a byte of the request is sent.
  if (failure.type === 'certificate') return false;
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
 *   export is costly, so an ambiguous failure (5xx, a garbled answer, a reset after sending) is
 *   not retried.
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
    const { deadline } = options;
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
    const timedOut = (refusedWait?: { what: string; delayMs: number }) =>
      new ExportTimeoutError({
        kind: request.kind,
        gid: undefined,
        rawState: undefined,
        phase: 'creating',
        elapsedMs: deadline ? deadline.elapsedMs() : clock.now() - startedAt,
        timeoutMs: deadline ? deadline.timeoutMs : policy.timeoutMs,
        ...(refusedWait ? { refusedWait } : {}),
      });

    for (let waitIndex = 0; ; waitIndex++) {
      try {
        return await this.#send(apiRequest, {
          signal: deadline?.signal ?? signal,
          deadline,
          mayRetry: trackingRule,
          timedOut,
          read: (response) => {
            const status = parseExportStatus(request.kind, apiRequest, response);
            onProgress?.({
              type: 'created',
              kind: status.kind,
              gid: status.gid,
              rawState: status.rawState,
            });
            return status;
          },
        });
      } catch (error) {
        if (!(error instanceof AsanaExportError)) throw error;
        const waitedMs = clock.now() - startedAt;
        // Asana runs one resource export per workspace and refuses another with 403. That 403
        // started nothing, so asking again later is safe, unless our own lost attempt may be the
        // export that holds the workspace: waiting for it would then start a second one.
        const reading = error instanceof AsanaApiError ? error.reading?.reading : undefined;
        const waitable =
          !fateUnknown &&
          (reading === 'busy' || (reading === 'unclear' && waitIndex < UNCLEAR_403_WAITS));
        const delayMs = waitable
          ? deadline
            ? delayWithinTimeout(
                waitIndex,
                0,
                { ...policy, timeoutMs: deadline.remainingMs() },
                random,
              )
            : delayWithinTimeout(waitIndex, waitedMs, policy, random)
          : undefined;
        const explained = () =>
          explainFailedCreate(request, error, {
            fateUnknown,
            waitedMs: clock.now() - startedAt,
            waits: waitIndex,
          });
        if (delayMs === undefined) throw explained();
        onProgress?.({
          type: 'retrying',
          what: `${apiRequest.method} ${apiRequest.path}`,
          attempt: waitIndex + 1,
          delayMs,
          reason:
            reading === 'busy'
              ? 'another export of this workspace is running (403)'
              : 'refused with 403, perhaps because another export of this workspace is running',
        });
        try {
          await sleepOrCancel(
            clock.sleep,
            delayMs,
            deadline?.signal ?? signal,
            'Waiting for another export of this workspace',
          );
        } catch (sleepError) {
          // Time ran out while the workspace was busy: its refusal is the answer.
          if (deadline?.reached) throw explained();
          throw sleepError;
        }
        if (deadline !== undefined && deadline.remainingMs() <= 0) throw explained();
      }
    }
  }

  /** Reads the current status once (with retries for transient failures). */
  async status(
    ref: ExportRef,
    signal: AbortSignal,
    options: StatusOptions = {},
  ): Promise<ExportStatus> {
    const { deadline } = options;
    const apiRequest = buildStatusRequest(ref);
    return await this.#send(apiRequest, {
      signal: deadline?.signal ?? signal,
      deadline,
      mayRetry: readsAreRetryable,
      read: (response) => parseExportStatus(ref.kind, apiRequest, response, ref.gid),
      timedOut: (refusedWait) =>
        new ExportTimeoutError({
          kind: ref.kind,
          gid: ref.gid,
          rawState: options.lastState,
          phase: options.phase ?? 'waiting',
          elapsedMs: deadline?.elapsedMs() ?? 0,
          timeoutMs: deadline?.timeoutMs ?? 0,
          ...(refusedWait ? { refusedWait } : {}),
        }),
    });
  }

  /**
   * Polls until the export is done, starting fast and backing off to the policy's cap.
   * Resolves with the final status; throws `ExportFailedError` when Asana reports failure,
   * `ExportTimeoutError` when the time limit runs out, `CancelledError` on abort.
   */
  async waitUntilDone(ref: ExportRef, options: WaitOptions): Promise<ExportStatus> {
    const { clock, random, onProgress } = this.#options;
    const policy = options.poll ?? DEFAULT_POLL_POLICY;
    const { deadline } = options;
    const what = describeExport(ref.kind, ref.gid);
    const startedAt = clock.now();
    const limitStartedAt = deadline?.startedAt ?? options.startedAt ?? startedAt;
    const timeoutMs = deadline?.timeoutMs ?? policy.timeoutMs;
    const signal = deadline?.signal ?? options.signal;
    let status = options.initial;
    const timedOut = () =>
      new ExportTimeoutError({
        kind: ref.kind,
        gid: ref.gid,
        rawState: status?.rawState,
        phase: 'waiting',
        elapsedMs: clock.now() - limitStartedAt,
        timeoutMs,
      });

    try {
      status ??= await this.status(ref, signal, deadline ? { deadline } : {});
      for (let pollIndex = 0; ; pollIndex++) {
        const current: ExportStatus = status;
        const elapsedMs = clock.now() - startedAt;
        const report = (nextPollInMs: number | undefined) =>
          onProgress?.({
            type: 'waiting',
            kind: ref.kind,
            gid: ref.gid,
            rawState: current.rawState,
            outcome: current.outcome,
            elapsedMs,
            nextPollInMs,
          });

        if (current.outcome === 'done') {
          report(undefined);
          return current;
        }
        if (current.outcome === 'failed') {
          report(undefined);
          throw new ExportFailedError(what, ref.gid, current.rawState);
        }
        const delayMs = delayWithinTimeout(
          pollIndex,
          clock.now() - limitStartedAt,
          { ...policy, timeoutMs },
          random,
        );
        if (delayMs === undefined) throw timedOut();
        report(delayMs);
        await sleepOrCancel(clock.sleep, delayMs, signal, `Waiting for ${what}`);
        status = await this.status(ref, signal, {
          ...(deadline ? { deadline } : {}),
          lastState: current.rawState,
        });
      }
    } catch (error) {
      if (deadline?.reached && !(error instanceof ExportTimeoutError)) throw timedOut();
      throw error;
    }
  }

  async #send<T>(request: ApiRequest, exchange: Exchange<T>): Promise<T> {
    const { transport, clock, random, onDebug, onProgress } = this.#options;
    const { signal, deadline } = exchange;
    const what = `${request.method} ${request.path}`;
    const startedAt = clock.now();

    for (let attempt = 1; ; attempt++) {
      let failure: AttemptFailure;
      let error: AsanaExportError;
      try {
        throwIfAborted(signal, what);
        const response = await transport.send(request, signal);
        onDebug?.({ message: `${what} → ${response.status} (attempt ${attempt})` });
        if (response.status < 400) return exchange.read(response);
        error = parseApiError(request, response);
        failure = {
          type: 'status',
          status: response.status,
          retryAfter: response.headers['retry-after'],
        };
      } catch (thrown) {
        if (deadline?.reached) throw exchange.timedOut();
        if (signal.aborted) throw asCancelled(signal, what, thrown);
        if (thrown instanceof AsanaApiError && thrown.reason === 'unreadable-response') {
          onDebug?.({ message: `${what} → an unreadable answer (attempt ${attempt})` });
          error = thrown;
          failure = { type: 'garbled' };
        } else if (thrown instanceof TransportError) {
          onDebug?.({ message: `${what} → ${thrown.message} (attempt ${attempt})` });
          error = thrown;
          failure = transportFailure(thrown.code);
        } else {
          throw thrown;
        }
      }

      if (!exchange.mayRetry(failure, error)) throw error;
      const now = clock.now();
      const decision = decideRetry({
        failure,
        attempt,
        elapsedMs: now - startedAt,
        nowMs: now,
        policy: this.#retry,
        random,
        remainingMs: deadline?.remainingMs(),
      });
      if (!decision.retry) {
        if (decision.because !== 'deadline') throw error;
        throw exchange.timedOut(
          decision.serverAsked ? { what: `Asana (${what})`, delayMs: decision.delayMs } : undefined,
        );
      }
      onProgress?.({
        type: 'retrying',
        what,
        attempt,
        delayMs: decision.delayMs,
        reason: describeFailure(failure, error),
      });
      try {
        await sleepOrCancel(clock.sleep, decision.delayMs, signal, what);
      } catch (sleepError) {
        if (deadline?.reached) throw exchange.timedOut();
        throw sleepError;
      }
    }
  }
}

function describeFailure(failure: AttemptFailure, error: AsanaExportError): string {
  switch (failure.type) {
    case 'network':
    case 'certificate':
      return error.message;
    case 'garbled':
      return 'an answer that is not JSON';
    case 'status':
      return failure.status === 429 ? 'rate limited (429)' : `HTTP ${failure.status}`;
  }
}

/** The create's error with what only `create` knows added to its hint. */
function explainFailedCreate(
  request: ExportRequest,
  error: AsanaExportError,
  facts: { fateUnknown: boolean; waitedMs: number; waits: number },
): AsanaExportError {
  const apiError = error instanceof AsanaApiError ? error : undefined;
  const reading = apiError?.reading;
  if (request.kind === 'resource' && apiError && reading) {
    if (facts.fateUnknown && reading.reading !== 'forbidden') {
      return apiError.withHint(
        [
          'An earlier attempt of this request got no usable answer and may itself have started this export;',
          'Asana does not return the running job, so wait for it to finish (or find its job gid) before starting another.',
          `(Read as ${readingLabel(reading)}: ${reading.because}.)`,
        ].join(' '),
      );
    }
    if (reading.reading === 'busy') {
      return apiError.withHint(
        [
          `Another export of workspace ${request.workspace} kept running for the whole ${formatDuration(facts.waitedMs)} this run waited;`,
          'Asana runs one resource export per workspace at a time.',
          'Raise the timeout to wait longer, or run again once that export has finished.',
          `(Read as ${readingLabel(reading)}: ${reading.because}.)`,
        ].join(' '),
      );
    }
    if (reading.reading === 'unclear') {
      return apiError.withHint(
        [
          `Read as not permitted after ${facts.waits + 1} refusals over ${formatDuration(facts.waitedMs)}: ${reading.because}.`,
          whoMayExport('resource'),
          'If another export of this workspace is running, run again once it has finished.',
        ].join(' '),
      );
    }
    return apiError;
  }
  const ambiguous =
    error instanceof TransportError
      ? mayHaveReachedAsana({ type: 'network' }, error)
      : apiError?.reason === 'server-error' || apiError?.reason === 'unreadable-response';
  if (request.kind === 'organization' && ambiguous) {
    const hint = [
      'The request may have reached Asana and started an export; it was not retried so as not to start a second one.',
      "Check the organization's exports in Asana's admin console before trying again.",
    ].join(' ');
    if (error instanceof TransportError) return error.withHint(hint);
    if (apiError) return apiError.withHint(hint);
  }
  return error;
}
