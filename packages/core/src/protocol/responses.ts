/**
 * Turns Asana's answers into an `ExportStatus` or an `AsanaApiError`. Everything in an answer is
 * untrusted until checked here: bodies are validated with the schemas, gids must be safe
 * identifiers (they become URL paths and file names), a status must describe the export asked
 * for, a download link must be http(s), and every text kept is made printable. Error messages
 * name fields, never values, because a body may carry a presigned download URL.
 */

import type * as z from 'zod/mini';
import { type ApiErrorReason, AsanaApiError } from './errors.js';
import { EXPORT_KINDS, type ExportKind, isExportGid, type Outcome, outcomeOf } from './kinds.js';
import { describeExport } from './labels.js';
import { checkDownloadLink } from './links.js';
import type { ApiRequest, ApiResponse } from './ports.js';
import {
  asanaErrorBodySchema,
  type JobExport,
  jobResponseSchema,
  organizationExportResponseSchema,
} from './schemas.js';
import { printable } from './text.js';
import { whoMayExport } from './who-may-export.js';
import { type Create403Reading, readCreate403 } from './workspace-busy.js';

export interface ExportStatus {
  kind: ExportKind;
  /** The gid to poll: organization export gid, or the job gid. A safe identifier (`isExportGid`). */
  gid: string;
  /** resource/graph: the export's own gid (new_resource_export.gid / new_graph_export.gid) when present. */
  exportGid: string | undefined;
  /** Asana's `state` / `status`, printable. */
  rawState: string;
  /** `done` only once there is a link to download (see `outcomeOf`). */
  outcome: Outcome;
  /** Presigned http(s) URL: a secret. Never log it. null until done. */
  downloadUrl: string | null;
  createdAt: string | undefined;
  completedAt: string | undefined;
  organization: { gid: string; name: string | undefined } | undefined;
}

/** Longest state value kept: real ones are one word. */
const MAX_STATE_LENGTH = 64;

/**
 * Reads the answer to a create or status request. Throws `parseApiError(...)` for a non-2xx
 * status, an `unreadable-response` error for a body that is not JSON (a proxy's page, a truncated
 * transfer: worth asking again), and an `unexpected-response` error for JSON that is not the
 * documented shape, holds an unsafe gid or link, or (with `expectedGid`) describes another export.
 */
export function parseExportStatus(
  kind: ExportKind,
  request: ApiRequest,
  response: ApiResponse,
  expectedGid?: string,
): ExportStatus {
  if (response.status < 200 || response.status > 299) throw parseApiError(request, response);
  const body = parseJson(response.body);
  if (body === NOT_JSON) {
    throw unusableAnswer(request, response, 'the body is not JSON', 'unreadable-response');
  }
  const status =
    kind === 'organization'
      ? readOrganizationExport(request, response, body)
      : readJob(kind, request, response, body);
  if (expectedGid !== undefined && status.gid !== expectedGid) {
    throw unusableAnswer(
      request,
      response,
      `it describes ${describeExport(kind, status.gid)}, not ${expectedGid}, which was asked for`,
    );
  }
  return status;
}

function readOrganizationExport(
  request: ApiRequest,
  response: ApiResponse,
  body: unknown,
): ExportStatus {
  const result = organizationExportResponseSchema.safeParse(body);
  if (!result.success) throw invalidBody(request, response, body, result.error);
  const data = result.data.data;
  const gid = checkedGid(request, response, 'data.gid', data.gid);
  const downloadUrl = checkedLink(request, response, 'data.download_url', data.download_url);
  const rawState = printable(data.state, MAX_STATE_LENGTH);
  return {
    kind: 'organization',
    gid,
    exportGid: undefined,
    rawState,
    outcome: outcomeOf('organization', rawState, downloadUrl !== null),
    downloadUrl,
    createdAt: optionalText(data.created_at),
    completedAt: undefined,
    organization: data.organization && {
      gid: printable(data.organization.gid),
      name: optionalText(data.organization.name),
    },
  };
}

