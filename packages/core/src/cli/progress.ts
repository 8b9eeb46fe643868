import type { ProgressEvent } from '../protocol/events.js';
import {
  createProgressLog,
  type ObservedExport,
  QUIET_LOG_INTERVAL_MS,
} from '../protocol/progress-text.js';
import type { Redactor } from '../protocol/redact.js';

export interface ProgressOutput {
  readonly isTTY: boolean;
  write(text: string): void;
}

/** How often a terminal's live line is redrawn: enough to look alive, cheap on fast downloads. */
const LIVE_INTERVAL_MS = 200;

/**
 * Progress on stderr: a live, rewritten line on a terminal; on CI, the core's log lines (a line
 * per state change and otherwise at most one every 15 s, redacted and printable).
 */
export function createProgressReporter(
  output: ProgressOutput,
  redact: Redactor,
  now: () => number,
): {
  readonly observed: ObservedExport;
  onProgress(event: ProgressEvent): void;
  finish(): void;
} {
  let liveLineOpen = false;
  const log = createProgressLog({
    intervalMs: output.isTTY ? LIVE_INTERVAL_MS : QUIET_LOG_INTERVAL_MS,
    redact,
    now,
    emit(text, line) {
      if (!output.isTTY) {
        output.write(`${text}\n`);
        return;
      }
      // On a terminal, unimportant lines overwrite each other; important ones stay.
      output.write(`\r\u001b[K${text}${line.important ? '\n' : ''}`);
      liveLineOpen = !line.important;
    },
  });

  return {
    /** The export as last seen, so a failure can say how to resume it. */
    observed: log.observed,
    onProgress: log.onProgress,
    /** Ends a live line so the next output starts on its own line. */
    finish(): void {
      if (liveLineOpen) output.write('\n');
      liveLineOpen = false;
    },
  };
}
