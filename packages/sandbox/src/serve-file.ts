/**
 * Sends an export file the way an object store does: validators, byte ranges, and a body streamed
 * from disk at the pace the client reads it. It can also stop after a given number of bytes, to
 * imitate a connection that dies mid-download.
 */
import { createReadStream } from 'node:fs';
import type { OutgoingHttpHeaders } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { s3ErrorXml, S3_ERRORS } from './errors.js';
import { type Exchange, sendXml, writeHead } from './http-io.js';
import { parseRange } from './range.js';

export interface ServedFile {
  path: string;
  bytes: number;
  sha256: string;
  fileName: string;
  lastModified: Date;
}

export interface ServeOptions {
  /** Answer 200 with the whole file even when a range is asked for. */
  ignoreRange: boolean;
  /** Send this many body bytes, then drop the connection. */
  cutAfterBytes: number | undefined;
}

export async function serveFile(
  exchange: Exchange,
  file: ServedFile,
  options: ServeOptions,
): Promise<void> {
  const range = options.ignoreRange
    ? { kind: 'whole' as const }
    : parseRange(exchange.req.headers.range, file.bytes);
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
    ETag: `"${file.sha256.slice(0, 32)}"`,
    'Accept-Ranges': 'bytes',
    'Last-Modified': file.lastModified.toUTCString(),
    'Content-Disposition': `attachment; filename="${file.fileName}"`,
    Server: 'AmazonS3',
  };
  if (range.kind === 'partial') headers['Content-Range'] = `bytes ${start}-${end}/${file.bytes}`;
  writeHead(exchange, range.kind === 'partial' ? 206 : 200, headers);

  if (exchange.req.method === 'HEAD') {
    exchange.res.end();
    return;
  }
  if (options.cutAfterBytes !== undefined) {
    return sendPrefixThenDrop(exchange, file.path, start, Math.min(options.cutAfterBytes, end - start + 1));
  }
  try {
    await pipeline(createReadStream(file.path, { start, end }), exchange.res);
  } catch {
    // The client went away mid-body; nothing is left to answer.
  }
}

/**
 * Writes exactly `length` body bytes, each write acknowledged before the next, then ends the TCP
 * connection. `end()` rather than `destroy()`: destroy would discard bytes still queued for the
 * socket, and the client must receive every byte promised before seeing the connection close.
 */
async function sendPrefixThenDrop(
  exchange: Exchange,
  path: string,
  start: number,
  length: number,
): Promise<void> {
  const { res } = exchange;
  const socket = exchange.req.socket;
  res.flushHeaders();
  if (length > 0) {
    for await (const chunk of createReadStream(path, { start, end: start + length - 1 })) {
      await new Promise<void>((resolve, reject) => {
        res.write(chunk as Buffer, (error) => (error ? reject(error) : resolve()));
      });
    }
  }
  socket.end(() => socket.destroy());
}
