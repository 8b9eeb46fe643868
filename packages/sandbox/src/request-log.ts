import type { IncomingMessage, ServerResponse } from 'node:http';
import { headerOf } from './http-io.js';
import type { RecordedRequest } from './types.js';

/**
 * Every request to either origin, in arrival order. Tests assert on it (how many polls, whether a
 * Range was sent, whether the token leaked to the download host), so it records paths without
 * query strings: presigned URLs carry credentials there.
 */
export class RequestLog {
  readonly all: RecordedRequest[] = [];
  readonly downloadAuthViolations: RecordedRequest[] = [];
  readonly #onComplete: ((request: RecordedRequest) => void) | undefined;

  constructor(onComplete?: (request: RecordedRequest) => void) {
    this.#onComplete = onComplete;
  }

  /** Records the request now; its `status` (and `version`) is filled in by whoever answers it. */
  begin(
    origin: RecordedRequest['origin'],
    req: IncomingMessage,
    res: ServerResponse,
    host?: RecordedRequest['host'],
  ): RecordedRequest {
    const record = describeRequest(origin, req, host);
    this.all.push(record);
    if (origin === 'download' && record.hasAuthorization) this.downloadAuthViolations.push(record);
    const onComplete = this.#onComplete;
    if (onComplete !== undefined) res.once('close', () => onComplete(record));
    return record;
  }
}

/** A record for requests that are not logged (the control endpoints). */
export function describeRequest(
  origin: RecordedRequest['origin'],
  req: IncomingMessage,
  host?: RecordedRequest['host'],
): RecordedRequest {
  const record: RecordedRequest = {
    origin,
    ...(host === undefined ? {} : { host }),
    method: req.method ?? 'GET',
    path: pathOf(req.url),
    hasAuthorization: req.headers.authorization !== undefined,
    status: 0,
    at: Date.now(),
  };
  const range = req.headers.range;
  if (range !== undefined) record.range = range;
  const ifRange = headerOf(req, 'if-range');
  if (ifRange !== undefined) record.ifRange = ifRange;
  return record;
}

function pathOf(url: string | undefined): string {
  const target = url ?? '/';
  const query = target.indexOf('?');
  return query === -1 ? target : target.slice(0, query);
}
