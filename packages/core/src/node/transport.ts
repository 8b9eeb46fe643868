import { type Dispatcher, request } from 'undici';
import { TransportError } from '../protocol/errors.js';
import type { ApiRequest, ApiResponse, ApiTransport } from '../protocol/ports.js';
import { USER_AGENT } from '../protocol/version.js';
import { errorCode, normaliseHeaders } from './http.js';

export const ASANA_BASE_URL = 'https://app.asana.com/api/1.0';

export interface UndiciTransportOptions {
  readonly token: string;
  /** Defaults to Asana's; the sandbox or a corporate proxy's address otherwise. */
  readonly baseUrl?: string;
  readonly dispatcher: Dispatcher;
  /** Time to wait for response headers. */
  readonly headersTimeoutMs?: number;
  /** Time allowed between two body chunks. */
  readonly bodyTimeoutMs?: number;
  readonly userAgent?: string;
}

/** Sends Asana API requests with undici. The token goes to the API base URL and nowhere else. */
export function createUndiciTransport(options: UndiciTransportOptions): ApiTransport {
  const base = (options.baseUrl ?? ASANA_BASE_URL).replace(/\/+$/, '');
  const headersTimeout = options.headersTimeoutMs ?? 60_000;
  const bodyTimeout = options.bodyTimeoutMs ?? 60_000;

  return {
    async send(apiRequest: ApiRequest, signal: AbortSignal): Promise<ApiResponse> {
      const url = new URL(base + apiRequest.path);
      for (const [name, value] of Object.entries(apiRequest.query ?? {})) {
        url.searchParams.set(name, value);
      }
      const headers: Record<string, string> = {
        authorization: `Bearer ${options.token}`,
        accept: 'application/json',
        'user-agent': options.userAgent ?? USER_AGENT,
      };
      let body: string | undefined;
      if (apiRequest.body !== undefined) {
        body = JSON.stringify(apiRequest.body);
        headers['content-type'] = 'application/json';
      }
      try {
        const response = await request(url, {
          method: apiRequest.method,
          headers,
          body,
          signal,
          dispatcher: options.dispatcher,
          headersTimeout,
          bodyTimeout,
        });
        return {
          status: response.statusCode,
          headers: normaliseHeaders(response.headers),
          body: await response.body.text(),
        };
      } catch (error) {
        if (signal.aborted) throw error;
        throw new TransportError(`${apiRequest.method} ${apiRequest.path}`, errorCode(error), {
          cause: error,
        });
      }
    },
  };
}
