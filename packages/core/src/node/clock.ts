import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../protocol/ports.js';

/** Node timers overflow past 2^31 - 1 ms (24.8 days) and would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Wall-clock time and abortable timers: the Clock the CLI and the action run on. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    await delay(ms, undefined, { signal });
  },
  alarm: (ms) => {
    const controller = new AbortController();
    // Unref'd: a pending alarm never keeps the process alive on its own.
    const timer = setTimeout(() => controller.abort(), Math.min(ms, MAX_TIMER_MS));
    timer.unref();
    return { signal: controller.signal, cancel: () => clearTimeout(timer) };
  },
};