function readJob(
  kind: 'resource' | 'graph',
  request: ApiRequest,
  response: ApiResponse,
  body: unknown,
): ExportStatus {
  const result = jobResponseSchema.safeParse(body);
  if (!result.success) throw invalidBody(request, response, body, result.error);
  const job = result.data.data;
  // Prefer the field of the kind we expect, but accept the other: a job resumed by gid with the
  // wrong kind still reports its state honestly.
  const field =
    kind === 'resource'
      ? job.new_resource_export
        ? 'new_resource_export'
        : 'new_graph_export'
      : job.new_graph_export
        ? 'new_graph_export'
        : 'new_resource_export';
  const ownExport: JobExport | null | undefined = job[field];
  const gid = checkedGid(request, response, 'data.gid', job.gid);
  const exportGid =
    ownExport === null || ownExport === undefined
      ? undefined
      : checkedGid(request, response, `data.${field}.gid`, ownExport.gid);
  const downloadUrl = checkedLink(
    request,
    response,
    `data.${field}.download_url`,
    ownExport?.download_url,
  );
  const rawState = printable(job.status, MAX_STATE_LENGTH);
  return {
    kind,
    gid,
    exportGid,
    rawState,
    outcome: outcomeOf(kind, rawState, downloadUrl !== null),
    downloadUrl,
    createdAt: optionalText(ownExport?.created_at),
    completedAt: optionalText(ownExport?.completed_at),
    organization: undefined,
  };
}

/** A gid from an answer, only if it is safe to put in a URL path and a file name. */
function checkedGid(
  request: ApiRequest,
  response: ApiResponse,
  field: string,
  gid: string,
): string {
  if (isExportGid(gid)) return gid;
  throw unusableAnswer(
    request,
    response,
    `${field} is not a gid (expected letters, digits, - and _ only, at most 64)`,
  );
}

/** A download link from an answer, only if the downloader may open it. */
function checkedLink(
  request: ApiRequest,
  response: ApiResponse,
  field: string,
  url: string | null | undefined,
): string | null {
  if (url === null || url === undefined) return null;
  const verdict = checkDownloadLink(url);
  if (verdict.ok) return url;
  throw unusableAnswer(request, response, `${field} ${verdict.problem}`);
}

function optionalText(text: string | null | undefined): string | undefined {
  return text === null || text === undefined ? undefined : printable(text, 100);
}

const REASON_BY_STATUS: Readonly<Record<number, ApiErrorReason>> = {
  400: 'bad-request',
  401: 'unauthorized',
  402: 'payment-required',
  403: 'forbidden',
  404: 'not-found',
  429: 'rate-limited',
};

/** Builds the error for a non-2xx answer. The body may be anything, even a proxy's HTML page. */
export function parseApiError(request: ApiRequest, response: ApiResponse): AsanaApiError {
  const errors = readErrorEntries(response.body);
  const first = errors[0];
  const reading =
    response.status === 403 && request.method === 'POST' && request.path === '/exports/resource'
      ? readCreate403({
          messages: errors.map((entry) => entry.message),
          retryAfter: response.headers['retry-after'],
        })
      : undefined;
  const reason = reasonFor(response.status, reading);
  const phrase = first?.phrase === undefined ? undefined : printable(first.phrase, 100);
  return new AsanaApiError({
    status: response.status,
    reason,
    method: request.method,
    path: request.path,
    asanaMessage: first?.message === undefined ? undefined : printable(first.message),
    help: first?.help === undefined ? undefined : printable(first.help),
    phrase,
    reading,
    hint: hintFor(reason, request.path, phrase, reading),
  });
}

function reasonFor(status: number, reading: Create403Reading | undefined): ApiErrorReason {
  if (reading?.reading === 'busy') return 'export-in-progress';
  if (status >= 500 && status <= 599) return 'server-error';
  return REASON_BY_STATUS[status] ?? 'unexpected-response';
}

function readErrorEntries(text: string): z.infer<typeof asanaErrorBodySchema>['errors'] {
  const result = asanaErrorBodySchema.safeParse(parseJson(text));
  return result.success ? result.data.errors : [];
}

