/**
 * A failed run: the outputs that are still known (gid and state, to resume), a summary of what
 * happened and what to do, and the step's failure. Everything printed is redacted.
 */

import * as core from '@actions/core';
import {
  AsanaApiError,
  AsanaExportError,
  ExportFailedError,
  type ExportKind,
  ExportTimeoutError,
  formatDestination,
  InputError,
  type ObservedExport,
  printableLines,
  type Redactor,
  type ResumeAdvice,
  resumeAdvice,
} from '@asana-exports/core/node';
import type { ActionInputs } from './inputs.js';
import { StepError } from './step-error.js';
import { addFailure, writeSummary } from './summary.js';

/** What a failure report can still say when the run stopped part way. */
export interface RunProgress {
  inputs: ActionInputs | undefined;
  /** The verified export file, once there is one. */
  file: string | undefined;
  /** Whether any request has gone to Asana yet. */
  asanaContacted: boolean;
  /** What the next run of this step will do about an export left running, when known. */
  nextRun: string | undefined;
}

export interface FailureContext {
  readonly redact: Redactor;
  readonly observed: ObservedExport;
  readonly startedAt: Date;
  readonly progress: RunProgress;
}

/** The export a failed run left going at Asana, worth picking up by gid; one rule for every use. */
export function leftRunning(
  error: unknown,
  observed: ObservedExport,
  inputs: ActionInputs | undefined,
): ResumeAdvice | undefined {
  return resumeAdvice(error, {
    kind: observed.kind ?? kindOf(inputs),
    gid: gidOf(error, observed),
  });
}

function gidOf(error: unknown, observed: ObservedExport): string | undefined {
  return error instanceof ExportFailedError || error instanceof ExportTimeoutError
    ? error.gid
    : observed.gid;
}

export async function reportFailure(error: unknown, session: FailureContext): Promise<void> {
  const { redact, observed, startedAt, progress } = session;
  const gid = gidOf(error, observed);
  const rawState =
    error instanceof ExportFailedError || error instanceof ExportTimeoutError
      ? error.rawState
      : observed.rawState;
  const kind = observed.kind ?? kindOf(progress.inputs);
  if (gid !== undefined) {
    core.setOutput(kind === 'organization' ? 'export-gid' : 'job-gid', gid);
  }
  if (rawState !== undefined) core.setOutput('state', rawState);

  const message = error instanceof Error ? error.message : String(error);
  let hint =
    error instanceof AsanaExportError || error instanceof StepError ? error.hint : undefined;
  if (error instanceof InputError && hint === undefined) {
    hint = 'Correct this input in the workflow file.';
  }
  if (!progress.asanaContacted) hint = `${hint ?? ''} Nothing was sent to Asana.`.trim();
  const resume = resumeAdvice(error, { kind, gid });
  // What the next run does about the export, then how to pick it up now.
  const now = resume && resumeInputs(resume, error instanceof ExportTimeoutError);
  hint = [hint, progress.nextRun, now].filter(Boolean).join(' ') || undefined;
  if (!(error instanceof AsanaExportError) && !(error instanceof StepError)) {
    core.debug(redact(error instanceof Error ? (error.stack ?? message) : message));
  }
  const asana =
    error instanceof AsanaApiError && error.asanaMessage
      ? {
          message: error.asanaMessage,
          ...(error.help ? { help: error.help } : {}),
          ...(error.phrase ? { phrase: error.phrase } : {}),
        }
      : undefined;

  await writeSummary(redact, (summary) =>
    addFailure(summary, {
      kind,
      target: targetOf(progress.inputs),
      gid,
      rawState,
      elapsedMs: Date.now() - startedAt.getTime(),
      message,
      hint,
      asana,
      file: progress.file,
      destination:
        progress.inputs?.destination === undefined
          ? undefined
          : formatDestination(progress.inputs.destination.destination),
    }),
  );
  core.setFailed(printableLines(redact(hint ? `${message}\n${hint}` : message)));
}

/** The inputs that pick the export up in a later run of this step. */
function resumeInputs(resume: ResumeAdvice, timedOut: boolean): string {
  const inputs =
    resume.kind === 'organization'
      ? `export-gid: ${resume.gid}`
      : `kind: ${resume.kind} and job-gid: ${resume.gid}`;
  return `To resume it, run this step with ${inputs}${timedOut ? ' (and a larger timeout-minutes)' : ''}.`;
}

function kindOf(inputs: ActionInputs | undefined): ExportKind | undefined {
  if (!inputs) return undefined;
  return 'request' in inputs.start ? inputs.start.request.kind : inputs.start.resume.kind;
}

function targetOf(inputs: ActionInputs | undefined): string | undefined {
  if (!inputs) return undefined;
  if ('resume' in inputs.start) {
    const { kind, gid } = inputs.start.resume;
    return `${kind === 'organization' ? 'export-gid' : 'job-gid'} ${gid}`;
  }
  const request = inputs.start.request;
  switch (request.kind) {
    case 'organization':
      return `organization ${request.organization}`;
    case 'resource':
      return `workspace ${request.workspace} (${request.parameters.map((p) => p.resourceType).join(', ')})`;
    case 'graph':
      return `parent ${request.parent}`;
  }
}
