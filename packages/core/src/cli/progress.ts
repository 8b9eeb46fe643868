import type { ProgressEvent } from '../protocol/events.js';
import { createLineThrottle, ProgressNarrator } from '../protocol/progress-text.js';
import type { Redactor } from '../protocol/redact.js';
import { printable } from '../protocol/text.js';

export interface ProgressOutput {
  readonly isTTY: boolean;
  write(text: string): void;
}

/** How often a non-interactive log (CI) gets a line while nothing changes. */
const QUIET_INTERVAL_MS = 15_000;
/** How often a terminal's live line is redrawn: enough to look alive, cheap on fast downloads. */
const LIVE_INTERVAL_MS = 200;

/**
 * Progress on stderr: a live, rewritten line on a terminal; on CI, a line per state change and
 * otherwise at most one every 15 s, so logs stay readable over hours of waiting.
 */
export function createProgressReporter(
  output: ProgressOutput,
  redact: Redactor,
  now: () => number,
) {
  const narrator = new ProgressNarrator();
  const throttle = createLineThrottle(output.isTTY ? LIVE_INTERVAL_MS : QUIET_INTERVAL_MS, now);
  let liveLineOpen = false;

  return {
    /** The export as last seen, so a failure can say how to resume it. */
    observed: narrator.observed,
    onProgress(event: ProgressEvent): void {
      const line = narrator.narrate(event);
      if (!throttle(line)) return;
      // Outside text (a state value, a reason) can do nothing on a terminal once escaped.
      const text = printable(redact(line.text), Number.POSITIVE_INFINITY);
      if (!output.isTTY) {
        output.write(`${text}\n`);
        return;
      }
      // On a terminal, unimportant lines overwrite each other; important ones stay.
      output.write(`\r\u001b[K${text}${line.important ? '\n' : ''}`);
      liveLineOpen = !line.important;
    },
    /** Ends a live line so the next output starts on its own line. */
    finish(): void {
      if (liveLineOpen) output.write('\n');
      liveLineOpen = false;
    },
  };
}
