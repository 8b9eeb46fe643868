/**
 * The download origin: an object store serving presigned URLs. It refuses requests that carry an
 * `Authorization` header (the Asana token must never travel there), checks each URL's signature
 * and expiry, and answers failures with S3's XML error documents.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxContext } from './context.js';
import { S3_ERRORS, type S3Error, s3ErrorXml } from './errors.js';
import { createExchange, destroyWithoutAnswer, type Exchange, sendXml } from './http-io.js';
import type { PresignVerdict } from './presign.js';
import { type BodyFault, serveFile } from './serve-file.js';
import { completedAt } from './state.js';
import type { Fault } from './types.js';

export async function handleDownloadRequest(
  context: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const exchange = createExchange(req, res, context.log.begin('download', req, res));
  try {
    await answer(context, exchange);
  } catch {
    if (!res.headersSent) sendS3Error(exchange, 500, S3_ERRORS.forStatus(500));
    else destroyWithoutAnswer(exchange);
  }
}

async function answer(context: SandboxContext, exchange: Exchange): Promise<void> {
  const { req, url } = exchange;
  if (exchange.record.hasAuthorization) {
    return sendS3Error(exchange, 400, S3_ERRORS.twoAuthMechanisms());
  }

  let bodyFault: BodyFault | undefined;
  const fault = context.faults.take('download');
  if (fault !== undefined) {
    bodyFault = applyFault(exchange, fault);
    if (bodyFault === undefined) return;
  }

  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return sendS3Error(exchange, 405, S3_ERRORS.methodNotAllowed(req.method ?? ''));
  }
  const now = Date.now();
  const verdict = context.presigner.verify(url.pathname, url.searchParams, now);
  if (!verdict.ok) {
    // S3 answers 400 for a query it cannot parse as SigV4, 403 for one it parsed and refused.
    return sendS3Error(
      exchange,
      verdict.reason === 'malformed' ? 400 : 403,
      rejection(verdict, now),
    );
  }

  const record = context.recordAtPath(url.pathname);
  if (record === undefined) {
    return sendS3Error(exchange, 404, S3_ERRORS.noSuchKey(url.pathname.slice(1)));
  }
  const content = await context.contentFor(record);
  await serveFile(
    exchange,
    {
      ...content,
      fileName: record.fileName,
      lastModified: new Date(completedAt(record, now) ?? record.createdAt),
    },
    { ignoreRange: record.scenario.ignoreRange, bodyFault },
  );
}

/**
 * Answers for a fault, or, for one that strikes mid-body, returns what to do to the body: the
 * request is then validated and served normally up to that point.
 */
function applyFault(exchange: Exchange, fault: Fault): BodyFault | undefined {
  if ('status' in fault) {
    const headers: Record<string, string> =
      fault.retryAfter === undefined ? {} : { 'Retry-After': fault.retryAfter };
    sendS3Error(exchange, fault.status, S3_ERRORS.forStatus(fault.status, fault.message), headers);
    return undefined;
  }
  if ('expireLink' in fault) {
    const now = new Date();
    const ttlSeconds = exchange.url.searchParams.get('X-Amz-Expires') ?? '300';
    sendS3Error(exchange, 403, S3_ERRORS.expired(new Date(now.getTime() - 1000), now, ttlSeconds));
    return undefined;
  }
  if ('stall' in fault) return { afterBytes: fault.afterBytes, afterwards: 'stall' };
  if (fault.reset === 'mid-body') return { afterBytes: fault.afterBytes, afterwards: 'close' };
  destroyWithoutAnswer(exchange);
  return undefined;
}

function rejection(verdict: Exclude<PresignVerdict, { ok: true }>, now: number): S3Error {
  switch (verdict.reason) {
    case 'unsigned':
      return S3_ERRORS.accessDenied();
    case 'malformed':
      return S3_ERRORS.malformedQuery();
    case 'bad-signature':
      return S3_ERRORS.signatureMismatch();
    case 'expired':
      return S3_ERRORS.expired(verdict.expiresAt, new Date(now), verdict.ttlSeconds);
  }
}

function sendS3Error(
  exchange: Exchange,
  status: number,
  error: S3Error,
  headers: Record<string, string> = {},
): void {
  sendXml(exchange, status, s3ErrorXml(error), { Server: 'AmazonS3', ...headers });
}
