import type { StoreHttp } from '@asana-exports/core/protocol';
import { USER_AGENT } from '@asana-exports/core/protocol';
import type { IExecuteFunctions, IN8nHttpFullResponse } from 'n8n-workflow';
import { normaliseHeaders, toTransportError } from './http';
import { openStream, readTransfer, release } from './stream';

/**
 * n8n's HTTP client sends a typed array's whole underlying buffer, not the view: a part that is a
 * view into a larger buffer is copied out first (measured: without it the store refused every
 * part but a full one with BadDigest).
 */
function exactBytes(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? bytes
    : bytes.slice();
}

/** Answers are error documents and upload ids: anything longer is not worth holding. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * The object storage requests of Store In, over n8n's plain HTTP helper (never an authenticated
 * one: the core signs each request for the store). The URL may carry a SAS token, so a failure
 * names the operation only; redirects come back as answers. Compare reads stored exports back
 * with `stream`: the body as it arrives, each silence bounded by the same timeout.
 */
export function createStoreHttp(context: IExecuteFunctions, timeoutMs: number): StoreHttp {
  return {
    async send(request) {
      let response: IN8nHttpFullResponse;
      try {
        response = (await context.helpers.httpRequest({
          method: request.method,
          url: request.url,
          headers: { 'user-agent': USER_AGENT, ...request.headers },
          ...(request.body === undefined ? {} : { body: exactBytes(request.body) }),
          encoding: 'arraybuffer',
          json: false,
          returnFullResponse: true,
          ignoreHttpStatusErrors: true,
          disableFollowRedirect: true,
          abortSignal: request.signal,
          timeout: timeoutMs,
        })) as IN8nHttpFullResponse;
      } catch (error) {
        throw toTransportError('Object storage request', error, request.signal);
      }
      const body = response.body as ArrayBuffer | Uint8Array | string | undefined;
      const bytes =
        body === undefined || typeof body === 'string'
          ? new TextEncoder().encode(body ?? '')
          : body instanceof Uint8Array
            ? body
            : new Uint8Array(body);
      return {
        status: response.statusCode,
        headers: normaliseHeaders(response.headers),
        body: new TextDecoder().decode(bytes.subarray(0, MAX_ANSWER_BYTES)),
      };
    },
    async stream(request) {
      if (request.method !== 'GET') throw new RangeError('only a GET is streamed');
      const { signal } = request;
      const { status, headers, stream } = await openStream(
        context,
        request.url,
        { offset: 0, ifRange: undefined, idleTimeoutMs: timeoutMs, signal },
        { what: 'Object storage request', headers: request.headers },
      );
      return {
        status,
        headers,
        body: readTransfer(stream, signal, 'Object storage transfer'),
        cancel: async () => release(stream),
      };
    },
  };
}
