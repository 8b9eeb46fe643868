import { type OpenOptions, USER_AGENT } from '@asana-exports/core/protocol';
import type { IExecuteFunctions, IN8nHttpFullResponse } from 'n8n-workflow';
import { normaliseHeaders, toTransportError } from './http';

/** The Node stream type n8n's helpers return and take (community nodes may not import node:stream). */
export type NodeReadable = Exclude<
  Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0],
  Buffer
>;

export interface OpenedStream {
  readonly status: number;
  readonly headers: Record<string, string | undefined>;
  readonly stream: NodeReadable;
}

/** What a request is called in messages (never its URL), and headers of its own (a signature). */
export interface StreamRequest {
  readonly what: string;
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/**
 * GETs a presigned download link with n8n's plain helper: never the authenticated one, which would
 * send the Asana token on to the object store. The link carries its own credentials. Redirects
 * come back as answers: the core decides which ones to follow. A stored export read back comes
 * the same way, with the request the core signed for the store (`request.headers`).
 */
export async function openStream(
  context: IExecuteFunctions,
  url: string,
  options: OpenOptions,
  request: StreamRequest = { what: 'Download request' },
): Promise<OpenedStream> {
  const { offset, ifRange, idleTimeoutMs, signal } = options;
  let response: IN8nHttpFullResponse;
  try {
    response = (await context.helpers.httpRequest({
      method: 'GET',
      url,
      headers: {
        'User-Agent': USER_AGENT,
        ...request.headers,
        ...(offset > 0 ? { Range: `bytes=${offset}-` } : {}),
        ...(offset > 0 && ifRange !== undefined ? { 'If-Range': ifRange } : {}),
      },
      encoding: 'stream',
      returnFullResponse: true,
      ignoreHttpStatusErrors: true,
      disableFollowRedirect: true,
      abortSignal: signal,
      // Idle time allowed on the socket: the core's stall window, so silence is a broken transfer.
      timeout: idleTimeoutMs,
    })) as IN8nHttpFullResponse;
  } catch (error) {
    // The URL is a secret: the message names the operation only.
    throw toTransportError(request.what, error, signal);
  }
  return {
    status: response.statusCode,
    headers: normaliseHeaders(response.headers),
    stream: response.body as NodeReadable,
  };
}

/** Releases a response that will not be read (error statuses, superseded attempts). */
export function release(stream: NodeReadable): void {
  stream.once('error', () => undefined);
  stream.destroy();
}

/** The body as the core reads it; a broken transfer becomes a TransportError it may resume. */
export async function* readTransfer(
  stream: AsyncIterable<Uint8Array>,
  signal: AbortSignal,
  what = 'Download transfer',
): AsyncIterable<Uint8Array> {
  try {
    yield* stream;
  } catch (error) {
    throw toTransportError(what, error, signal);
  }
}
