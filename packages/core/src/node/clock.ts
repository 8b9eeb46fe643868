import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../protocol/ports.js';

/** Wall-clock time and abortable timers: the Clock the CLI and the action run on. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    await delay(ms, undefined, { signal });
  },
};
