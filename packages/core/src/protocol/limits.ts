/**
 * The limits on waits that no status request times: how long an answer may take to start, and
 * how slowly a download may run. With the run's timeout (`polling.ts`) and the retry budget
 * (`retry.ts`) they bound every wait a run makes; each front end lets users see and set them.
 */
import { InputError } from './errors.js';
import { formatDuration } from './format.js';

/** How long to wait for an answer's headers before the request counts as failed and is retried. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

export interface StallPolicy {
  /** How long a transfer may run below the minimum speed (and the longest silence allowed). */
  readonly windowMs: number;
  /** Bytes per second a transfer must keep up over a window; 0 catches only silence. */
  readonly minBytesPerSecond: number;
}

/** A minute below 1 KiB/s: no real transfer crawls like that, a dripping proxy does. */
export const DEFAULT_STALL_POLICY: StallPolicy = Object.freeze({
  windowMs: 60_000,
  minBytesPerSecond: 1024,
});

const HOUR_MS = 60 * 60_000;

export function validateRequestTimeout(input: string, ms: number): number {
  if (!Number.isFinite(ms) || ms < 100 || ms > HOUR_MS) {
    throw new InputError(
      input,
      `${formatDuration(ms)} is not a usable request timeout; expected from 100ms to 1h`,
    );
  }
  return ms;
}

export function validateStallPolicy(
  policy: StallPolicy,
  names: { readonly windowMs: string; readonly minBytesPerSecond: string },
): StallPolicy {
  if (!Number.isFinite(policy.windowMs) || policy.windowMs < 100 || policy.windowMs > HOUR_MS) {
    throw new InputError(
      names.windowMs,
      `${formatDuration(policy.windowMs)} is not a usable stall timeout; expected from 100ms to 1h`,
    );
  }
  if (
    !Number.isSafeInteger(policy.minBytesPerSecond) ||
    policy.minBytesPerSecond < 0 ||
    policy.minBytesPerSecond > 1024 ** 3
  ) {
    throw new InputError(
      names.minBytesPerSecond,
      `${policy.minBytesPerSecond} is not a usable speed; expected a whole number of bytes per second from 0 (no minimum) to 1073741824`,
    );
  }
  return policy;
}
