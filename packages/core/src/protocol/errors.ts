/**
 * Every error the client raises is one of these classes, one per source of failure, so callers
 * branch on `instanceof` or on `category` instead of parsing messages. Each is complete when
 * constructed and never changed afterwards (`withHint` makes a new one). Messages never contain
 * the token or a presigned URL: they are built from method + path, never from a full URL, and
 * text that came from outside is made printable before it gets here (`text.ts`).
 */

import { formatBytes, formatDuration } from './format.js';
import type { ExportKind } from './kinds.js';
import { describeExport } from './labels.js';
import type { Create403Reading } from './workspace-busy.js';

/** What went wrong, coarse enough to map onto CLI exit codes and action/n8n outcomes. */
export type ErrorCategory =
  | 'input'
  | 'api'
  | 'download'
  | 'export-failed'
  | 'integrity'
  | 'timeout'
  | 'cancelled'
  | 'network'
  | 'local'
  /** An age-encrypted export that none of the identities given can open. */
  | 'decrypt'
  /** The user's object storage (S3, Azure Blob) refused or failed to store the export. */
  | 'store';

export abstract class AsanaExportError extends Error {
  abstract readonly category: ErrorCategory;
  /** What the user can do about it, when we know. */
  readonly hint: string | undefined;

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

/** Why Asana refused a request, from the status and, for 403, every signal it gave. */
export type ApiErrorReason =
  | 'bad-request'
  | 'unauthorized'
  | 'payment-required'
  | 'forbidden'
  | 'export-in-progress'
  | 'not-found'
  | 'rate-limited'
  | 'server-error'
  /** A success status with a body we cannot use (wrong shape, unsafe gid or link). */
  | 'unexpected-response'
  /** A success status with a body that is not JSON at all: lost on the way, worth asking again. */
  | 'unreadable-response';

export interface AsanaApiErrorDetails {
  readonly status: number;
  readonly reason: ApiErrorReason;
  readonly method: string;
  readonly path: string;
  /** Asana's `errors[0].message`, printable. Only ever Asana's own words. */
  readonly asanaMessage?: string | undefined;
  readonly help?: string | undefined;
  /** Asana's error phrase, present on 500s: quote it to Asana support. */
  readonly phrase?: string | undefined;
  /** What is wrong with an answer we cannot use, in our words (never shown as Asana's). */
  readonly problem?: string | undefined;
  /** For a 403 to a resource export create: how it was read, and on what grounds. */
  readonly reading?: Create403Reading | undefined;
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
  readonly problem: string | undefined;
  readonly reading: Create403Reading | undefined;
  readonly #details: AsanaApiErrorDetails;

  constructor(details: AsanaApiErrorDetails) {
    const said = details.asanaMessage ? `: ${details.asanaMessage}` : '';
    const phrase = details.phrase ? ` (error phrase: ${details.phrase})` : '';
    const problem = details.problem ? ` that cannot be used: ${details.problem}` : '';
    super(
      `Asana answered ${details.status} to ${details.method} ${details.path}${problem}${said}${phrase}`,
      { hint: details.hint },
    );
    this.#details = details;
    this.status = details.status;
    this.reason = details.reason;
    this.method = details.method;
    this.path = details.path;
    this.asanaMessage = details.asanaMessage;
    this.help = details.help;
    this.phrase = details.phrase;
    this.problem = details.problem;
    this.reading = details.reading;
  }

