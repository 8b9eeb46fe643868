/**
 * The download origin: an object store serving presigned URLs. It refuses requests that carry an
 * `Authorization` header (the Asana token must never travel there), checks each URL's signature
 * and expiry, and answers failures with S3's XML error documents. The same handler serves the
 * primary origin and the regional one that redirects point at.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BUCKET, type SandboxContext } from './context.js';
import { S3_ERRORS, type S3Error, s3ErrorXml } from './errors.js';
import { createExchange, destroyWithoutAnswer, type Exchange, sendXml } from './http-io.js';
import type { PresignVerdict } from './presign.js';
import { type BodyFault, serveFile } from './serve-file.js';
import type { Fault, RecordedRequest } from './types.js';

export type DownloadHost = NonNullable<RecordedRequest['host']>;

/** What a fault leaves to the normal path: nothing (it answered), or how to serve differently. */
type FaultEffect =
  | { answered: true }
  | { answered: false; bodyFault: BodyFault | undefined; changeObject: boolean };

const NO_EFFECT: FaultEffect = { answered: false, bodyFault: undefined, changeObject: false };

export async function handleDownloadRequest(
  context: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  host: DownloadHost,
): Promise<void> {
  const exchange = createExchange(req, res, context.log.begin('download', req, res, host));
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

  const fault = context.faults.take('download');
  const effect = fault === undefined ? NO_EFFECT : applyFault(context, exchange, fault);
  if (effect.answered) return;

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
  // A re-upload to the same key: this request, and every later one, gets the new version.
  if (effect.changeObject) context.changeObject(record, now);
  const object = await context.objectFor(record, now);
  exchange.record.version = object.version;
  await serveFile(
    exchange,
    { ...object, fileName: record.fileName },
    {
      ignoreRange: record.scenario.ignoreRange,
      ifRange: record.scenario.ifRange,
      bodyFault: effect.bodyFault,
      shutdown: context.shutdownSignal,
    },
  );
}

/**
 * Answers for a fault, or, for one that alters how the object is served, says how: the request
 * is then validated and served normally, up to that point.
 */
function applyFault(context: SandboxContext, exchange: Exchange, fault: Fault): FaultEffect {
  const serve = (bodyFault: BodyFault | undefined, changeObject = false): FaultEffect => ({
    answered: false,
    bodyFault,
    changeObject,
  });
  if ('status' in fault) {
    const headers: Record<string, string> =
      fault.retryAfter === undefined ? {} : { 'Retry-After': fault.retryAfter };
    sendS3Error(exchange, fault.status, S3_ERRORS.forStatus(fault.status, fault.message), headers);
    return { answered: true };
  }
  if ('expireLink' in fault) {
    const now = new Date();
    const ttlSeconds = exchange.url.searchParams.get('X-Amz-Expires') ?? '300';
    sendS3Error(exchange, 403, S3_ERRORS.expired(new Date(now.getTime() - 1000), now, ttlSeconds));
    return { answered: true };
  }
  if ('redirect' in fault) {
    redirect(context, exchange, fault.redirect, fault.location ?? 'regional');
    return { answered: true };
  }
  if ('hang' in fault) {
    // Read what the client sends and never answer: only the client or close() ends this.
    exchange.req.resume();
    return { answered: true };
  }
  if ('drip' in fault) return serve({ afterwards: 'drip', pace: fault.drip });
  if ('changeObject' in fault) return serve(undefined, true);
  if ('stall' in fault) return serve({ afterBytes: fault.afterBytes, afterwards: 'stall' });
  if ('reset' in fault && fault.reset === 'mid-body') {
    return serve({ afterBytes: fault.afterBytes, afterwards: 'close' });
  }
  destroyWithoutAnswer(exchange);
  return { answered: true };
}

/**
 * Sends the client elsewhere. `regional` is the same object on the regional origin: the path and
 * the signed query string exactly as received, so the signature still holds there.
 */
function redirect(
  context: SandboxContext,
  exchange: Exchange,
  status: number,
  location: string,
): void {
  const target =
    location === 'regional'
      ? `${context.regionalDownloadOrigin}${exchange.req.url ?? '/'}`
      : location;
  const endpoint = URL.canParse(target) ? new URL(target).host || target : target;
  sendS3Error(exchange, status, S3_ERRORS.redirect(status, BUCKET, endpoint), {
    Location: target,
  });
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
