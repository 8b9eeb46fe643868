import { type Dispatcher, request } from 'undici';
import { TransportError } from '../protocol/errors.js';
import type { DownloadResponse, DownloadSource } from '../protocol/ports.js';
import { USER_AGENT } from '../protocol/version.js';
import { errorCode, normaliseHeaders } from './http.js';

export interface UndiciDownloadSourceOptions {
  readonly dispatcher: Dispatcher;
  /** How long to wait for a response's headers (`--request-timeout`). */
  readonly headersTimeoutMs?: number;
}

/**
 * Fetches presigned download links. It is never given the Asana token, so it cannot leak it to
 * the object store: the link's query string is its only credential. Redirects are not followed
 * here: the downloader decides which it may follow (`download-plan.ts`).
 */
export function createUndiciDownloadSource(options: UndiciDownloadSourceOptions): DownloadSource {
  return {
    async open(url, { offset, ifRange, idleTimeoutMs, signal }): Promise<DownloadResponse> {
      const headers: Record<string, string> = { 'user-agent': USER_AGENT };
      if (offset > 0) {
        headers.range = `bytes=${offset}-`;
        if (ifRange !== undefined) headers['if-range'] = ifRange;
      }
      try {
        const response = await request(url, {
          method: 'GET',
          headers,
          signal,
          dispatcher: options.dispatcher,
          headersTimeout: options.headersTimeoutMs ?? 60_000,
          bodyTimeout: idleTimeoutMs,
          // 256 KiB reads keep per-chunk overhead low on multi-gigabyte transfers.
          highWaterMark: 256 * 1024,
        });
        const body = response.body;
        return {
          status: response.statusCode,
          headers: normaliseHeaders(response.headers),
          body: readBody(body),
          cancel: async () => {
            // undici reports a destroyed body as an 'error' event: nobody is reading it any more.
            body.once('error', () => {});
            body.destroy();
          },
        };
      } catch (error) {
        if (signal.aborted) throw error;
        // The URL's query string is a credential: the message names only the operation.
        throw new TransportError('Download request', errorCode(error), { cause: error });
      }
    },
  };
}

/** Wraps body errors in TransportError so the downloader knows they can be resumed. */
async function* readBody(body: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  try {
    yield* body;
  } catch (error) {
    throw new TransportError('Download transfer', errorCode(error), { cause: error });
  }
}
