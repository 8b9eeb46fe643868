/**
 * Progress events in words, shared by every front end that logs them (the CLI's stderr, the
 * action's log, n8n's log), so they read the same everywhere, and the one rule of which lines a
 * log gets (`createProgressLog`). Pure: front ends decide where lines go and pass the clock.
 */

import type { ProgressEvent, ProgressListener } from './events.js';
import { formatBytes, formatDuration } from './format.js';
import { type ExportKind, normalizeState } from './kinds.js';
import { describeExport } from './labels.js';
import type { Redactor } from './redact.js';
import { printable } from './text.js';

/**
 * How often a log that is read later (CI, a server's log) gets a line while nothing changes:
 * often enough to show a 20-minute download is alive, rare enough for hours of waiting.
 */
export const QUIET_LOG_INTERVAL_MS = 15_000;

export interface ProgressLine {
  readonly text: string;
  /** A state change, a retry, the end of waiting or the first chunk: always worth a line. */
  readonly important: boolean;
}

/** The export as last seen, so a failure can still name its gid and state. */
export interface ObservedExport {
  kind: ExportKind | undefined;
  /** The gid polled: the organization export's, or the job's. */
  gid: string | undefined;
  rawState: string | undefined;
}

export class ProgressNarrator {
  readonly observed: ObservedExport = { kind: undefined, gid: undefined, rawState: undefined };
  #downloadStarted = false;

  narrate(event: ProgressEvent): ProgressLine {
    switch (event.type) {
      case 'created':
        this.#observe(event.kind, event.gid, event.rawState);
        return {
          text: `Created ${describeExport(event.kind, event.gid)} (${event.rawState})`,
          important: true,
        };
      case 'waiting': {
        const changed = event.rawState !== this.observed.rawState;
        this.#observe(event.kind, event.gid, event.rawState);
        const next =
          event.nextPollInMs === undefined
            ? ''
            : `, next check in ${formatDuration(event.nextPollInMs)}`;
        // Finished, but without a link yet: there is still nothing to download.
        const linkless =
          event.outcome === 'waiting' && normalizeState(event.kind, event.rawState) === 'done'
            ? ' but has no download link yet'
            : '';
        return {
          text: `${capitalise(describeExport(event.kind, event.gid))} is ${event.rawState}${linkless} after ${formatDuration(event.elapsedMs)}${next}`,
          important: changed || event.nextPollInMs === undefined,
        };
      }
      case 'downloading': {
        const total = event.totalBytes === undefined ? '' : ` of ${formatBytes(event.totalBytes)}`;
        const percent = event.totalBytes
          ? ` (${Math.floor((event.bytes / event.totalBytes) * 100)}%)`
          : '';
        const rate = formatBytes((event.bytes / Math.max(event.elapsedMs, 1)) * 1000);
        // The first chunk gets a line of its own: logs show when the transfer began.
        const important = !this.#downloadStarted;
        this.#downloadStarted = true;
        return {
          text: `Downloaded ${formatBytes(event.bytes)}${total}${percent} at ${rate}/s`,
          important,
        };
      }
      case 'retrying':
        return {
          text: `${event.what}: ${event.reason}; retry ${event.attempt} in ${formatDuration(event.delayMs)}`,
          important: true,
        };
    }
  }

  #observe(kind: ExportKind, gid: string, rawState: string): void {
    this.observed.kind = kind;
    this.observed.gid = gid;
    this.observed.rawState = rawState;
  }
}

/**
 * Lets important lines through, and others at most once per interval, so hours of waiting make
 * a readable log. `now` is injected: the protocol core never reads the clock itself.
 */
export function createLineThrottle(intervalMs: number, now: () => number) {
  let lastLineAt = Number.NEGATIVE_INFINITY;
  return (line: ProgressLine): boolean => {
    if (!line.important && now() - lastLineAt < intervalMs) return false;
    lastLineAt = now();
    return true;
  };
}

export interface ProgressLogOptions {
  /** At most one unimportant line per interval (important ones always pass). */
  readonly intervalMs: number;
  /** Secrets out of every line: outside text (a reason, a state) may carry a token or link. */
  readonly redact: Redactor;
  readonly now: () => number;
  /** Gets each line let through, redacted and printable (one line, no control characters). */
  readonly emit: (text: string, line: ProgressLine) => void;
}

export interface ProgressLog {
  /** The export as last seen, so a failure can still name its gid and state. */
  readonly observed: ObservedExport;
  readonly onProgress: ProgressListener;
}

/**
 * Progress as log lines, the same rule for every front end: every state change, retry and the
 * first chunk of a download at once; otherwise at most one line per interval. Redacted, then
 * escaped, so nothing from outside can leak a secret or forge a line.
 */
export function createProgressLog(options: ProgressLogOptions): ProgressLog {
  const narrator = new ProgressNarrator();
  const throttle = createLineThrottle(options.intervalMs, options.now);
  return {
    observed: narrator.observed,
    onProgress(event) {
      const line = narrator.narrate(event);
      if (!throttle(line)) return;
      options.emit(printable(options.redact(line.text), Number.POSITIVE_INFINITY), line);
    },
  };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
