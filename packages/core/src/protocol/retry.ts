/**
 * When to try a request again, and after how long. Policy only: the caller measures time,
 * sleeps through the injected Clock and supplies the random source, so every decision here is
 * a pure function and testable without fake timers.
 */

import { InputError } from './errors.js';

export interface RetryPolicy {
  /** Attempts in total, the first one included. */
  maxAttempts: number;
  /** No retry is scheduled that would end later than this after the first attempt began. */
  maxElapsedMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 6,
  maxElapsedMs: 5 * 60_000,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
});

/** 429 and every 5xx, including odd ones such as 598 seen from Asana's edge. */
export const DEFAULT_RETRYABLE_STATUSES: ReadonlySet<number> = new Set([
  429,
  ...Array.from({ length: 100 }, (_, index) => 500 + index),
]);

const DELTA_SECONDS = /^\d+(?:\.\d+)?$/;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** RFC 9110 IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`. */
const IMF_FIXDATE = /^[a-z]{3}, (\d{2}) ([a-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/i;
/** Obsolete RFC 850 form: `Sunday, 06-Nov-94 08:49:37 GMT`. */
const RFC850_DATE = /^[a-z]+, (\d{2})-([a-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/i;
/** Obsolete asctime form, in UTC: `Sun Nov  6 08:49:37 1994`. */
const ASCTIME_DATE = /^[a-z]{3} ([a-z]{3}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/i;
/** Other dates `Date.parse` reads, but only with an explicit zone and a time of day. */
const ZONED_DATE = /\d{1,2}:\d{2}.*(?:GMT|UTC|Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Reads a `Retry-After` header: delta-seconds or an HTTP date, returned as a delay in ms from
 * `nowMs`. A date in the past means "now" (0). Anything unreadable gives undefined, and the
 * caller falls back to its own backoff: Asana's concurrency 429s may carry no usable value.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (DELTA_SECONDS.test(text)) return Math.ceil(Number(text) * 1000);
  const at = parseHttpDate(text, nowMs);
  if (at === undefined) return undefined;
  return Math.max(0, at - nowMs);
}

function parseHttpDate(text: string, nowMs: number): number | undefined {
  const imf = IMF_FIXDATE.exec(text);
  if (imf) return utc(imf[3], imf[2], imf[1], imf[4], imf[5], imf[6]);
  const rfc850 = RFC850_DATE.exec(text);
  if (rfc850) {
    // RFC 9110: a two-digit year more than 50 years ahead is in the past century.
    const nowYear = new Date(nowMs).getUTCFullYear();
    let year = 2000 + Number(rfc850[3]);
    if (year > nowYear + 50) year -= 100;
    return utc(String(year), rfc850[2], rfc850[1], rfc850[4], rfc850[5], rfc850[6]);
  }
  const asctime = ASCTIME_DATE.exec(text);
  if (asctime) return utc(asctime[6], asctime[1], asctime[2], asctime[3], asctime[4], asctime[5]);
  if (!ZONED_DATE.test(text)) return undefined;
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? undefined : parsed;
}

function utc(
  year: string | undefined,
  monthName: string | undefined,
  day: string | undefined,
  hour: string | undefined,
  minute: string | undefined,
  second: string | undefined,
): number | undefined {
  const month = MONTHS.indexOf((monthName ?? '').toLowerCase());
  const parts = [year, day, hour, minute, second].map(Number);
  const [y = Number.NaN, d = Number.NaN, h = Number.NaN, m = Number.NaN, s = Number.NaN] = parts;
  if (month < 0 || d < 1 || d > 31 || h > 23 || m > 59 || s > 60) return undefined;
  const time = Date.UTC(y, month, d, h, m, s);
  return Number.isNaN(time) ? undefined : time;
}

/** "Full jitter" exponential backoff: spreads clients out instead of retrying in lockstep. */
export function backoffDelay(
  retryIndex: number,
  policy: RetryPolicy,
  random: () => number,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retryIndex));
  return random() * ceiling;
}

/** Whether a status may be asked again: 429 and every 5xx. The one rule, for Asana and the store. */
export function isRetryableStatus(status: number): boolean {
  return DEFAULT_RETRYABLE_STATUSES.has(status);
}

export type AttemptFailure =
  | { type: 'status'; status: number; retryAfter: string | undefined }
  | { type: 'network' }
  /** The server's TLS certificate is not trusted: asking again gets the same certificate. */
  | { type: 'certificate' }
  /**
   * A success status whose body cannot be used (truncated JSON, a proxy's HTML page): the answer
   * was lost on the way, so it is retried like a 5xx, within the same bounds.
   */
  | { type: 'garbled' };

export type RetryDecision =
  | { retry: true; delayMs: number }
  | { retry: false; because: 'not-retryable' | 'attempts' | 'elapsed' }
  /**
   * The wait would end after the run's deadline. `serverAsked`: the delay is the server's own
   * `Retry-After`, so the error can say that it asked for more time than was left.
   */
  | { retry: false; because: 'deadline'; delayMs: number; serverAsked: boolean };

/** Node's codes for a certificate chain it could not verify against the trusted roots. */
const UNTRUSTED_CERTIFICATE_CODES: ReadonlySet<string> = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);

/** Whether a connection's error code says the server's certificate is not trusted. */
export function isUntrustedCertificate(code: string | undefined): boolean {
  return code !== undefined && UNTRUSTED_CERTIFICATE_CODES.has(code);
}

/**
 * What a request that failed below HTTP (its error's code, when known) counts as: a certificate
 * that is not trusted is not retried (it took a run 16 s of retries to say so), anything else
 * is a network failure.
 */
export function transportFailure(code: string | undefined): AttemptFailure {
  return isUntrustedCertificate(code) ? { type: 'certificate' } : { type: 'network' };
}

/**
 * Decides whether to retry after a failed attempt. Retries 429, 5xx, network failures and
 * garbled answers (or the statuses in `retryableStatuses`, which replaces the default set), never
 * other 4xx: those mean the request itself is wrong, nor an untrusted certificate.
 *
 * A server's `Retry-After` is a floor, not a suggestion: it is honoured even beyond
 * `maxDelayMs` (Asana means it), as long as the wait fits in `maxElapsedMs` and in `remainingMs`,
 * the time left before the run's deadline. Backoff still applies when the header says 0, so a
 * burst of 429s does not become a tight loop.
 */
export function decideRetry(args: {
  failure: AttemptFailure;
  /** 1-based count of attempts made so far. */
  attempt: number;
  elapsedMs: number;
  nowMs: number;
  policy: RetryPolicy;
  random: () => number;
  retryableStatuses?: ReadonlySet<number>;
  /** Time left before the run must end; no limit when undefined. */
  remainingMs?: number | undefined;
}): RetryDecision {
  const { failure, attempt, elapsedMs, nowMs, policy, random } = args;
  const retryable = args.retryableStatuses ?? DEFAULT_RETRYABLE_STATUSES;
  if (
    failure.type === 'certificate' ||
    (failure.type === 'status' && !retryable.has(failure.status))
  ) {
    return { retry: false, because: 'not-retryable' };
  }
  if (attempt >= policy.maxAttempts) return { retry: false, because: 'attempts' };
  const backoff = backoffDelay(attempt - 1, policy, random);
  const serverDelay =
    failure.type === 'status' ? parseRetryAfter(failure.retryAfter, nowMs) : undefined;
  const delayMs = serverDelay === undefined ? backoff : Math.max(serverDelay, backoff);
  if (args.remainingMs !== undefined && delayMs >= args.remainingMs) {
    return {
      retry: false,
      because: 'deadline',
      delayMs,
      serverAsked: serverDelay !== undefined && serverDelay >= backoff,
    };
  }
  if (elapsedMs + delayMs > policy.maxElapsedMs) return { retry: false, because: 'elapsed' };
  return { retry: true, delayMs };
}

const DAY_MS = 24 * 60 * 60_000;
const MAX_ATTEMPTS = 100;

/** Rejects policies that are impossible or absurd (a delay over a day, a thousand attempts). */
export function validateRetryPolicy(
  policy: RetryPolicy,
  names?: Partial<Record<keyof RetryPolicy, string>>,
): RetryPolicy {
  const name = (key: keyof RetryPolicy): string => names?.[key] ?? key;
  if (
    !Number.isInteger(policy.maxAttempts) ||
    policy.maxAttempts < 1 ||
    policy.maxAttempts > MAX_ATTEMPTS
  ) {
    throw new InputError(
      name('maxAttempts'),
      `${policy.maxAttempts} is not a usable number of attempts; expected a whole number from 1 (no retries) to ${MAX_ATTEMPTS}`,
    );
  }
  for (const key of ['maxElapsedMs', 'baseDelayMs', 'maxDelayMs'] as const) {
    const value = policy[key];
    if (!Number.isFinite(value) || value < 0 || value > DAY_MS) {
      throw new InputError(
        name(key),
        `${value} ms is not a usable duration; expected a number of milliseconds from 0 to ${DAY_MS} (24 hours)`,
      );
    }
  }
  return policy;
}