/** Who may create each kind, from the path of the request that was refused. */
function entitlementHint(path: string): string {
  if (path.startsWith('/organization_exports')) return whoMayExport('organization');
  if (path.startsWith('/exports/resource')) return whoMayExport('resource');
  if (path.startsWith('/exports/graph')) {
    return `${whoMayExport('graph')} The user must also have access to the parent.`;
  }
  return EXPORT_KINDS.map(whoMayExport).join(' ');
}

function hintFor(
  reason: ApiErrorReason,
  path: string,
  phrase: string | undefined,
  reading?: Create403Reading,
): string {
  const read =
    reading === undefined ? '' : ` (Read as ${readingLabel(reading)}: ${reading.because}.)`;
  switch (reason) {
    case 'bad-request':
      return 'Asana rejected a parameter: check the gids, resource types, fields and filters named in its message.';
    case 'unauthorized':
      return 'Check the token: it may be mistyped, expired or revoked. Exports work best with a service account token.';
    case 'payment-required':
    case 'forbidden':
      return `${entitlementHint(path)} Check that the token belongs to such an account and can see the target.${read}`;
    case 'export-in-progress':
      return `Only one resource export runs per workspace at a time. Wait for the running one to finish, or resume it by its job gid instead of starting another.${read}`;
    case 'not-found':
      return path.startsWith('/jobs/')
        ? "Check the gid: a resource or graph export is polled by its job gid (the manifest's jobGid, the gid in the file name), not by the export gid (exportGid) inside the job, which Asana cannot poll. Only the token that created the job may read it: poll with the same token."
        : 'Check the gid. Only the token that created an export job may read it: poll with the same token.';
    case 'rate-limited':
      return 'Asana rate-limited this token (per-token limits, a few concurrent export jobs). Wait and try again, or run fewer exports at once.';
    case 'server-error':
      return phrase
        ? `Asana had a problem. If it persists, contact Asana support and quote the error phrase "${phrase}".`
        : 'Asana had a problem. Try again later; if it persists, contact Asana support.';
    case 'unexpected-response':
    case 'unreadable-response':
      return 'This is not an answer the export API documents. Check the base URL and any proxy in between; if it persists, report it with the status and path.';
  }
}

/** How the hint names the reading taken of a resource export create's 403. */
export function readingLabel(reading: Create403Reading): string {
  switch (reading.reading) {
    case 'busy':
      return 'another export of this workspace is running';
    case 'forbidden':
      return 'not permitted';
    case 'unclear':
      return 'unclear, not permitted or another export running';
  }
}

// --- Helpers --------------------------------------------------------------------------------

const NOT_JSON: unique symbol = Symbol('not JSON');

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

function invalidBody(
  request: ApiRequest,
  response: ApiResponse,
  body: unknown,
  error: z.core.$ZodError,
): AsanaApiError {
  const problems = error.issues.map((issue) => describeIssue(body, issue));
  return unusableAnswer(request, response, problems.join('; '));
}

/** Describes a schema issue by path and expected type; the value itself is never shown. */
function describeIssue(body: unknown, issue: z.core.$ZodIssue): string {
  const path = formatPath(issue.path);
  const value = valueAt(body, issue.path);
  if (value === undefined) return `${path} is missing`;
  if (issue.code === 'invalid_type') {
    return `${path} should be ${issue.expected}, not ${typeName(value)}`;
  }
  return `${path} is invalid (${issue.code})`;
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'the body';
  return path
    .map((key, index) =>
      typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`,
    )
    .join('');
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

/**
 * An answer we cannot use. The problem is ours to describe, so it goes in `problem`, never in
 * `asanaMessage`, which holds only Asana's own words.
 */
function unusableAnswer(
  request: ApiRequest,
  response: ApiResponse,
  problem: string,
  reason: 'unexpected-response' | 'unreadable-response' = 'unexpected-response',
): AsanaApiError {
  return new AsanaApiError({
    status: response.status,
    reason,
    method: request.method,
    path: request.path,
    problem,
    hint: hintFor(reason, request.path, undefined),
  });
}
