import type { ProgressEvent } from '../protocol/events.js';
import { describeExport } from '../protocol/labels.js';
import { formatDuration } from '../protocol/polling.js';
import type { Redactor } from '../protocol/redact.js';

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
  let lastLineAt = Number.NEGATIVE_INFINITY;
  let lastState = '';
  let liveLineOpen = false;
  let downloadStarted = false;

  const emit = (text: string, important: boolean) => {
    const interval = output.isTTY ? LIVE_INTERVAL_MS : QUIET_INTERVAL_MS;
    if (!important && now() - lastLineAt < interval) return;
    lastLineAt = now();
    const line = redact(text);
    if (output.isTTY) {
      output.write(`\r\u001b[K${line}${important ? '\n' : ''}`);
      liveLineOpen = !important;
      return;
    }
    output.write(`${line}\n`);
  };

  return {
    onProgress(event: ProgressEvent): void {
      switch (event.type) {
        case 'created':
          emit(`Created ${describeExport(event.kind, event.gid)} (${event.rawState})`, true);
          return;
        case 'waiting': {
          const changed = event.rawState !== lastState;
          lastState = event.rawState;
          const next =
            event.nextPollInMs === undefined
              ? ''
              : `, next check in ${formatDuration(event.nextPollInMs)}`;
          emit(
            `${capitalise(describeExport(event.kind, event.gid))} is ${event.rawState} after ${formatDuration(event.elapsedMs)}${next}`,
            changed || event.nextPollInMs === undefined,
          );
          return;
        }
        case 'downloading': {
          const total =
            event.totalBytes === undefined ? '' : ` of ${formatBytes(event.totalBytes)}`;
          const percent = event.totalBytes
            ? ` (${Math.floor((event.bytes / event.totalBytes) * 100)}%)`
            : '';
          const rate = formatBytes((event.bytes / Math.max(event.elapsedMs, 1)) * 1000);
          // The first chunk gets a line of its own: CI logs show when the transfer began.
          emit(
            `Downloaded ${formatBytes(event.bytes)}${total}${percent} at ${rate}/s`,
            !downloadStarted,
          );
          downloadStarted = true;
          return;
        }
        case 'retrying':
          emit(
            `${event.what}: ${event.reason}; retry ${event.attempt} in ${formatDuration(event.delayMs)}`,
            true,
          );
          return;
      }
    },
    /** Ends a live line so the next output starts on its own line. */
    finish(): void {
      if (liveLineOpen) output.write('\n');
      liveLineOpen = false;
    },
  };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
