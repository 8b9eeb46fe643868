/**
 * `If-Range` (RFC 9110 §13.1.5): a client resuming a download sends the validator of what it
 * already has, and must get the range only if the object is still that one, else the whole new
 * object. Only a strong ETag or the exact Last-Modified date can match; comparison is by string.
 */
export interface Validators {
  /** The strong ETag, quotes included. */
  etag: string;
  /** The Last-Modified header value, an HTTP date. */
  lastModified: string;
}

/** Whether a `Range` may be honoured: there is no `If-Range`, or it names the current object. */
export function ifRangeHolds(ifRange: string | undefined, current: Validators): boolean {
  if (ifRange === undefined) return true;
  // A weak ETag never matches (W/"..." differs from any strong one), as the RFC requires.
  return ifRange === current.etag || ifRange === current.lastModified;
}
