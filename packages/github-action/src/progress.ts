/**
 * The core's progress narration in the step's log: a line on every state change and retry,
 * otherwise at most one every 30 s, so a log stays readable over hours. Also remembers what it
 * saw, so a failure can still report the export's gid and last state.
 */

import {
  createLineThrottle,
  type ObservedExport,
  type ProgressEvent,
  ProgressNarrator,
} from '@asana-exports/core/node';

export const QUIET_INTERVAL_MS = 30_000;

export interface ProgressLog {
  readonly observed: ObservedExport;
  onProgress(event: ProgressEvent): void;
}

export function createProgressLog(info: (line: string) => void, now: () => number): ProgressLog {
  const narrator = new ProgressNarrator();
  const throttle = createLineThrottle(QUIET_INTERVAL_MS, now);
  return {
    observed: narrator.observed,
    onProgress(event) {
      const line = narrator.narrate(event);
      if (throttle(line)) info(line.text);
    },
  };
}
