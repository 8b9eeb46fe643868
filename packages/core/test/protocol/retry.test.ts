import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/protocol/errors.js';
import {
  type AttemptFailure,
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  decideRetry,
  isRetryableStatus,
  parseRetryAfter,
  type RetryPolicy,
  transportFailure,
  validateRetryPolicy,
} from '../../src/protocol/retry.js';

const NOW = Date.UTC(2024, 0, 1, 12, 0, 0);
const policy: RetryPolicy = {
  maxAttempts: 6,
  maxElapsedMs: 300_000,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
};
const half = () => 0.5;
const top = () => 0.999;

describe('DEFAULT_RETRY_POLICY', () => {
  it('is 6 attempts within 5 minutes, 1 s base, 60 s cap', () => {
    expect(DEFAULT_RETRY_POLICY).toEqual(policy);
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['30', 30_000],
    [' 0 ', 0],
    ['1.5', 1_500],
    ['3600', 3_600_000],
    ['Mon, 01 Jan 2024 12:00:30 GMT', 30_000],
    ['Monday, 01-Jan-24 12:01:00 GMT', 60_000],
    ['Mon Jan  1 12:00:10 2024', 10_000],
    ['2024-01-01T12:00:05Z', 5_000],
    ['Mon, 01 Jan 2024 11:00:00 GMT', 0],
    ['Sun, 31 Dec 2023 12:00:00 GMT', 0],
  ])('%j → %i ms', (value, ms) => {
    expect(parseRetryAfter(value, NOW)).toBe(ms);
  });

  it.each([
    undefined,
    '',
    '   ',
    '-5',
    'soon',
    'Mon, 99 Foo 2024 12:00:00 GMT',
    'Mon, 01 Jan 2024 25:00:00 GMT',
    '1e3',
    'a 1',
  ])('%j → undefined', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });
});

describe('backoffDelay', () => {
  it('doubles from the base up to the cap, scaled by random (full jitter)', () => {
    expect([0, 1, 2, 3, 6, 7, 50].map((index) => backoffDelay(index, policy, () => 1))).toEqual([
      1_000, 2_000, 4_000, 8_000, 60_000, 60_000, 60_000,
    ]);
    expect(backoffDelay(3, policy, half)).toBe(4_000);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
  });
});

