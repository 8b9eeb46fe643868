import type { Clock } from '@asana-exports/core/protocol';
import { sleep } from 'n8n-workflow';

/**
 * The core's clock over n8n's own `sleep`, which a cancelled execution interrupts through the
 * signal (n8n Cloud forbids timers in community nodes).
 */
export const n8nClock: Clock = {
  now: () => Date.now(),
  sleep: async (ms, signal) => {
    await sleep(ms, signal);
  },
};
