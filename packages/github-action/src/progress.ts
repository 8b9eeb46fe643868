/**
 * The core's progress log in the step's log: a line on every state change and retry, otherwise
 * at most one every 30 s (twice the CLI's interval: an action's log is read in a browser, after
 * the fact), redacted and printable. Also remembers what it saw, so a failure can still report
 * the export's gid and last state.
 */

import {
  createProgressLog as coreProgressLog,
  type ProgressLog,
  type Redactor,
} from '@asana-exports/core/node';

export type { ProgressLog };

export const QUIET_INTERVAL_MS = 30_000;

export function createProgressLog(
  info: (line: string) => void,
  redact: Redactor,
  now: () => number,
): ProgressLog {
  return coreProgressLog({ intervalMs: QUIET_INTERVAL_MS, redact, now, emit: info });
}
