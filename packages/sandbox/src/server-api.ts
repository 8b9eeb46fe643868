/**
 * The API origin: Asana's export endpoints under `/api/1.0`, with Asana's envelopes, status codes
 * and error bodies. Requests under `/_sandbox/` go to the control plane instead.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type AnswerFault, isAnswerFault, isFinalOnly, sendAnswer } from './answer-faults.js';
import type { SandboxContext } from './context.js';
import { asanaErrorBody, defaultAsanaMessage, MESSAGES, unknownObjectMessage } from './errors.js';
import type { FieldTree } from './field-selection.js';
import {
  BodyTooLargeError,
  createExchange,
  destroyWithoutAnswer,
  type Exchange,
  readBody,
  sendJson,
} from './http-io.js';
import { type OptFieldsEndpoint, parseOptFields, withOptFields } from './opt-fields.js';
import { jobJson, type MintDownloadUrl, organizationExportJson } from './representations.js';
import { describeRequest } from './request-log.js';
import {
  parseGraphExportRequest,
  parseOrganizationExportRequest,
  parseResourceExportRequest,
} from './request-validation.js';
import { handleControlRequest } from './server-control.js';
import { type ListAnswer, listParents, listWorkspaces } from './server-lists.js';
import { type ExportRecord, isWaiting } from './state.js';
import type { Fault } from './types.js';

const API_PREFIX = '/api/1.0';

type ApiFaultRoute = 'create' | 'status';

/** An exchange on the API origin, with the faults that shape its answer rather than replace it. */
interface ApiExchange extends Exchange {
  /** Which injected faults the matched route consumes, if any. */
  faultRoute: ApiFaultRoute | undefined;
  /** A rewrite or garble taken on arrival, applied to whatever the route answers. */
  answerFault: AnswerFault | undefined;
  /**
   * True while the request has taken no fault: then a `final` rewrite heading the queue may
   * still be taken, once the answer turns out to describe a finished or failed export.
   */
  mayTakeFinalFault: boolean;
}

interface ApiRoute {
  method: 'GET' | 'POST';
  pattern: RegExp;
  /** Which injected faults this route consumes; none for routes outside the export flow. */
  faultRoute: ApiFaultRoute | undefined;
  handle(context: SandboxContext, exchange: ApiExchange, gid: string): Promise<void> | void;
}

const ROUTES: readonly ApiRoute[] = [
  {
    method: 'POST',
    pattern: /^\/organization_exports$/,
    faultRoute: 'create',
    handle: createOrganizationExport,
  },
  {
    method: 'GET',
    pattern: /^\/organization_exports\/([^/]+)$/,
    faultRoute: 'status',
    handle: getOrganizationExport,
  },
  {
    method: 'POST',
    pattern: /^\/exports\/resource$/,
    faultRoute: 'create',
    handle: createResourceExport,
  },
  {
    method: 'POST',
    pattern: /^\/exports\/graph$/,
    faultRoute: 'create',
    handle: createGraphExport,
  },
  { method: 'GET', pattern: /^\/jobs\/([^/]+)$/, faultRoute: 'status', handle: getJob },
  // What credential tests (n8n's "Test" button) call to tell a good token from a bad one.
  { method: 'GET', pattern: /^\/users\/me$/, faultRoute: undefined, handle: getMe },
  // What pick-lists read (the n8n node's "From list"): workspaces and the parents in one.
  {
    method: 'GET',
    pattern: /^\/workspaces$/,
    faultRoute: undefined,
    handle: (context, exchange) =>
      sendList(exchange, listWorkspaces(exchange.url, context.apiBase)),
  },
  ...(['project', 'portfolio', 'goal'] as const).map(
    (type): ApiRoute => ({
      method: 'GET',
      pattern: new RegExp(`^/${type}s$`),
      faultRoute: undefined,
      handle: (context, exchange) =>
        sendList(exchange, listParents(type, exchange.url, context.apiBase)),
    }),
  ),
  {
    method: 'GET',
    pattern: /^\/(?:workspaces|organizations)\/([^/]+)\/teams$/,
    faultRoute: undefined,
    handle: (context, exchange, workspace) =>
      sendList(exchange, listParents('team', exchange.url, context.apiBase, workspace)),
  },
];

