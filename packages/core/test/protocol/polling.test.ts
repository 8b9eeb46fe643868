import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/protocol/errors.js';
import { formatDuration } from '../../src/protocol/format.js';
import {
  DEFAULT_POLL_POLICY,
  delayWithinTimeout,
  nextPollDelay,
  type PollPolicy,
  parseDuration,
  validatePollPolicy,
} from '../../src/protocol/polling.js';

const noJitter = () => 0;

describe('DEFAULT_POLL_POLICY', () => {
  it('is 2 s, a tenth longer each time, up to 5 min, up to 10 % shorter, 6 h', () => {
    expect(DEFAULT_POLL_POLICY).toEqual({
      initialIntervalMs: 2_000,
      maxIntervalMs: 5 * 60_000,
      multiplier: 1.1,
      jitterRatio: 0.1,
      timeoutMs: 6 * 60 * 60_000,
    });
  });

  it('notices a finished export within 10 % of its run time plus 2 s, with logarithmic requests', () => {
    // Simulated: the longest gap between two polls that an export ending at `runMs` can fall in.
    const simulate = (runMs: number) => {
      let elapsed = 0;
      let requests = 1;
      for (let index = 0; elapsed < runMs; index++) {
        elapsed += nextPollDelay(index, DEFAULT_POLL_POLICY, () => 0);
        requests++;
      }
      return { lateByMs: elapsed - runMs, requests };
    };
    for (const runMs of [10_000, 60_000, 600_000, 3_000_000]) {
      const { lateByMs } = simulate(runMs);
      expect(lateByMs).toBeLessThanOrEqual(0.1 * runMs + 2_000);
    }
    const [tenSeconds, hundredSeconds, thousandSeconds] = [10_000, 100_000, 1_000_000].map(
      (runMs) => simulate(runMs).requests,
    ) as [number, number, number];
    // Ten times the run time adds about the same number of requests each time: logarithmic.
    expect(hundredSeconds - tenSeconds).toBeLessThan(30);
    expect(thousandSeconds - hundredSeconds).toBeLessThan(30);
  });
});

describe('nextPollDelay', () => {
  it('grows geometrically to the cap and stays there', () => {
    const delays = Array.from({ length: 80 }, (_, index) =>
      nextPollDelay(index, DEFAULT_POLL_POLICY, noJitter),
    );
    expect(delays.slice(0, 3).map(Math.round)).toEqual([2_000, 2_200, 2_420]);
    for (let index = 1; index < delays.length; index++) {
      expect(delays[index]).toBeGreaterThanOrEqual(delays[index - 1] ?? 0);
    }
    expect(delays.at(-1)).toBe(300_000);
    expect(nextPollDelay(1_000, DEFAULT_POLL_POLICY, noJitter)).toBe(300_000);
  });

  it('jitter only shortens, by at most jitterRatio', () => {
    expect(nextPollDelay(0, DEFAULT_POLL_POLICY, () => 0.999_999)).toBeCloseTo(1_800, 0);
    expect(nextPollDelay(1_000, DEFAULT_POLL_POLICY, () => 0.5)).toBeCloseTo(285_000);
    for (let step = 0; step <= 100; step++) {
      const delay = nextPollDelay(3, DEFAULT_POLL_POLICY, () => step / 101);
      expect(delay).toBeGreaterThan(2_662 * 0.9);
      expect(delay).toBeLessThanOrEqual(2_662.1);
    }
  });

  it('never goes below 0', () => {
    expect(nextPollDelay(0, { ...DEFAULT_POLL_POLICY, jitterRatio: 1.5 }, () => 1)).toBe(0);
  });
});

describe('delayWithinTimeout', () => {
  const policy = { ...DEFAULT_POLL_POLICY, timeoutMs: 10_000 };

  it('is the policy’s delay while the timeout is far off', () => {
    expect(delayWithinTimeout(0, 0, policy, noJitter)).toBe(2_000);
    expect(delayWithinTimeout(1, 2_000, policy, noJitter)).toBeCloseTo(2_200);
  });

  it('is cut short so that the last attempt lands on the timeout', () => {
    expect(delayWithinTimeout(3, 9_500, policy, noJitter)).toBe(500);
  });

  it('is undefined once the timeout has run out', () => {
    expect(delayWithinTimeout(3, 10_000, policy, noJitter)).toBeUndefined();
    expect(delayWithinTimeout(3, 12_000, policy, noJitter)).toBeUndefined();
  });
});

describe('validatePollPolicy', () => {
  it('accepts the default', () => {
    expect(validatePollPolicy(DEFAULT_POLL_POLICY)).toBe(DEFAULT_POLL_POLICY);
    expect(
      validatePollPolicy({ ...DEFAULT_POLL_POLICY, multiplier: 1, jitterRatio: 0 }),
    ).toBeTruthy();
  });

  it.each([
    [{ initialIntervalMs: 0 }, 'initialIntervalMs', /0 ms is not a usable duration/],
    [{ maxIntervalMs: -1 }, 'maxIntervalMs', /not a usable duration/],
    [{ timeoutMs: Number.NaN }, 'timeoutMs', /not a usable duration/],
    [{ timeoutMs: Number.POSITIVE_INFINITY }, 'timeoutMs', /not a usable duration/],
    [{ timeoutMs: 8 * 24 * 60 * 60_000 }, 'timeoutMs', /8d is too long; expected at most 7d/],
    [
      { initialIntervalMs: 6 * 60_000 },
      'initialIntervalMs',
      /6m is longer than the maximum interval 5m/,
    ],
    [{ multiplier: 0.9 }, 'multiplier', /expected a number of at least 1/],
    [{ multiplier: Number.NaN }, 'multiplier', /at least 1/],
    [{ jitterRatio: -0.1 }, 'jitterRatio', /out of range/],
    [{ jitterRatio: 1 }, 'jitterRatio', /out of range/],
  ] as [Partial<PollPolicy>, keyof PollPolicy, RegExp][])(
    'rejects %j, naming %s',
    (change, name, message) => {
      let caught: unknown;
      try {
        validatePollPolicy({ ...DEFAULT_POLL_POLICY, ...change });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(InputError);
      expect((caught as InputError).input).toBe(name);
      expect((caught as InputError).message).toMatch(message);
    },
  );

  it('uses the caller’s input names', () => {
    expect(() =>
      validatePollPolicy(
        { ...DEFAULT_POLL_POLICY, timeoutMs: 0 },
        { timeoutMs: 'timeout-minutes' },
      ),
    ).toThrow(/^Invalid timeout-minutes: /);
  });
});

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1500ms', 1_500],
    ['1h30m', 5_400_000],
    ['1h 30m 15s', 5_415_000],
    ['1.5h', 5_400_000],
    ['45', 45_000],
    ['0.25', 250],
    [' 10M ', 600_000],
  ])('%j → %i ms', (text, ms) => {
    expect(parseDuration('timeout', text)).toBe(ms);
  });

  it.each(['', 'soon', '5 minutes', '-5s', '5x', 'h', '1h30', '1e3'])('rejects %j', (text) => {
    expect(() => parseDuration('timeout', text)).toThrow(
      /^Invalid timeout: .* is not a duration; expected a number of seconds or a duration such as 90s/,
    );
  });
});

describe('formatDuration', () => {
  it.each([
    [500, '500ms'],
    [90_000, '1m30s'],
    [5_400_000, '1h30m'],
    [7 * 86_400_000, '7d'],
  ])('%i → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration('x', text)).toBe(ms);
  });
});
