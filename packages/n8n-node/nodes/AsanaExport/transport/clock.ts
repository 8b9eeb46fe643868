import type { Clock } from '@asana-exports/core/protocol';
import { sleep } from 'n8n-workflow';

/** Node timers overflow past 2^31 - 1 ms (24.8 days) and would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The core's clock over n8n's own `sleep`, which a cancelled execution interrupts through the
 * signal (n8n Cloud forbids timers in community nodes). The alarm, which ends requests in flight
 * at the run's deadline, is one such sleep too.
 */
export const n8nClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    await sleep(ms, signal);
  },
  alarm: (ms) => {
    const fired = new AbortController();
    const stopped = new AbortController();
    sleep(Math.min(ms, MAX_TIMER_MS), stopped.signal).then(
      () => fired.abort(),
      () => undefined,
    );
    return { signal: fired.signal, cancel: () => stopped.abort() };
  },
};
