/**
 * Resuming a streamed object read that broke mid-body (a reset, a silence past the request
 * timeout): what to ask the store next, and whether its answer is the rest of the same object.
 * The rest is asked with `Range: bytes=<reached>-` and `If-Match: <the ETag first seen>`, so an
 * object replaced between the two reads is never spliced onto the start of the old one; without
 * an ETag there is no resuming. Whether to try again at all is decideRetry's (retry.ts), as for
 * any network failure. Pure: readFromStore (object-store.ts) drives it.
 */

/** How far a read got: the bytes already passed on, and the object's ETag as first answered. */
export interface ReadProgress {
  readonly reached: number;
  readonly etag: string | undefined;
}

/** The headers of the request for the rest; undefined when the read cannot be resumed safely. */
export function resumeHeaders(progress: ReadProgress): Record<string, string> | undefined {
  if (progress.etag === undefined || !/^(W\/)?"[\x21\x23-\x7e]*"$/.test(progress.etag)) {
    return undefined;
  }
  // A weak ETag says nothing of the bytes: never splice on one.
  if (progress.etag.startsWith('W/')) return undefined;
  return { range: `bytes=${progress.reached}-`, 'if-match': progress.etag };
}

export type ResumedAnswer =
  | { readonly ok: true }
  | { readonly ok: false; readonly problem: string; readonly transient: boolean };

/**
 * Whether the store's answer to the request for the rest is the rest: a 206 from the byte
 * reached, of the same ETag. A 429 or 5xx is transient (retried under the policy); anything else
 * ends the read with `problem`, worded to follow "the read of X broke at byte N and ".
 */
export function judgeResumedAnswer(
  progress: ReadProgress,
  answer: {
    readonly status: number;
    readonly headers: Readonly<Record<string, string | undefined>>;
  },
): ResumedAnswer {
  const { status, headers } = answer;
  if (status === 429 || status >= 500) {
    return { ok: false, transient: true, problem: `the store answered ${status} for the rest` };
  }
  if (status === 412) {
    return {
      ok: false,
      transient: false,
      problem: 'the object was replaced since (its ETag changed)',
    };
  }
  if (status === 404) {
    return { ok: false, transient: false, problem: 'the object was deleted since' };
  }
  if (status === 200) {
    return {
      ok: false,
      transient: false,
      problem: 'the store sent the whole object again rather than the rest asked for (Range)',
    };
  }
  if (status !== 206) {
    return { ok: false, transient: false, problem: `the store answered ${status} for the rest` };
  }
  const etag = headers.etag;
  if (etag !== undefined && etag !== progress.etag) {
    return {
      ok: false,
      transient: false,
      problem: 'the object was replaced since (its ETag changed)',
    };
  }
  const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(headers['content-range'] ?? '');
  if (range === null || Number(range[1]) !== progress.reached) {
    return {
      ok: false,
      transient: false,
      problem: `the store sent a part other than the rest asked for (Content-Range ${JSON.stringify((headers['content-range'] ?? 'missing').slice(0, 80))})`,
    };
  }
  return { ok: true };
}
