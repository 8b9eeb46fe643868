/**
 * Sends an export file the way an object store does: validators, byte ranges (under `If-Range`),
 * and a body streamed from disk at the pace the client reads it. A body fault can cut the body
 * short, either closing the connection or leaving it open and silent, or slow it to a drip.
 */
import { createReadStream } from 'node:fs';
import type { OutgoingHttpHeaders } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { sendDripping } from './drip.js';
import { S3_ERRORS, s3ErrorXml } from './errors.js';
import { type Exchange, headerOf, sendXml, writeHead } from './http-io.js';
import { ifRangeHolds, type Validators } from './if-range.js';
import { parseRange, type RangeRequest } from './range.js';
import type { DripPace, Scenario } from './types.js';

export interface ServedFile {
  path: string;
  bytes: number;
  sha256: string;
  fileName: string;
  lastModified: Date;
}

/** Send `afterBytes` of the body, then close the connection or stall with it open; or drip it. */
export type BodyFault =
  | { afterBytes: number; afterwards: 'close' | 'stall' }
  | { afterwards: 'drip'; pace: DripPace };

export interface ServeOptions {
  /** Answer 200 with the whole file even when a range is asked for; wins over `ifRange`. */
  ignoreRange: boolean;
  /** Whether a `Range` is subject to `If-Range` (RFC 9110) or served regardless (as S3 does). */
  ifRange: Scenario['ifRange'];
  bodyFault: BodyFault | undefined;
  /** Aborted when the sandbox closes, so that a dripping body stops. */
  shutdown: AbortSignal;
}

export async function serveFile(
  exchange: Exchange,
  file: ServedFile,
  options: ServeOptions,
): Promise<void> {
  const validators: Validators = {
    etag: `"${file.sha256.slice(0, 32)}"`,
    lastModified: file.lastModified.toUTCString(),
  };
  const range = rangeToServe(exchange, file.bytes, options, validators);
  if (range.kind === 'unsatisfiable') {
    return sendXml(exchange, 416, s3ErrorXml(S3_ERRORS.invalidRange(file.bytes)), {
      'Content-Range': `bytes */${file.bytes}`,
    });
  }
  const start = range.kind === 'partial' ? range.start : 0;
  const end = range.kind === 'partial' ? range.end : file.bytes - 1;
  const headers: OutgoingHttpHeaders = {
    'Content-Type': 'application/gzip',
    'Content-Length': end - start + 1,
    ETag: validators.etag,
    'Accept-Ranges': 'bytes',
    'Last-Modified': validators.lastModified,
    'Content-Disposition': `attachment; filename="${file.fileName}"`,
    Server: 'AmazonS3',
  };
  if (range.kind === 'partial') headers['Content-Range'] = `bytes ${start}-${end}/${file.bytes}`;
  writeHead(exchange, range.kind === 'partial' ? 206 : 200, headers);

  if (exchange.req.method === 'HEAD') {
    exchange.res.end();
    return;
  }
  const { bodyFault } = options;
  if (bodyFault?.afterwards === 'drip') {
    return sendDripping(exchange, file.path, start, end, bodyFault.pace, options.shutdown);
  }
  if (bodyFault !== undefined) {
    await sendPrefix(exchange, file.path, start, Math.min(bodyFault.afterBytes, end - start + 1));
    // A stalled response stays open: the client's timeout, or the sandbox closing, ends it.
    if (bodyFault.afterwards === 'close') closeAfterFlush(exchange);
    return;
  }
  try {
    await pipeline(createReadStream(file.path, { start, end }), exchange.res);
  } catch {
    // The client went away mid-body; nothing is left to answer.
  }
}

/** The part of the file to send: the requested range, unless the scenario or `If-Range` says no. */
function rangeToServe(
  exchange: Exchange,
  total: number,
  options: ServeOptions,
  validators: Validators,
): RangeRequest {
  if (options.ignoreRange) return { kind: 'whole' };
  const { range } = exchange.req.headers;
  const ifRange = headerOf(exchange.req, 'if-range');
  if (range !== undefined && options.ifRange === 'honour' && !ifRangeHolds(ifRange, validators)) {
    // The client's copy is of another object: a range of this one would splice the two.
    return { kind: 'whole' };
  }
  return parseRange(range, total);
}

/** Writes the headers and exactly `length` body bytes, each write acknowledged before the next. */
async function sendPrefix(
  exchange: Exchange,
  path: string,
  start: number,
  length: number,
): Promise<void> {
  const { res } = exchange;
  res.flushHeaders();
  if (length === 0) return;
  for await (const chunk of createReadStream(path, { start, end: start + length - 1 })) {
    await new Promise<void>((resolve, reject) => {
      res.write(chunk as Buffer, (error) => (error ? reject(error) : resolve()));
    });
  }
}

/**
 * Ends the TCP connection once everything queued is sent. `end()` rather than `destroy()`:
 * destroy would discard bytes still queued, and the client must receive every byte promised
 * before it sees the connection close short of `Content-Length`.
 */
function closeAfterFlush(exchange: Exchange): void {
  const socket = exchange.req.socket;
  socket.end(() => socket.destroy());
}