describe('decideRetry', () => {
  const decide = (
    failure: AttemptFailure,
    overrides: Partial<Parameters<typeof decideRetry>[0]> = {},
  ) =>
    decideRetry({
      failure,
      attempt: 1,
      elapsedMs: 0,
      nowMs: NOW,
      policy,
      random: half,
      ...overrides,
    });
  const status = (code: number, retryAfter?: string): AttemptFailure => ({
    type: 'status',
    status: code,
    retryAfter,
  });

  it('429 with Retry-After seconds waits that long', () => {
    expect(decide(status(429, '30'))).toEqual({ retry: true, delayMs: 30_000 });
  });

  it('429 with an HTTP date waits until then', () => {
    expect(decide(status(429, 'Mon, 01 Jan 2024 12:00:20 GMT'))).toEqual({
      retry: true,
      delayMs: 20_000,
    });
  });

  it('429 without a usable Retry-After backs off', () => {
    expect(decide(status(429, undefined), { attempt: 3 })).toEqual({ retry: true, delayMs: 2_000 });
    expect(decide(status(429, 'whenever'), { attempt: 1 })).toEqual({ retry: true, delayMs: 500 });
  });

  it('a Retry-After in the past (or 0) still backs off rather than spinning', () => {
    expect(decide(status(429, 'Mon, 01 Jan 2024 11:00:00 GMT'), { attempt: 2 })).toEqual({
      retry: true,
      delayMs: 1_000,
    });
    expect(decide(status(429, '0'), { attempt: 2 })).toEqual({ retry: true, delayMs: 1_000 });
  });

  it('a Retry-After beyond maxDelayMs is honoured when it fits the budget', () => {
    expect(decide(status(429, '120'))).toEqual({ retry: true, delayMs: 120_000 });
  });

  it('a Retry-After that would overrun the budget stops retrying', () => {
    expect(decide(status(429, '400'))).toEqual({ retry: false, because: 'elapsed' });
    expect(decide(status(429, '60'), { elapsedMs: 250_000 })).toEqual({
      retry: false,
      because: 'elapsed',
    });
    expect(decide(status(429, '50'), { elapsedMs: 250_000 })).toEqual({
      retry: true,
      delayMs: 50_000,
    });
  });

  it('backoff that would overrun the budget stops retrying', () => {
    expect(decide({ type: 'network' }, { elapsedMs: 299_999, attempt: 2, random: top })).toEqual({
      retry: false,
      because: 'elapsed',
    });
  });

  it.each([500, 502, 503, 504, 598])('%i is retried with backoff', (code) => {
    expect(decide(status(code), { attempt: 2 })).toEqual({ retry: true, delayMs: 1_000 });
  });

  it('network failures are retried', () => {
    expect(decide({ type: 'network' }, { attempt: 4 })).toEqual({ retry: true, delayMs: 4_000 });
  });

  it('an untrusted certificate is never retried: the server shows the same one again', () => {
    expect(decide({ type: 'certificate' })).toEqual({ retry: false, because: 'not-retryable' });
  });

  it.each([400, 401, 402, 403, 404, 409, 418, 600])('%i is never retried', (code) => {
    expect(decide(status(code, '1'))).toEqual({ retry: false, because: 'not-retryable' });
  });

  it('stops when the attempts are used up', () => {
    expect(decide(status(503), { attempt: 5 }).retry).toBe(true);
    expect(decide(status(503), { attempt: 6 })).toEqual({ retry: false, because: 'attempts' });
    expect(decide({ type: 'network' }, { attempt: 7 })).toEqual({
      retry: false,
      because: 'attempts',
    });
  });

  it('a garbled answer is retried like a 5xx', () => {
    expect(decide({ type: 'garbled' }, { attempt: 2 })).toEqual({ retry: true, delayMs: 1_000 });
    expect(decide({ type: 'garbled' }, { attempt: 6 })).toEqual({
      retry: false,
      because: 'attempts',
    });
  });

  it('never waits past the deadline, and says when it was the server that asked', () => {
    // Retry-After 30 s with 10 s left: the server asked for more than there is.
    expect(decide(status(429, '30'), { remainingMs: 10_000 })).toEqual({
      retry: false,
      because: 'deadline',
      delayMs: 30_000,
      serverAsked: true,
    });
    // Our own backoff (2 s on attempt 3) with 1 s left.
    expect(decide({ type: 'network' }, { attempt: 3, remainingMs: 1_000 })).toEqual({
      retry: false,
      because: 'deadline',
      delayMs: 2_000,
      serverAsked: false,
    });
    expect(decide(status(429, '30'), { remainingMs: 30_001 })).toEqual({
      retry: true,
      delayMs: 30_000,
    });
    // A request that is not retryable says so, whatever time is left.
    expect(decide(status(404), { remainingMs: 0 })).toEqual({
      retry: false,
      because: 'not-retryable',
    });
  });

  it('isRetryableStatus is the same rule: 429 and every 5xx', () => {
    expect([429, 500, 503, 599].every(isRetryableStatus)).toBe(true);
    expect([400, 403, 404, 416, 499, 600].some(isRetryableStatus)).toBe(false);
  });

  it('retryableStatuses replaces the default set', () => {
    const only503 = new Set([503]);
    expect(decide(status(503), { retryableStatuses: only503 }).retry).toBe(true);
    expect(decide(status(500), { retryableStatuses: only503 }).retry).toBe(false);
    expect(decide(status(429), { retryableStatuses: only503 }).retry).toBe(false);
  });
});

describe('validateRetryPolicy', () => {
  it('accepts the default', () => {
    expect(validateRetryPolicy(DEFAULT_RETRY_POLICY)).toBe(DEFAULT_RETRY_POLICY);
    expect(validateRetryPolicy({ ...policy, maxAttempts: 1, baseDelayMs: 0 }).maxAttempts).toBe(1);
  });

  it.each([
    [{ maxAttempts: 0 }, 'maxAttempts'],
    [{ maxAttempts: 2.5 }, 'maxAttempts'],
    [{ maxAttempts: 1_000 }, 'maxAttempts'],
    [{ maxAttempts: Number.NaN }, 'maxAttempts'],
    [{ maxElapsedMs: -1 }, 'maxElapsedMs'],
    [{ maxElapsedMs: Number.POSITIVE_INFINITY }, 'maxElapsedMs'],
    [{ baseDelayMs: Number.NaN }, 'baseDelayMs'],
    [{ maxDelayMs: 25 * 60 * 60_000 }, 'maxDelayMs'],
  ] as [Partial<RetryPolicy>, keyof RetryPolicy][])('rejects %j, naming %s', (change, name) => {
    expect(() => validateRetryPolicy({ ...policy, ...change })).toThrow(InputError);
    expect(() => validateRetryPolicy({ ...policy, ...change })).toThrow(`Invalid ${name}: `);
  });

  it('uses the caller’s input names', () => {
    expect(() =>
      validateRetryPolicy({ ...policy, maxAttempts: 0 }, { maxAttempts: 'retries' }),
    ).toThrow(/^Invalid retries: 0 is not a usable number of attempts/);
  });
});

describe('transportFailure', () => {
  it.each([
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'certificate'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'certificate'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'certificate'],
    ['UNABLE_TO_GET_ISSUER_CERT', 'certificate'],
    ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'certificate'],
    ['CERT_UNTRUSTED', 'certificate'],
    // An expired certificate or a wrong name may be a clock or DNS that heals: still retried.
    ['CERT_HAS_EXPIRED', 'network'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'network'],
    ['ECONNRESET', 'network'],
    [undefined, 'network'],
  ])('%s is a %s failure', (code, type) => {
    expect(transportFailure(code).type).toBe(type);
  });
});
