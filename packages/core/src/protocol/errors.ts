/**
 * Every error the client raises is one of these classes, so callers branch on `instanceof` or on
 * `category` instead of parsing messages. Messages never contain the token or a presigned URL:
 * they are built from method + path, never from a full URL.
 */

/** What went wrong, coarse enough to map onto CLI exit codes and action/n8n outcomes. */
export type ErrorCategory =
  | 'input'
  | 'api'
  | 'export-failed'
  | 'integrity'
  | 'timeout'
  | 'cancelled'
  | 'network';

export abstract class AsanaExportError extends Error {
  abstract readonly category: ErrorCategory;
  /**
   * What the user can do about it, when we know. Writable so that a caller with more context
   * (e.g. "this create may have reached Asana") can extend it without changing the error's type.
   */
  hint: string | undefined;

  constructor(message: string, options?: { hint?: string | undefined; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options?.hint;
  }
}

/** A parameter is missing or malformed. Raised before any request is sent. */
export class InputError extends AsanaExportError {
  readonly category = 'input';
  /** The parameter's name as the user typed it, e.g. `workspace` or `filters.task.created_at.after`. */
  readonly input: string;

  constructor(input: string, problem: string, hint?: string) {
    super(`Invalid ${input}: ${problem}`, { hint });
    this.input = input;
  }
}

/** Why Asana refused a request, from the status and, for 403, the message. */
export type ApiErrorReason =
  | 'bad-request'
  | 'unauthorized'
  | 'payment-required'
  | 'forbidden'
  | 'export-in-progress'
  | 'not-found'
  | 'rate-limited'
  | 'server-error'
  | 'unexpected-response';

export interface AsanaApiErrorDetails {
  readonly status: number;
  readonly reason: ApiErrorReason;
  readonly method: string;
  readonly path: string;
  /** Asana's `errors[0].message`, verbatim. */
  readonly asanaMessage?: string | undefined;
  readonly help?: string | undefined;
  /** Asana's error phrase, present on 500s: quote it to Asana support. */
  readonly phrase?: string | undefined;
  readonly hint?: string | undefined;
}

/** Asana answered with an error status, or with a body we cannot use. */
export class AsanaApiError extends AsanaExportError {
  readonly category = 'api';
  readonly status: number;
  readonly reason: ApiErrorReason;
  readonly method: string;
  readonly path: string;
  readonly asanaMessage: string | undefined;
  readonly help: string | undefined;
  readonly phrase: string | undefined;

  constructor(details: AsanaApiErrorDetails) {
    const said = details.asanaMessage ? `: ${details.asanaMessage}` : '';
    const phrase = details.phrase ? ` (error phrase: ${details.phrase})` : '';
    super(`Asana answered ${details.status} to ${details.method} ${details.path}${said}${phrase}`, {
      hint: details.hint,
    });
    this.status = details.status;
    this.reason = details.reason;
    this.method = details.method;
    this.path = details.path;
    this.asanaMessage = details.asanaMessage;
    this.help = details.help;
    this.phrase = details.phrase;
  }
}

/** No HTTP response arrived: connection refused or reset, DNS failure, request timeout. */
export class TransportError extends AsanaExportError {
  readonly category = 'network';
  /** A low-level code such as `ECONNRESET` or `UND_ERR_HEADERS_TIMEOUT`, when known. */
  readonly code: string | undefined;

  constructor(what: string, code: string | undefined, options?: { cause?: unknown }) {
    super(`${what} failed${code ? ` (${code})` : ''}`, options);
    this.code = code;
  }
}

/** Asana finished the export in its failure state (`error` / `failed`). */
export class ExportFailedError extends AsanaExportError {
  readonly category = 'export-failed';
  readonly gid: string;
  readonly rawState: string;

  /** `what` names the export with its gid, e.g. `graph export job 123` (see `describeExport`). */
  constructor(what: string, gid: string, rawState: string) {
    super(`Asana reports ${what} as ${rawState}`, {
      hint: 'Nothing was downloaded. Start a new export; if it fails again, contact Asana support with this gid.',
    });
    this.gid = gid;
    this.rawState = rawState;
  }
}

/** The downloaded file is not what it claims to be: truncated, corrupt, or not JSON. */
export class IntegrityError extends AsanaExportError {
  readonly category = 'integrity';
  /** What is wrong, without the sentence around it: lets a worker thread's finding cross over. */
  readonly problem: string;

  constructor(problem: string, options?: { cause?: unknown }) {
    super(`The downloaded export is not intact: ${problem}`, {
      hint: 'No file was kept under the final name. Run the download again; it fetches a fresh copy.',
      cause: options?.cause,
    });
    this.problem = problem;
  }
}

/** The overall time limit ran out while the export was still running. */
export class ExportTimeoutError extends AsanaExportError {
  readonly category = 'timeout';
  readonly gid: string;
  readonly rawState: string;

  constructor(gid: string, rawState: string, waitedMs: number) {
    super(`Gave up waiting after ${Math.round(waitedMs / 1000)}s: ${gid} is still ${rawState}`, {
      hint: `The export goes on at Asana. Resume waiting later with its gid (${gid}) instead of starting a new one.`,
    });
    this.gid = gid;
    this.rawState = rawState;
  }
}

/** The caller's signal aborted the operation. */
export class CancelledError extends AsanaExportError {
  readonly category = 'cancelled';

  constructor(what: string, options?: { cause?: unknown }) {
    super(`${what} was cancelled`, options);
  }
}
