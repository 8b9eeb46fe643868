/**
 * What a run that ended early leaves behind, decided once for every front end: whether the export
 * goes on at Asana (so the message must say how to pick it up: a command for the CLI, an input
 * for the action, an operation for n8n) and whether the bytes downloaded so far are worth keeping
 * for that resume.
 */
import {
  AsanaApiError,
  type AsanaExportError,
  DownloadHostError,
  ExportFailedError,
  InputError,
  IntegrityError,
} from './errors.js';
import type { ExportKind } from './kinds.js';

/** The export to pick up: its kind and the gid to poll (organization export, or job). */
export interface ResumeAdvice {
  readonly kind: ExportKind;
  readonly gid: string;
}

/**
 * Whether a run that ended with `error`, after seeing the export `seen`, left an export at Asana
 * worth resuming by gid. An export Asana failed, one it says does not exist (404), or one never
 * created has nothing to resume.
 */
export function resumeAdvice(
  error: unknown,
  seen: { readonly kind: ExportKind | undefined; readonly gid: string | undefined },
): ResumeAdvice | undefined {
  if (seen.kind === undefined || seen.gid === undefined) return undefined;
  if (error instanceof ExportFailedError) return undefined;
  if (error instanceof AsanaApiError && error.status === 404) return undefined;
  return { kind: seen.kind, gid: seen.gid };
}

/**
 * Whether the bytes downloaded before `error` may be kept for a resume (when they are an intact
 * prefix of one object). Not after a corrupt file, an object that kept changing, or an export
 * Asana failed: those bytes are worth nothing.
 */
export function keepsPartial(error: unknown): boolean {
  if (error instanceof IntegrityError || error instanceof ExportFailedError) return false;
  if (error instanceof InputError) return false;
  if (error instanceof DownloadHostError) return error.reason !== 'unstable';
  return isExportError(error);
}

function isExportError(error: unknown): error is AsanaExportError {
  return error instanceof Error && 'category' in error;
}