export async function handleApiRequest(
  context: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (req.url?.startsWith('/_sandbox/')) {
    return handleControlRequest(context, createExchange(req, res, describeRequest('api', req)));
  }
  const exchange: ApiExchange = {
    ...createExchange(req, res, context.log.begin('api', req, res)),
    faultRoute: undefined,
    answerFault: undefined,
    mayTakeFinalFault: false,
  };
  try {
    await route(context, exchange);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      sendAsanaError(exchange, 400, error.message);
    } else if (!res.headersSent) {
      sendAsanaError(exchange, 500, MESSAGES.serverError);
    } else {
      destroyWithoutAnswer(exchange);
    }
  }
}

async function route(context: SandboxContext, exchange: ApiExchange): Promise<void> {
  const { pathname } = exchange.url;
  if (!pathname.startsWith(`${API_PREFIX}/`)) {
    return sendAsanaError(exchange, 404, MESSAGES.noRoute);
  }
  if (exchange.req.headers.authorization !== `Bearer ${context.token}`) {
    return sendAsanaError(exchange, 401, MESSAGES.notAuthorized);
  }
  const path = pathname.slice(API_PREFIX.length);
  for (const candidate of ROUTES) {
    const match = candidate.pattern.exec(path);
    if (match === null || candidate.method !== exchange.req.method) continue;
    const { faultRoute } = candidate;
    if (faultRoute !== undefined) {
      // A `final` rewrite at the head waits for the answer to say whether the export is done.
      const fault = context.faults.take(faultRoute, (queued) => !isFinalOnly(queued));
      exchange.faultRoute = faultRoute;
      exchange.mayTakeFinalFault = fault === undefined;
      if (fault !== undefined && 'hang' in fault) return hang(exchange);
      if (fault !== undefined && 'reset' in fault && fault.reset === 'after-processing') {
        exchange.dropAnswer = true;
      } else if (fault !== undefined && isAnswerFault(fault)) {
        exchange.answerFault = fault;
      } else if (fault !== undefined) {
        return answerWithFault(exchange, fault, faultRoute);
      }
    }
    return candidate.handle(context, exchange, decodeURIComponent(match[1] ?? ''));
  }
  return sendAsanaError(exchange, 404, MESSAGES.noRoute);
}

function getMe(_context: SandboxContext, exchange: ApiExchange): void {
  sendData(exchange, 200, {
    gid: '1100000000000001',
    resource_type: 'user',
    name: 'Sandbox service account',
    email: 'service-account@sandbox.invalid',
  });
}

async function createOrganizationExport(
  context: SandboxContext,
  exchange: ApiExchange,
): Promise<void> {
  const body = await readJson(exchange);
  if (body === undefined) return;
  const fields = optFields(exchange, 'organization_export');
  if (fields === null) return;
  const request = parseOrganizationExportRequest(body);
  if (!request.ok) return sendAsanaError(exchange, 400, request.message);
  const now = Date.now();
  const record = context.store.createOrganizationExport(
    request.value.organization,
    context.scenario,
    now,
  );
  context.warm(record);
  sendExport(context, exchange, 201, record, now, organizationExportJson, fields);
}

async function createResourceExport(context: SandboxContext, exchange: ApiExchange): Promise<void> {
  const body = await readJson(exchange);
  if (body === undefined) return;
  const request = parseResourceExportRequest(body);
  if (!request.ok) return sendAsanaError(exchange, 400, request.message);
  const now = Date.now();
  const outcome = context.store.createResourceExport(
    request.value.workspace,
    request.value.parameters,
    context.scenario,
    now,
  );
  if (!outcome.created) return sendAsanaError(exchange, 403, MESSAGES.exportInProgress);
  context.warm(outcome.record);
  sendExport(context, exchange, 201, outcome.record, now, jobJson);
}

async function createGraphExport(context: SandboxContext, exchange: ApiExchange): Promise<void> {
  const body = await readJson(exchange);
  if (body === undefined) return;
  const request = parseGraphExportRequest(body);
  if (!request.ok) return sendAsanaError(exchange, 400, request.message);
  const now = Date.now();
  const record = context.store.createGraphExport(request.value.parent, context.scenario, now);
  context.warm(record);
  sendExport(context, exchange, 201, record, now, jobJson);
}

