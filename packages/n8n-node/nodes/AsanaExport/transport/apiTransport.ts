import {
  type ApiRequest,
  type ApiResponse,
  type ApiTransport,
  USER_AGENT,
} from '@asana-exports/core/protocol';
import type {
  IExecuteFunctions,
  IHttpRequestOptions,
  ILoadOptionsFunctions,
  IN8nHttpFullResponse,
} from 'n8n-workflow';
import { normaliseHeaders, toTransportError } from './http';

export type CredentialType = 'asanaExportsApi' | 'asanaExportsOAuth2Api';

/**
 * Where a request to Asana is sent from: an execution, or the load-options context the
 * pick-lists run in (listSearch.ts). Both have the credential, the node and n8n's authenticated
 * helper, which is all the transport uses.
 */
export type RequestContext = IExecuteFunctions | ILoadOptionsFunctions;

/**
 * Sends the core's API requests through n8n's authenticated helper: n8n adds the token (or the
 * OAuth2 access token, refreshing it when needed) and the request never leaves the API base URL.
 * Every HTTP status comes back as a response; the core decides what is an error and what to retry.
 */
export function createApiTransport(
  context: RequestContext,
  credentialType: CredentialType,
  baseUrl: string,
  requestTimeoutMs: number,
): ApiTransport {
  return {
    async send(request: ApiRequest, signal: AbortSignal): Promise<ApiResponse> {
      const options: IHttpRequestOptions = {
        method: request.method,
        url: `${baseUrl}${request.path}`,
        headers: {
          Accept: 'application/json',
          'User-Agent': USER_AGENT,
          ...(request.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        encoding: 'text',
        json: false,
        returnFullResponse: true,
        // Every status is the core's to judge, except 401: n8n refreshes an expired OAuth2 token
        // (Asana's live an hour) and retries only when the request throws.
        ignoreHttpStatusErrors: { ignore: true, except: [401] },
        abortSignal: signal,
        timeout: requestTimeoutMs,
      };
      if (request.query !== undefined) options.qs = { ...request.query };
      if (request.body !== undefined) options.body = JSON.stringify(request.body);

      let response: IN8nHttpFullResponse;
      try {
        response = (await context.helpers.httpRequestWithAuthentication.call(
          context,
          credentialType,
          options,
        )) as IN8nHttpFullResponse;
      } catch (error) {
        // Still refused after any refresh: Asana's answer, for the core to explain.
        const answer = answerOf(error);
        if (answer !== undefined && !signal.aborted) return answer;
        throw toTransportError(`${request.method} ${request.path}`, error, signal);
      }
      return {
        status: response.statusCode,
        headers: normaliseHeaders(response.headers),
        body: bodyText(response.body),
      };
    },
  };
}

/** The HTTP answer inside a request error (n8n's NodeApiError wraps axios's), if there was one. */
function answerOf(error: unknown): ApiResponse | undefined {
  for (
    let current = error, depth = 0;
    current && typeof current === 'object' && depth < 5;
    depth++
  ) {
    const response = (
      current as { response?: { status?: unknown; headers?: unknown; data?: unknown } }
    ).response;
    if (response !== undefined && typeof response.status === 'number') {
      return {
        status: response.status,
        headers: normaliseHeaders(response.headers),
        body: bodyText(response.data),
      };
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return new TextDecoder().decode(body);
  if (body === undefined || body === null) return '';
  return JSON.stringify(body);
}
