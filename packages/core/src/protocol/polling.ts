/**
 * How often to ask Asana whether an export is ready. Exports take seconds (small graph exports)
 * to hours (whole organizations). Each delay is a tenth longer than the last, so the delay stays
 * about a tenth of the time waited so far: a finished export is noticed within about 10% of its
 * run time plus the first interval, while the number of status requests grows only
 * logarithmically with the run time, up to the cap (Asana suggests polling every few minutes).
 * Jitter only ever shortens a delay, so runners started by the same cron spread out without
 * breaking that bound. Policy only: nothing here sleeps.
 */

import { InputError } from './errors.js';
import { formatDuration } from './format.js';
import { quoteUserValue } from './params.js';

export interface PollPolicy {
  initialIntervalMs: number;
  maxIntervalMs: number;
  multiplier: number;
  /** Each delay is shortened by a random fraction of itself, from 0 up to `jitterRatio`. */
  jitterRatio: number;
  /** Overall limit on waiting; the export goes on at Asana and can be resumed by its gid. */
  timeoutMs: number;
}

const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const MAX_TIMEOUT_MS = 7 * DAY_MS;

export const DEFAULT_POLL_POLICY: PollPolicy = Object.freeze({
  initialIntervalMs: 2 * SECOND_MS,
  maxIntervalMs: 5 * MINUTE_MS,
  multiplier: 1.1,
  jitterRatio: 0.1,
  timeoutMs: 6 * HOUR_MS,
});

/** The delay before the next poll; `pollIndex` is 0 for the delay after the first status. */
export function nextPollDelay(pollIndex: number, policy: PollPolicy, random: () => number): number {
  const base = Math.min(
    policy.maxIntervalMs,
    policy.initialIntervalMs * policy.multiplier ** Math.max(0, pollIndex),
  );
  return Math.max(0, base * (1 - policy.jitterRatio * random()));
}

/**
 * The next delay of a wait that began `elapsedMs` ago, cut short so that the last attempt lands
 * on the policy's timeout; undefined once the timeout has run out. Both of the client's waits
 * use it: for an export to finish, and for a busy workspace to free up.
 */
export function delayWithinTimeout(
  pollIndex: number,
  elapsedMs: number,
  policy: PollPolicy,
  random: () => number,
): number | undefined {
  const remainingMs = policy.timeoutMs - elapsedMs;
  if (remainingMs <= 0) return undefined;
  return Math.min(nextPollDelay(pollIndex, policy, random), remainingMs);
}

/**
 * Rejects impossible or absurd policies. `names` maps fields to the inputs the user actually
 * typed (e.g. `{ timeoutMs: 'timeout-minutes' }`) so the error points at the right one.
 */
export function validatePollPolicy(
  policy: PollPolicy,
  names?: Partial<Record<keyof PollPolicy, string>>,
): PollPolicy {
  const name = (key: keyof PollPolicy): string => names?.[key] ?? key;
  for (const key of ['initialIntervalMs', 'maxIntervalMs', 'timeoutMs'] as const) {
    const value = policy[key];
    if (!Number.isFinite(value) || value <= 0) {
      throw new InputError(name(key), `${value} ms is not a usable duration; expected more than 0`);
    }
  }
  if (policy.timeoutMs > MAX_TIMEOUT_MS) {
    throw new InputError(
      name('timeoutMs'),
      `${formatDuration(policy.timeoutMs)} is too long; expected at most 7d (resume a longer wait by the export's gid)`,
    );
  }
  if (policy.initialIntervalMs > policy.maxIntervalMs) {
    throw new InputError(
      name('initialIntervalMs'),
      `${formatDuration(policy.initialIntervalMs)} is longer than the maximum interval ${formatDuration(policy.maxIntervalMs)}; expected at most that`,
    );
  }
  if (!Number.isFinite(policy.multiplier) || policy.multiplier < 1) {
    throw new InputError(
      name('multiplier'),
      `${policy.multiplier} would shrink the interval; expected a number of at least 1`,
    );
  }
  if (!Number.isFinite(policy.jitterRatio) || policy.jitterRatio < 0 || policy.jitterRatio >= 1) {
    throw new InputError(
      name('jitterRatio'),
      `${policy.jitterRatio} is out of range; expected a ratio from 0 (no jitter) up to but excluding 1`,
    );
  }
  return policy;
}

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: SECOND_MS,
  m: MINUTE_MS,
  h: HOUR_MS,
  d: DAY_MS,
};
const PLAIN_SECONDS = /^\d+(?:\.\d+)?$/;
const DURATION = /^(?:\d+(?:\.\d+)?\s*(?:ms|s|m|h|d)\s*)+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)/g;

/**
 * Parses a duration typed by a user: `90s`, `5m`, `2h`, `1d`, `1500ms`, `1h30m`, or a plain
 * number of seconds. Returns milliseconds.
 */
export function parseDuration(input: string, value: string): number {
  const text = value.trim().toLowerCase();
  if (PLAIN_SECONDS.test(text)) return Math.round(Number(text) * SECOND_MS);
  if (text === '' || !DURATION.test(text)) {
    throw new InputError(
      input,
      `${quoteUserValue(value)} is not a duration; expected a number of seconds or a duration such as 90s, 5m, 2h, 1d, 1h30m or 1500ms`,
    );
  }
  let total = 0;
  for (const [, amount, unit] of text.matchAll(DURATION_PART)) {
    total += Number(amount) * (UNIT_MS[unit ?? ''] ?? Number.NaN);
  }
  return Math.round(total);
}
