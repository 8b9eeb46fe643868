import { describe, expect, it } from 'vitest';
import { RunDeadline } from '../../src/protocol/deadline.js';
import type { Alarm, Clock } from '../../src/protocol/ports.js';

function manualClock() {
  let now = 1_000;
  const alarms: { at: number; controller: AbortController; cancelled: boolean }[] = [];
  const clock: Clock = {
    now: () => now,
    sleep: async () => {},
    alarm: (ms): Alarm => {
      const entry = { at: now + ms, controller: new AbortController(), cancelled: false };
      alarms.push(entry);
      return {
        signal: entry.controller.signal,
        cancel: () => {
          entry.cancelled = true;
        },
      };
    },
  };
  return {
    clock,
    alarms,
    advance(ms: number) {
      now += ms;
      for (const alarm of alarms) {
        if (!alarm.cancelled && now >= alarm.at) alarm.controller.abort();
      }
    },
  };
}

describe('RunDeadline', () => {
  it('counts from when the limit began, and aborts its signal when the limit passes', () => {
    const time = manualClock();
    const caller = new AbortController();
    const deadline = new RunDeadline({
      clock: time.clock,
      timeoutMs: 10_000,
      signal: caller.signal,
    });
    expect(time.alarms.map((alarm) => alarm.at)).toEqual([11_000]);
    expect(deadline.remainingMs()).toBe(10_000);
    time.advance(4_000);
    expect(deadline.elapsedMs()).toBe(4_000);
    expect(deadline.remainingMs()).toBe(6_000);
    expect(deadline.signal.aborted).toBe(false);
    expect(deadline.reached).toBe(false);
    time.advance(6_000);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.reached).toBe(true);
    expect(deadline.remainingMs()).toBe(0);
  });

  it('tells a cancel by the caller from the limit', () => {
    const time = manualClock();
    const caller = new AbortController();
    const deadline = new RunDeadline({
      clock: time.clock,
      timeoutMs: 10_000,
      signal: caller.signal,
    });
    caller.abort();
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.reached).toBe(false);
  });

  it('starts earlier when told, and stops its alarm when disposed', () => {
    const time = manualClock();
    const deadline = new RunDeadline({
      clock: time.clock,
      timeoutMs: 10_000,
      signal: new AbortController().signal,
      startedAt: 0,
    });
    expect(deadline.remainingMs()).toBe(9_000);
    deadline.dispose();
    expect(time.alarms[0]?.cancelled).toBe(true);
    time.advance(20_000);
    // The alarm is gone, but the clock still says the limit has passed.
    expect(deadline.signal.aborted).toBe(false);
    expect(deadline.reached).toBe(true);
  });

  it('works with a clock that has no alarm: the clock alone decides', () => {
    let now = 0;
    const deadline = new RunDeadline({
      clock: { now: () => now, sleep: async () => {} },
      timeoutMs: 50,
      signal: new AbortController().signal,
    });
    expect(deadline.reached).toBe(false);
    now = 50;
    expect(deadline.reached).toBe(true);
  });
});
