import { type Dispatcher, EnvHttpProxyAgent, request } from 'undici';
import { TransportError } from '../protocol/errors.js';
import type { StoreHttp, StoreRequest } from '../protocol/ports.js';
import { isUntrustedCertificate } from '../protocol/retry.js';
import { USER_AGENT } from '../protocol/version.js';
import { errorCode, normaliseHeaders } from './http.js';

export interface UndiciStoreHttpOptions {
  readonly dispatcher: Dispatcher;
  /** How long one request may wait for the store's answer, body sent (`--request-timeout`). */
  readonly timeoutMs?: number;
  /** What to say when the store's TLS certificate is not trusted (how to trust its CA). */
  readonly certificateHint?: string;
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
  const failure = (error: unknown, what: string) => {
    const code = errorCode(error);
    const hint = isUntrustedCertificate(code) ? options.certificateHint : undefined;
    return new TransportError(what, code, { cause: error, hint });
  };
  // `bodyTimeout` is undici's bound on the silence between two chunks of the body: a store that
  // stops sending mid-object fails the read after it, rather than holding it for ever.
  const send = (store: StoreRequest) =>
    request(store.url, {
      method: store.method,
      headers: { 'user-agent': USER_AGENT, ...store.headers },
      body: store.body,
      signal: store.signal,
      dispatcher: options.dispatcher,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
  return {
    async send(store) {
      try {
        const response = await send(store);
        return {
          status: response.statusCode,
          headers: normaliseHeaders(response.headers),
          body: await readCapped(response.body),
        };
      } catch (error) {
        if (store.signal.aborted) throw error;
        throw failure(error, 'Object storage request');
      }
    },
    async stream(store) {
      let response: Awaited<ReturnType<typeof send>>;
      try {
        response = await send(store);
      } catch (error) {
        if (store.signal.aborted) throw error;
        throw failure(error, 'Object storage request');
      }
      const body = response.body;
      return {
        status: response.statusCode,
        headers: normaliseHeaders(response.headers),
        body: (async function* () {
          try {
            for await (const chunk of body) yield chunk as Uint8Array;
          } catch (error) {
            if (store.signal.aborted) throw error;
            throw failure(error, 'Object storage read');
          }
        })(),
        async cancel() {
          body.destroy();
        },
      };
    },
  };
}

/**
 * A dispatcher that trusts only `ca` (PEM) for TLS, directly and through HTTPS_PROXY alike, as
 * the runtime's proxy-aware one does with the default roots. Idle sockets do not keep the
 * process alive (undici unrefs them), so the store needs no close of its own.
 */
export function storeDispatcherTrusting(ca: string): Dispatcher {
  return new EnvHttpProxyAgent({ connect: { ca }, requestTls: { ca } });
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
