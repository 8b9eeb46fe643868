/**
 * Response helpers shared by both origins. Every answer goes through one of them so that the
 * request log always holds the status actually sent (0 when the socket was destroyed instead).
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { RecordedRequest } from './types.js';

export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly record: RecordedRequest;
  /** Set by an `after-processing` fault: do the work, then drop the connection unanswered. */
  dropAnswer: boolean;
}

export function createExchange(
  req: IncomingMessage,
  res: ServerResponse,
  record: RecordedRequest,
): Exchange {
  // The host is irrelevant: only the path and query are read.
  return {
    req,
    res,
    record,
    url: new URL(req.url ?? '/', 'http://sandbox.invalid'),
    dropAnswer: false,
  };
}

/** A request header as one string: Node joins repeated unknown headers, the types allow arrays. */
export function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

export function writeHead(exchange: Exchange, status: number, headers: OutgoingHttpHeaders): void {
  exchange.record.status = status;
  exchange.res.writeHead(status, headers);
}

export function sendJson(
  exchange: Exchange,
  status: number,
  body: unknown,
  options: { pretty?: boolean; headers?: OutgoingHttpHeaders } = {},
): void {
  if (exchange.dropAnswer) {
    destroyWithoutAnswer(exchange);
    return;
  }
  const text = `${JSON.stringify(body, null, options.pretty === true ? 2 : undefined)}\n`;
  writeHead(exchange, status, {
    'Content-Type': 'application/json; charset=UTF-8',
    'Content-Length': Buffer.byteLength(text),
    ...options.headers,
  });
  exchange.res.end(text);
}

export function sendXml(
  exchange: Exchange,
  status: number,
  xml: string,
  headers: OutgoingHttpHeaders = {},
): void {
  writeHead(exchange, status, {
    'Content-Type': 'application/xml',
    'Content-Length': Buffer.byteLength(xml),
    ...headers,
  });
  exchange.res.end(exchange.req.method === 'HEAD' ? undefined : xml);
}

/** Drops the connection without a byte of response, as a crashed proxy would. */
export function destroyWithoutAnswer(exchange: Exchange): void {
  exchange.record.status = 0;
  exchange.req.socket.destroy();
}

export class BodyTooLargeError extends Error {}

/** Reads a request body, refusing more than `limit` bytes: create bodies are tiny. */
export async function readBody(req: IncomingMessage, limit = 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of req) {
    length += (chunk as Buffer).length;
    if (length > limit) throw new BodyTooLargeError(`request body exceeds ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
