import { type Dispatcher, request } from 'undici';
import { TransportError } from '../protocol/errors.js';
import type { StoreHttp } from '../protocol/ports.js';
import { USER_AGENT } from '../protocol/version.js';
import { errorCode, normaliseHeaders } from './http.js';

export interface UndiciStoreHttpOptions {
  readonly dispatcher: Dispatcher;
  /** How long one request may wait for the store's answer, body sent (`--request-timeout`). */
  readonly timeoutMs?: number;
}

/** Answers are error documents and upload ids: anything longer is not worth holding. */
const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * Sends object-storage requests over undici. The URL may carry a SAS token, so a failure names
 * the operation only. Redirects are never followed: S3 redirects to another region, and the
 * request would have to be signed for it.
 */
export function createUndiciStoreHttp(options: UndiciStoreHttpOptions): StoreHttp {
  const timeoutMs = options.timeoutMs ?? 120_000;
  return {
    async send(store) {
      try {
        const response = await request(store.url, {
          method: store.method,
          headers: { 'user-agent': USER_AGENT, ...store.headers },
          body: store.body,
          signal: store.signal,
          dispatcher: options.dispatcher,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
        return {
          status: response.statusCode,
          headers: normaliseHeaders(response.headers),
          body: await readCapped(response.body),
        };
      } catch (error) {
        if (store.signal.aborted) throw error;
        throw new TransportError('Object storage request', errorCode(error), { cause: error });
      }
    },
  };
}

async function readCapped(body: AsyncIterable<Uint8Array> & { destroy(): void }): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.byteLength;
    if (size >= MAX_ANSWER_BYTES) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8');
}