function getOrganizationExport(context: SandboxContext, exchange: ApiExchange, gid: string): void {
  const fields = optFields(exchange, 'organization_export');
  if (fields === null) return;
  const record = context.store.organizationExport(gid);
  if (record === undefined) {
    sendAsanaError(exchange, 404, unknownObjectMessage(gid));
    return;
  }
  sendExport(context, exchange, 200, record, Date.now(), organizationExportJson, fields);
}

function getJob(context: SandboxContext, exchange: ApiExchange, gid: string): void {
  const fields = optFields(exchange, 'job');
  if (fields === null) return;
  const record = context.store.job(gid);
  if (record === undefined) {
    sendAsanaError(exchange, 404, unknownObjectMessage(gid));
    return;
  }
  sendExport(context, exchange, 200, record, Date.now(), jobJson, fields);
}

/** The `opt_fields` asked for (undefined: none), or null after answering 400 for a bad one. */
function optFields(
  exchange: ApiExchange,
  endpoint: OptFieldsEndpoint,
): FieldTree | undefined | null {
  const parsed = parseOptFields(exchange.url.searchParams, endpoint);
  if (parsed.ok) return parsed.value;
  sendAsanaError(exchange, 400, parsed.message);
  return null;
}

/**
 * Reads the request, then answers nothing: the connection stays open until the client gives up
 * or the sandbox closes it. Nothing is done, so a create creates no export.
 */
async function hang(exchange: ApiExchange): Promise<void> {
  try {
    await readBody(exchange.req);
  } catch {
    // Too large or cut off: either way there is nothing to answer.
  }
}

function answerWithFault(exchange: Exchange, fault: Fault, route: ApiFaultRoute): void {
  if ('status' in fault) {
    const headers: Record<string, string> =
      fault.retryAfter === undefined ? {} : { 'Retry-After': fault.retryAfter };
    const message = fault.message ?? defaultAsanaMessage(fault.status, route);
    sendJson(exchange, fault.status, asanaErrorBody(fault.status, message), {
      pretty: isPretty(exchange),
      headers,
    });
    return;
  }
  // What is left for an API route to answer here is a reset before the response.
  destroyWithoutAnswer(exchange);
}

/** The parsed body, or undefined after answering 400 for JSON Asana could not parse. */
async function readJson(exchange: ApiExchange): Promise<unknown> {
  const text = (await readBody(exchange.req)).toString('utf8');
  // An empty body is treated like `{}` so that the answer names the missing `data`.
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    sendAsanaError(exchange, 400, MESSAGES.invalidJson);
    return undefined;
  }
}

function mintFor(context: SandboxContext): MintDownloadUrl {
  return (record: ExportRecord) => context.mintDownloadUrl(record);
}

type Representation = (
  record: ExportRecord,
  now: number,
  mint: MintDownloadUrl,
) => Record<string, unknown>;

/** Answers with an export's representation at `now`, the moment that decides its state. */
function sendExport(
  context: SandboxContext,
  exchange: ApiExchange,
  status: number,
  record: ExportRecord,
  now: number,
  represent: Representation,
  fields?: FieldTree,
): void {
  // The resource and graph creates offer no `opt_fields` in Asana's description: none is passed.
  const data = withOptFields(represent(record, now, mintFor(context)), fields);
  if (exchange.mayTakeFinalFault && exchange.faultRoute !== undefined && !isWaiting(record, now)) {
    const fault = context.faults.take(exchange.faultRoute, isFinalOnly);
    if (fault !== undefined && isAnswerFault(fault)) exchange.answerFault = fault;
  }
  sendData(exchange, status, data);
}

function sendList(exchange: ApiExchange, answer: ListAnswer): void {
  if (answer.ok) sendAnswer(exchange, 200, answer.body, exchange.answerFault, isPretty(exchange));
  else sendAsanaError(exchange, answer.status, answer.message);
}

function sendData(exchange: ApiExchange, status: number, data: unknown): void {
  sendAnswer(exchange, status, { data }, exchange.answerFault, isPretty(exchange));
}

function sendAsanaError(exchange: ApiExchange, status: number, message: string): void {
  const body = asanaErrorBody(status, message);
  sendAnswer(exchange, status, body, exchange.answerFault, isPretty(exchange));
}

/** `opt_pretty` only changes whitespace. */
function isPretty(exchange: Exchange): boolean {
  const value = exchange.url.searchParams.get('opt_pretty');
  return value !== null && value !== 'false';
}