  /** The same refusal with another hint (what only the caller knows). */
  withHint(hint: string | undefined): AsanaApiError {
    return new AsanaApiError({ ...this.#details, hint });
  }
}

/** Why the object store would not serve the export. */
export type DownloadFailureReason =
  | 'refused'
  | 'link-expired'
  | 'not-found'
  | 'rate-limited'
  | 'server-error'
  | 'too-slow'
  | 'redirect'
  | 'bad-link'
  | 'unstable';

export interface DownloadHostErrorDetails {
  readonly reason: DownloadFailureReason;
  /** The HTTP status it answered, when it answered. */
  readonly status?: number | undefined;
  /** What happened, in our words, completing "The download host …". */
  readonly problem: string;
  readonly hint?: string | undefined;
}

/**
 * The presigned download host (an object store, not Asana) refused, misbehaved or crawled. Its
 * URL is a secret, so the message names the host's role, never the link.
 */
export class DownloadHostError extends AsanaExportError {
  readonly category = 'download';
  readonly reason: DownloadFailureReason;
  readonly status: number | undefined;

  constructor(details: DownloadHostErrorDetails) {
    super(`The download host ${details.problem}`, { hint: details.hint });
    this.reason = details.reason;
    this.status = details.status;
  }
}

/** No HTTP response arrived: connection refused or reset, DNS failure, request timeout. */
export class TransportError extends AsanaExportError {
  readonly category = 'network';
  /** A low-level code such as `ECONNRESET` or `UND_ERR_HEADERS_TIMEOUT`, when known. */
  readonly code: string | undefined;
  readonly #what: string;

  constructor(
    what: string,
    code: string | undefined,
    options?: { cause?: unknown; hint?: string | undefined },
  ) {
    super(`${what} failed${code ? ` (${code})` : ''}`, options);
    this.code = code;
    this.#what = what;
  }

  withHint(hint: string | undefined): TransportError {
    return new TransportError(this.#what, this.code, { cause: this.cause, hint });
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

  /**
   * `storedFile` names an export already stored (read by `diff`, say), which is left as it was:
   * then the message names it and the hint says how to restore it, rather than to download again.
   */
  constructor(problem: string, options?: { cause?: unknown; storedFile?: string }) {
    const stored = options?.storedFile;
    super(
      stored === undefined
        ? `The downloaded export is not intact: ${problem}`
        : `The stored export ${stored} is not intact: ${problem}`,
      {
        hint:
          stored === undefined
            ? 'No file was kept under the final name. Run the download again; it fetches a fresh copy.'
            : 'It was left as it is. Restore it from another copy, or download the export again while Asana keeps it (30 days after it completed).',
        cause: options?.cause,
      },
    );
    this.problem = problem;
  }
}

/**
 * Why an age-encrypted export could not be decrypted: `no-identity` and `unsupported` mean the
 * key does not fit (the file may well be intact); every other reason means the file was changed,
 * cut short or extended after it was encrypted.
 */
export type AgeDecryptFailure =
  /** It does not begin with an age header at all. */
  | 'not-age'
  /** A later age version, or only recipient types other than X25519. */
  | 'unsupported'
  /** None of the identities given opens any of its recipient stanzas. */
  | 'no-identity'
  /** The header does not parse. */
  | 'header'
  /** The header parses and a key opens it, but its MAC does not match: it was changed. */
  | 'header-mac'
  /** A payload chunk does not authenticate, or bytes follow the final chunk. */
  | 'payload'
  /** The file ends before its final chunk. */
  | 'truncated';

const AGE_DAMAGED_HINT =
  'The file changed after it was encrypted: copy it again from where it is stored, or download the export again.';

const AGE_DECRYPT_HINTS: Readonly<Record<AgeDecryptFailure, string>> = {
  'not-age': 'Pass the .age file the download wrote, as it was written.',
  unsupported: 'Only age v1 files encrypted to X25519 recipients (age1...) can be read here.',
  'no-identity':
    'Pass the identity file (AGE-SECRET-KEY-1..., as age-keygen wrote it) of one of the recipients the export was encrypted to; its manifest lists their public keys under encryption.recipients.',
  header: AGE_DAMAGED_HINT,
  'header-mac': AGE_DAMAGED_HINT,
  payload: AGE_DAMAGED_HINT,
  truncated: AGE_DAMAGED_HINT,
};

/** An age-encrypted export cannot be opened: the wrong key, or a damaged file. */
export class AgeDecryptError extends AsanaExportError {
  readonly category: 'decrypt' | 'integrity';
  readonly reason: AgeDecryptFailure;
  /** What is wrong, without the sentence around it. */
  readonly problem: string;

  constructor(reason: AgeDecryptFailure, problem: string, hint?: string) {
    super(`Cannot decrypt the export: ${problem}`, { hint: hint ?? AGE_DECRYPT_HINTS[reason] });
    this.reason = reason;
    this.problem = problem;
    this.category = reason === 'no-identity' || reason === 'unsupported' ? 'decrypt' : 'integrity';
  }
}

/** Which part of a run the time limit ended. */
export type TimeoutPhase = 'creating' | 'waiting' | 'downloading';

export interface ExportTimeoutDetails {
  readonly kind: ExportKind | undefined;
  /** The gid polled (organization export or job), once known. */
  readonly gid: string | undefined;
  readonly rawState: string | undefined;
  readonly phase: TimeoutPhase;
  /** Time since the limit began. */
  readonly elapsedMs: number;
  /** The limit itself (`--timeout`, `timeout-minutes`, Timeout (Minutes)). */
  readonly timeoutMs: number;
  /** Bytes kept so far, for a download. */
  readonly downloaded?: { readonly bytes: number; readonly totalBytes: number | undefined };
  /** Set when a server asked to wait longer than the time left: what asked, and how long. */
  readonly refusedWait?: { readonly what: string; readonly delayMs: number };
}

/** The run's time limit ran out: the export goes on at Asana and can be resumed by its gid. */
export class ExportTimeoutError extends AsanaExportError {
  readonly category = 'timeout';
  readonly gid: string | undefined;
  readonly rawState: string | undefined;
  readonly phase: TimeoutPhase;
  readonly timeoutMs: number;

  constructor(details: ExportTimeoutDetails) {
    super(timeoutMessage(details), {
      hint:
        details.gid === undefined
          ? 'No export was started: run again, with a longer timeout.'
          : `The export goes on at Asana. Resume it later by its gid (${details.gid}) instead of starting a new one.`,
    });
    this.gid = details.gid;
    this.rawState = details.rawState;
    this.phase = details.phase;
    this.timeoutMs = details.timeoutMs;
  }
}

function timeoutMessage(details: ExportTimeoutDetails): string {
  const after = formatDuration(details.elapsedMs);
  const limit = formatDuration(details.timeoutMs);
  const what =
    details.kind !== undefined && details.gid !== undefined
      ? describeExport(details.kind, details.gid)
      : 'the export';
  if (details.refusedWait) {
    const left = formatDuration(Math.max(0, details.timeoutMs - details.elapsedMs));
    return `Gave up after ${after}: ${details.refusedWait.what} asked to wait ${formatDuration(details.refusedWait.delayMs)} (Retry-After), more than the ${left} left of the ${limit} timeout`;
  }
  switch (details.phase) {
    case 'creating':
      return `Gave up after ${after}, the ${limit} timeout, while starting ${what}`;
    case 'waiting':
      return `Gave up waiting after ${after}, the ${limit} timeout: ${what} is still ${details.rawState ?? 'not finished'}`;
    case 'downloading': {
      const got = details.downloaded;
      const progress =
        got === undefined
          ? ''
          : ` (${formatBytes(got.bytes)}${got.totalBytes === undefined ? '' : ` of ${formatBytes(got.totalBytes)}`} downloaded)`;
      return `Gave up after ${after}, the ${limit} timeout, while downloading ${what}${progress}`;
    }
  }
}

/** What a local file operation was doing when it failed. */
export type LocalOperation = 'write' | 'create' | 'read' | 'publish';

export interface LocalFileErrorDetails {
  readonly operation: LocalOperation;
  /** The file or folder, as the user would find it. */
  readonly path: string;
  /** The system's code: `ENOSPC`, `EFBIG`, `EACCES`, `EROFS`... */
  readonly code: string | undefined;
  readonly cause?: unknown;
  readonly hint?: string | undefined;
}

const LOCAL_CAUSES: Readonly<Record<string, string>> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'the file size limit was reached',
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder',
  EMFILE: 'too many files are open',
};

/** The local disk refused: full, read-only, not permitted. The export at Asana is unharmed. */
export class LocalFileError extends AsanaExportError {
  readonly category = 'local';
  readonly path: string;
  readonly code: string | undefined;
  readonly operation: LocalOperation;

  constructor(details: LocalFileErrorDetails) {
    const why = (details.code && LOCAL_CAUSES[details.code]) ?? 'the system refused';
    super(
      `Cannot ${details.operation} ${details.path}: ${why}${details.code ? ` (${details.code})` : ''}`,
      { hint: details.hint ?? localHint(details.code), cause: details.cause },
    );
    this.path = details.path;
    this.code = details.code;
    this.operation = details.operation;
  }
}

function localHint(code: string | undefined): string {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
    case 'EFBIG':
      return 'Free some space (or raise the limit), or choose an output folder on another disk, then run again.';
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return 'Choose an output folder this user can write to, then run again.';
    default:
      return 'Check the output folder, then run again.';
  }
}

/** Why the user's object storage would not take the export. */
export type StoreFailureReason =
  /** Credentials missing, expired or refused (signature, token). */
  | 'unauthenticated'
  /** Authenticated, but not allowed: a missing IAM action or role assignment. */
  | 'denied'
  /** The bucket or container does not exist. */
  | 'not-found'
  /** The bucket lives in another region than the one signed for. */
  | 'wrong-region'
  /** An object already has the name: it is never replaced. */
  | 'exists'
  /** The store refused the request's content (a checksum, a header, a size). */
  | 'rejected'
  | 'throttled'
  | 'server-error'
  /** A success status with an answer that cannot be used. */
  | 'unexpected-response';

export interface ObjectStoreErrorDetails {
  /** `S3` or `Azure Blob`. */
  readonly store: string;
  readonly reason: StoreFailureReason;
  /** The operation, as the store's documentation names it: `UploadPart`, `Put Block List`. */
  readonly operation: string;
  /** Where, as `bucket/key` or `container/blob`: never a URL, which may carry a SAS token. */
  readonly location: string;
  readonly status?: number | undefined;
  /** The store's error code (`AccessDenied`), printable. Only ever the store's own words. */
  readonly code?: string | undefined;
  /** The store's message, printable. */
  readonly storeMessage?: string | undefined;
  /** What is wrong, in our words, when the store said nothing usable. */
  readonly problem?: string | undefined;
  readonly hint?: string | undefined;
}

/**
 * The user's own object storage (where the export was to be stored, not the download host)
 * refused a request or answered one we cannot use. An upload it was part of has been aborted.
 */
export class ObjectStoreError extends AsanaExportError {
  readonly category = 'store';
  readonly store: string;
  readonly reason: StoreFailureReason;
  readonly operation: string;
  readonly location: string;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly storeMessage: string | undefined;

  constructor(details: ObjectStoreErrorDetails) {
    const status = details.status === undefined ? '' : ` ${details.status}`;
    const code = details.code ? ` ${details.code}` : '';
    const said = details.storeMessage ? `: ${details.storeMessage}` : '';
    const problem = details.problem ? `: ${details.problem}` : '';
    // Without a status the store said nothing: the problem is ours, and reads as ours.
    super(
      details.status === undefined
        ? `Cannot ${details.operation} ${details.location} in ${details.store}${problem}`
        : `${details.store} answered${status}${code} to ${details.operation} of ${details.location}${problem}${said}`,
      { hint: details.hint },
    );
    this.store = details.store;
    this.reason = details.reason;
    this.operation = details.operation;
    this.location = details.location;
    this.status = details.status;
    this.code = details.code;
    this.storeMessage = details.storeMessage;
  }
}

/** The caller's signal aborted the operation. */
export class CancelledError extends AsanaExportError {
  readonly category = 'cancelled';

  constructor(what: string, options?: { cause?: unknown }) {
    super(`${what} was cancelled`, options);
  }
}
