/**
 * Turns Asana's answers into an `ExportStatus` or an `AsanaApiError`. Bodies are validated with
 * the schemas; error messages name fields, never values, because a body may carry a presigned
 * download URL.
 */

import type { z } from 'zod';
import { type ApiErrorReason, AsanaApiError } from './errors.js';
import { type ExportKind, normalizeState, type Outcome } from './kinds.js';
import type { ApiRequest, ApiResponse } from './ports.js';
import {
  asanaErrorBodySchema,
  type JobExport,
  jobResponseSchema,
  organizationExportResponseSchema,
} from './schemas.js';

export interface ExportStatus {
  kind: ExportKind;
  /** The gid to poll: organization export gid, or the job gid. */
  gid: string;
  /** resource/graph: the export's own gid (new_resource_export.gid / new_graph_export.gid) when present. */
  exportGid: string | undefined;
  rawState: string;
  outcome: Outcome;
  /** Presigned URL: a secret. Never log it. null until done. */
  downloadUrl: string | null;
  createdAt: string | undefined;
  completedAt: string | undefined;
  organization: { gid: string; name: string | undefined } | undefined;
}

/**
 * Reads the answer to a create or status request. Throws `parseApiError(...)` for a non-2xx
 * status, and an `unexpected-response` error for a 2xx body that is not the documented shape,
 * including a finished export without a download URL (there would be nothing to download).
 */
export function parseExportStatus(
  kind: ExportKind,
  request: ApiRequest,
  response: ApiResponse,
): ExportStatus {
  if (response.status < 200 || response.status > 299) throw parseApiError(request, response);
  const body = parseJson(response.body);
  if (body === NOT_JSON) throw unexpectedResponse(request, response, 'the body is not JSON');
  const status =
    kind === 'organization'
      ? readOrganizationExport(request, response, body)
      : readJob(kind, request, response, body);
  if (status.outcome === 'done' && status.downloadUrl === null) {
    throw unexpectedResponse(
      request,
      response,
      `the export is ${status.rawState} but ${
        kind === 'organization' ? 'data.download_url' : `data.new_${kind}_export.download_url`
      } is missing`,
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
  return {
    kind: 'organization',
    gid: data.gid,
    exportGid: undefined,
    rawState: data.state,
    outcome: normalizeState('organization', data.state),
    downloadUrl: data.download_url ?? null,
    createdAt: data.created_at,
    completedAt: undefined,
    organization: data.organization && {
      gid: data.organization.gid,
      name: data.organization.name,
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
  const ownExport: JobExport | null | undefined =
    kind === 'resource'
      ? (job.new_resource_export ?? job.new_graph_export)
      : (job.new_graph_export ?? job.new_resource_export);
  return {
    kind,
    gid: job.gid,
    exportGid: ownExport?.gid,
    rawState: job.status,
    outcome: normalizeState(kind, job.status),
    downloadUrl: ownExport?.download_url ?? null,
    createdAt: ownExport?.created_at,
    completedAt: ownExport?.completed_at ?? undefined,
    organization: undefined,
  };
}

const REASON_BY_STATUS: Readonly<Record<number, ApiErrorReason>> = {
  400: 'bad-request',
  401: 'unauthorized',
  402: 'payment-required',
  403: 'forbidden',
  404: 'not-found',
  429: 'rate-limited',
};

/**
 * Asana answers "an export is already running" with the same 403 as "not permitted"; only the
 * message tells them apart, and its wording is undocumented, so match loosely.
 */
const EXPORT_IN_PROGRESS =
  /already (in progress|running)|in progress for this workspace|one export/i;

/** Builds the error for a non-2xx answer. The body may be anything, even a proxy's HTML page. */
export function parseApiError(request: ApiRequest, response: ApiResponse): AsanaApiError {
  const errors = readErrorEntries(response.body);
  const first = errors[0];
  const reason = reasonFor(
    response.status,
    errors.map((entry) => entry.message),
  );
  return new AsanaApiError({
    status: response.status,
    reason,
    method: request.method,
    path: request.path,
    asanaMessage: first?.message,
    help: first?.help,
    phrase: first?.phrase,
    hint: hintFor(reason, request.path, first?.phrase),
  });
}

function reasonFor(status: number, messages: readonly string[]): ApiErrorReason {
  if (status === 403 && messages.some((message) => EXPORT_IN_PROGRESS.test(message))) {
    return 'export-in-progress';
  }
  if (status >= 500 && status <= 599) return 'server-error';
  return REASON_BY_STATUS[status] ?? 'unexpected-response';
}

function readErrorEntries(text: string): z.infer<typeof asanaErrorBodySchema>['errors'] {
  const result = asanaErrorBodySchema.safeParse(parseJson(text));
  return result.success ? result.data.errors : [];
}

/** Who may create each kind, from the path of the request that was refused. */
function entitlementHint(path: string): string {
  if (path.startsWith('/organization_exports')) {
    return 'Organization exports need a service account token of an Enterprise or Enterprise+ organization.';
  }
  if (path.startsWith('/exports/resource')) {
    return 'Resource exports need a service account token of an Enterprise+ organization, or of one with the Compliance Management add-on.';
  }
  if (path.startsWith('/exports/graph')) {
    return 'Graph exports need a user of an Enterprise or Enterprise+ organization with access to the parent.';
  }
  return 'Organization exports need a service account of an Enterprise or Enterprise+ organization; resource exports need Enterprise+ or the Compliance Management add-on; graph exports need an Enterprise or Enterprise+ organization.';
}

function hintFor(reason: ApiErrorReason, path: string, phrase: string | undefined): string {
  switch (reason) {
    case 'bad-request':
      return 'Asana rejected a parameter: check the gids, resource types, fields and filters named in its message.';
    case 'unauthorized':
      return 'Check the token: it may be mistyped, expired or revoked. Exports work best with a service account token.';
    case 'payment-required':
    case 'forbidden':
      return `${entitlementHint(path)} Check that the token belongs to such an account and can see the target.`;
    case 'export-in-progress':
      return 'Only one resource export runs per workspace at a time. Wait for the running one to finish, or resume it by its job gid instead of starting another.';
    case 'not-found':
      return 'Check the gid. Only the token that created an export job may read it: poll with the same token.';
    case 'rate-limited':
      return 'Asana rate-limited this token (per-token limits, a few concurrent export jobs). Wait and try again, or run fewer exports at once.';
    case 'server-error':
      return phrase
        ? `Asana had a problem. If it persists, contact Asana support and quote the error phrase "${phrase}".`
        : 'Asana had a problem. Try again later; if it persists, contact Asana support.';
    case 'unexpected-response':
      return 'This is not an answer the export API documents. Check the base URL and any proxy in between; if it persists, report it with the status and path.';
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
  error: z.ZodError,
): AsanaApiError {
  const problems = error.issues.map((issue) => describeIssue(body, issue));
  return unexpectedResponse(request, response, problems.join('; '));
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
 * AsanaApiError builds its message from Asana's own words; here the problem is ours to describe,
 * so the message is extended rather than passing our text off as `asanaMessage`.
 */
function unexpectedResponse(
  request: ApiRequest,
  response: ApiResponse,
  problem: string,
): AsanaApiError {
  const error = new AsanaApiError({
    status: response.status,
    reason: 'unexpected-response',
    method: request.method,
    path: request.path,
    hint: hintFor('unexpected-response', request.path, undefined),
  });
  error.message = `${error.message} with an unexpected body: ${problem}`;
  return error;
}
