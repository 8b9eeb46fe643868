import type { ExportKind, Outcome } from './kinds.js';

/**
 * What the client reports while it works. Front ends turn these into log lines (CLI, action)
 * or nothing at all (n8n). No event carries a secret: paths only, never full URLs.
 */
export type ProgressEvent =
  | {
      readonly type: 'created';
      readonly kind: ExportKind;
      readonly gid: string;
      readonly rawState: string;
    }
  | {
      readonly type: 'waiting';
      readonly kind: ExportKind;
      readonly gid: string;
      readonly rawState: string;
      readonly outcome: Outcome;
      readonly elapsedMs: number;
      /** How long until the next status request; undefined once the export has ended. */
      readonly nextPollInMs: number | undefined;
    }
  | {
      readonly type: 'downloading';
      readonly bytes: number;
      /** From Content-Length / Content-Range; undefined when the store did not say. */
      readonly totalBytes: number | undefined;
      readonly elapsedMs: number;
    }
  | {
      readonly type: 'retrying';
      readonly what: string;
      readonly attempt: number;
      readonly delayMs: number;
      readonly reason: string;
    };

/** Request-level detail for debug logs (the action's `core.debug`, the CLI's `--verbose`). */
export interface DebugEvent {
  readonly message: string;
}

export type ProgressListener = (event: ProgressEvent) => void;
export type DebugListener = (event: DebugEvent) => void;
