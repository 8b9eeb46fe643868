import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DOWNLOAD_POLICY,
  type DownloadAction,
  type DownloadEvent,
  DownloadPlan,
  type DownloadPolicy,
  ifRangeOf,
  KEEP_READING,
  sameObject,
} from '../../src/protocol/download-plan.js';
import {
  DownloadHostError,
  ExportFailedError,
  ExportTimeoutError,
  TransportError,
} from '../../src/protocol/errors.js';
import type { ObjectIdentity } from '../../src/protocol/ports.js';
import type { ExportStatus } from '../../src/protocol/responses.js';

// The download plan alone: every rule of downloading, as events in and actions out, with no I/O
// and a clock that is only a number. Each class of hostile store or network the downloader must
// survive is a row here (the same classes run end to end in the shared fault matrix).

const LINK = 'https://store.example/bucket/a.jsonl.gz?X-Amz-Signature=s1';
const FRESH_LINK = 'https://store.example/bucket/a.jsonl.gz?X-Amz-Signature=s2';
const ETAG = '"0123456789abcdef"';
const OTHER_ETAG = '"fedcba9876543210"';
const MODIFIED = 'Mon, 30 Nov 2026 10:00:00 GMT';
const MINUTE = 60_000;

const policy: DownloadPolicy = {
  ...DEFAULT_DOWNLOAD_POLICY,
  retry: { maxAttempts: 4, maxElapsedMs: 10 * MINUTE, baseDelayMs: 1_000, maxDelayMs: 8_000 },
  stall: { windowMs: 10_000, minBytesPerSecond: 100 },
  linkWait: { ...DEFAULT_DOWNLOAD_POLICY.linkWait, jitterRatio: 0 },
};

function status(overrides: Partial<ExportStatus> = {}): ExportStatus {
  return {
    kind: 'graph',
    gid: '3000',
    exportGid: '4000',
    rawState: 'succeeded',
    outcome: 'done',
    downloadUrl: LINK,
    createdAt: undefined,
    completedAt: undefined,
    organization: undefined,
    ...overrides,
  };
}

/** A plan with a deadline `timeoutMs` from time 0, a clock the test moves by hand. */
function planOf(
  options: {
    canAppend?: boolean;
    timeoutMs?: number;
    kept?: { bytes: number; object: ObjectIdentity };
    policy?: DownloadPolicy;
  } = {},
) {
  let now = 0;
  const plan = new DownloadPlan({
    ref: { kind: 'graph', gid: '3000' },
    policy: options.policy ?? policy,
    random: () => 0.5,
    canAppend: options.canAppend ?? true,
    deadline: { startedAt: 0, timeoutMs: options.timeoutMs ?? 60 * MINUTE },
  });
  const first = plan.start(now, options.kept);
  return {
    plan,
    first,
    /** Moves the clock on, then reports the event. */
    at(ms: number) {
      now += ms;
      return this;
    },
    see(event: DistributiveOmit<DownloadEvent, 'now'>): DownloadAction {
      return plan.observe({ ...event, now } as DownloadEvent);
    },
    link(answer: ExportStatus = status()) {
      return this.see({ type: 'link', status: answer });
    },
    head(code: number, headers: Record<string, string> = {}) {
      return this.see({ type: 'head', status: code, headers });
    },
    chunk(bytes: number) {
      return this.see({ type: 'chunk', bytes });
    },
  };
}
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const whole = (length: number, extra: Record<string, string> = {}) => ({
  'content-length': String(length),
  etag: ETAG,
  'last-modified': MODIFIED,
  ...extra,
});
const part = (from: number, total: number, extra: Record<string, string> = {}) => ({
  'content-range': `bytes ${from}-${total - 1}/${total}`,
  'content-length': String(total - from),
  etag: ETAG,
  'last-modified': MODIFIED,
  ...extra,
});
const reset = new TransportError('Download transfer', 'ECONNRESET');

function failureOf(action: DownloadAction): Error {
  if (action.type !== 'fail') throw new Error(`expected fail, got ${JSON.stringify(action)}`);
  return action.error;
}

describe('DownloadPlan: the happy path', () => {
  it('asks for a fresh link, opens it at 0, reads, and commits when every byte arrived', () => {
    const run = planOf();
    expect(run.first).toEqual({ type: 'fetch-link' });
    expect(run.link()).toEqual({
      type: 'open',
      url: LINK,
      offset: 0,
      ifRange: undefined,
      idleTimeoutMs: 10_000,
    });
    expect(run.head(200, whole(300))).toEqual({
      type: 'read',
      resetFirst: false,
      offset: 0,
      object: { etag: ETAG, lastModified: MODIFIED, totalBytes: 300 },
    });
    expect(run.chunk(100)).toBe(KEEP_READING);
    expect(run.chunk(200)).toBe(KEEP_READING);
    expect(run.see({ type: 'body-end' })).toEqual({ type: 'commit' });
    expect(run.plan.written).toBe(300);
    expect(run.plan.status?.gid).toBe('3000');
  });

  it('commits a body of unannounced length when it ends', () => {
    const run = planOf();
    run.link();
    run.head(200, { etag: ETAG });
    run.chunk(42);
    expect(run.see({ type: 'body-end' })).toEqual({ type: 'commit' });
  });
});

describe('DownloadPlan: one object, whatever the store does between attempts', () => {
  it('resumes a broken transfer with Range and If-Range (the strong ETag)', () => {
    const run = planOf();
    run.link();
    run.head(200, whole(1000));
    run.chunk(400);
    const wait = run.see({ type: 'body-failed', error: reset });
    expect(wait).toMatchObject({ type: 'wait', attempt: 1, delayMs: 500 });
    expect(run.at(500).see({ type: 'waited' })).toMatchObject({
      type: 'open',
      url: LINK,
      offset: 400,
      ifRange: ETAG,
    });
    expect(run.head(206, part(400, 1000))).toMatchObject({
      type: 'read',
      resetFirst: false,
      offset: 400,
    });
    run.chunk(600);
    expect(run.see({ type: 'body-end' })).toEqual({ type: 'commit' });
  });

  it('uses Last-Modified for If-Range when the ETag is weak, and nothing when neither is there', () => {
    expect(ifRangeOf({ etag: 'W/"abc"', lastModified: MODIFIED, totalBytes: 1 })).toBe(MODIFIED);
    expect(ifRangeOf({ etag: ETAG, lastModified: MODIFIED, totalBytes: 1 })).toBe(ETAG);
    expect(ifRangeOf({ etag: undefined, lastModified: undefined, totalBytes: 1 })).toBeUndefined();
  });

  it('starts over from byte 0 with a fresh link when a 206 comes from another object (S3 ignores If-Range)', () => {
    const run = planOf();
    run.link();
    run.head(200, whole(1000));
    run.chunk(400);
    run.see({ type: 'body-failed', error: reset });
    run.at(500).see({ type: 'waited' });
    // Same length and range, another ETag: the object was replaced between the two requests.
    const action = run.head(206, part(400, 1000, { etag: OTHER_ETAG }));
    expect(action).toEqual({
      type: 'reset',
      reason: 'the file changed since the download began (ETag); starting over from byte 0',
    });
    expect(run.plan.written).toBe(0);
    expect(run.see({ type: 'reset-done' })).toEqual({ type: 'fetch-link' });
    expect(run.link(status({ downloadUrl: FRESH_LINK }))).toMatchObject({
      type: 'open',
      url: FRESH_LINK,
      offset: 0,
      ifRange: undefined,
    });
    // The new object is pinned now: its own bytes, from 0.
    expect(run.head(200, whole(1200, { etag: OTHER_ETAG }))).toMatchObject({
      type: 'read',
      object: { etag: OTHER_ETAG, totalBytes: 1200 },
    });
  });

  it.each([
    ['Last-Modified', { 'last-modified': 'Tue, 01 Dec 2026 10:00:00 GMT' }],
    ['length', { 'content-range': 'bytes 400-1099/1100' }],
  ])('notices a changed %s too', (what, changed) => {
    const run = planOf();
    run.link();
    run.head(200, whole(1000));
    run.chunk(400);
    run.see({ type: 'body-failed', error: reset });
    run.at(500).see({ type: 'waited' });
    expect(run.head(206, { ...part(400, 1000), ...changed })).toMatchObject({
      type: 'reset',
      reason: expect.stringContaining(`(${what})`),
    });
  });

  it('reads a whole 200 from byte 0 when the store ignored Range or If-Range found the object changed', () => {
    const run = planOf();
    run.link();
    run.head(200, whole(1000));
    run.chunk(400);
    run.see({ type: 'body-failed', error: reset });
    run.at(500).see({ type: 'waited' });
    expect(run.head(200, whole(900, { etag: OTHER_ETAG }))).toEqual({
      type: 'read',
      resetFirst: true,
      offset: 0,
      object: { etag: OTHER_ETAG, lastModified: MODIFIED, totalBytes: 900 },
    });
    run.chunk(900);
    expect(run.see({ type: 'body-end' })).toEqual({ type: 'commit' });
  });

  it('starts over when a 206 does not start where it asked', () => {
    const run = planOf();
    run.link();
    run.head(200, whole(1000));
    run.chunk(400);
    run.see({ type: 'body-failed', error: reset });
    run.at(500).see({ type: 'waited' });
    expect(run.head(206, part(300, 1000))).toMatchObject({
      type: 'reset',
      reason: expect.stringMatching(/range that was not asked for/),
    });
  });

  it('starts over when the store sends more than it announced, and gives up after three restarts', () => {
    const run = planOf();
    for (let restart = 1; restart <= 3; restart++) {
      expect(run.link()).toMatchObject({ type: 'open', offset: 0 });
      run.head(200, whole(10));
      expect(run.chunk(11)).toMatchObject({
        type: 'reset',
        reason: expect.stringMatching(/more than the 10 bytes it announced/),
      });
      expect(run.see({ type: 'reset-done' })).toEqual({ type: 'fetch-link' });
    }
    run.link();
    run.head(200, whole(10));
    const error = failureOf(run.chunk(11));
    expect(error).toBeInstanceOf(DownloadHostError);
    expect(error).toMatchObject({ reason: 'unstable' });
    expect(error.message).toBe(
      'The download host kept changing the file or contradicting its own ranges and length (3 restarts)',
    );
  });

  it('starts over on 416 or 412 to a resume', () => {
    for (const code of [416, 412]) {
      const run = planOf();
      run.link();
      run.head(200, whole(1000));
      run.chunk(400);
      run.see({ type: 'body-failed', error: reset });
      run.at(500).see({ type: 'waited' });
      expect(run.head(code)).toMatchObject({ type: 'reset' });
    }
  });

  it('resumes bytes an earlier run kept, asking the store whether it is still that object', () => {
    const kept = { bytes: 700, object: { etag: ETAG, lastModified: MODIFIED, totalBytes: 1000 } };
    const run = planOf({ kept });
    expect(run.plan.written).toBe(700);
    expect(run.link()).toMatchObject({ type: 'open', offset: 700, ifRange: ETAG });
    expect(run.head(206, part(700, 1000))).toMatchObject({ type: 'read', offset: 700 });
    run.chunk(300);
    expect(run.see({ type: 'body-end' })).toEqual({ type: 'commit' });
  });

  it('says a partial is worth keeping only when it is a prefix of one known object', () => {
    const run = planOf();
    expect(run.plan.canKeepPartial).toBe(false);
    run.link();
    run.head(200, whole(1000));
    run.chunk(10);
    expect(run.plan.canKeepPartial).toBe(true);
    expect(planOf({ canAppend: false }).plan.canKeepPartial).toBe(false);
  });
});

describe('DownloadPlan: a sink that cannot append (n8n)', () => {
  it('never sends a range: a broken transfer starts over from byte 0', () => {
    const run = planOf({ canAppend: false });
    run.link();
    run.head(200, whole(1000));
    run.chunk(400);
    run.see({ type: 'body-failed', error: reset });
    expect(run.at(500).see({ type: 'waited' })).toMatchObject({ type: 'reset' });
    expect(run.see({ type: 'reset-done' })).toMatchObject({
      type: 'open',
      offset: 0,
      ifRange: undefined,
    });
  });
});

describe('DownloadPlan: links', () => {
  it('replaces an expired link (403) with a fresh one, three times, then fails', () => {
    const run = planOf();
    run.link();
    for (let refresh = 0; refresh < 3; refresh++) {
      expect(run.head(403)).toEqual({ type: 'fetch-link' });
      run.link(status({ downloadUrl: FRESH_LINK }));
    }
    const error = failureOf(run.head(403));
    expect(error).toMatchObject({ reason: 'link-expired', status: 403 });
    expect(error.message).toMatch(/kept refusing the download link \(403\), 3 fresh links/);
  });

  it('waits, within the deadline, for a finished export that has no link yet', () => {
    const run = planOf({ timeoutMs: 5_000 });
    const linkless = status({ outcome: 'waiting', downloadUrl: null });
    expect(run.link(linkless)).toEqual({
      type: 'wait',
      delayMs: 2_000,
      attempt: 1,
      reason: 'graph export job 3000 is succeeded but has no download link yet',
    });
    expect(run.at(2_000).see({ type: 'waited' })).toEqual({ type: 'fetch-link' });
    expect(run.link(linkless)).toMatchObject({ type: 'wait', delayMs: 2_200 });
    run.at(2_200).see({ type: 'waited' });
    // 800 ms left: the last wait lands on the deadline, and the deadline ends it.
    expect(run.link(linkless)).toMatchObject({ type: 'wait', delayMs: 800 });
    const error = failureOf(run.at(800).see({ type: 'waited' }));
    expect(error).toBeInstanceOf(ExportTimeoutError);
    expect(run.link(status())).toMatchObject({ type: 'fail' });
  });

  it('fails at once with ExportFailedError when the export failed meanwhile', () => {
    const run = planOf();
    const error = failureOf(run.link(status({ outcome: 'failed', rawState: 'failed' })));
    expect(error).toBeInstanceOf(ExportFailedError);
    expect(error.message).toBe('Asana reports graph export job 3000 as failed');
  });
});

describe('DownloadPlan: redirects', () => {
  it.each([301, 302, 303, 307, 308])(
    'follows a %i to a regional endpoint, keeping offset and If-Range',
    (code) => {
      const run = planOf();
      run.link();
      run.head(200, whole(1000));
      run.chunk(400);
      run.see({ type: 'body-failed', error: reset });
      run.at(500).see({ type: 'waited' });
      const regional = 'https://store-eu.example/bucket/a.jsonl.gz?X-Amz-Signature=s1';
      expect(run.head(code, { location: regional })).toEqual({
        type: 'open',
        url: regional,
        offset: 400,
        ifRange: ETAG,
        idleTimeoutMs: 10_000,
      });
    },
  );

  it('resolves a relative Location against the link', () => {
    const run = planOf();
    run.link();
    expect(run.head(307, { location: '/other/a.jsonl.gz?sig=1' })).toMatchObject({
      type: 'open',
      url: 'https://store.example/other/a.jsonl.gz?sig=1',
    });
  });

  it('stops after five redirects', () => {
    const run = planOf();
    run.link();
    for (let hop = 0; hop < 5; hop++) {
      expect(run.head(302, { location: `https://store.example/hop${hop}` })).toMatchObject({
        type: 'open',
      });
    }
    const error = failureOf(run.head(302, { location: 'https://store.example/hop5' }));
    expect(error).toMatchObject({ reason: 'redirect' });
    expect(error.message).toBe('The download host redirected the download more than 5 times');
  });

  it.each([
    [
      'file:///etc/passwd',
      /to a link that is not an http\(s\) link \(it is a file: link\): refused/,
    ],
    ['ftp://store.example/a', /\(it is a ftp: link\)/],
    ['http://store.example/a', /leads from https down to plain http/],
  ])('refuses a redirect to %s', (location, message) => {
    const run = planOf();
    run.link();
    const error = failureOf(run.head(307, { location }));
    expect(error).toMatchObject({ reason: 'bad-link' });
    expect(error.message).toMatch(message);
  });

  it('fails a redirect without a Location', () => {
    const run = planOf();
    run.link();
    expect(failureOf(run.head(301)).message).toMatch(/without saying where to/);
  });
});

describe('DownloadPlan: refusals and retries', () => {
  it('fails a 404 at once, saying the file may have expired', () => {
    const run = planOf();
    run.link();
    const error = failureOf(run.head(404));
    expect(error).toMatchObject({ reason: 'not-found', status: 404 });
    expect(error.message).toMatch(/has no such file \(404\)/);
  });

  it('retries 5xx and 429 with backoff, honouring Retry-After', () => {
    const run = planOf();
    run.link();
    expect(run.head(503)).toMatchObject({ type: 'wait', delayMs: 500, attempt: 1 });
    run.at(500).see({ type: 'waited' });
    expect(run.head(429, { 'retry-after': '7' })).toMatchObject({ type: 'wait', delayMs: 7_000 });
  });

  it('gives up after the retry budget, with the last failure', () => {
    const run = planOf();
    run.link();
    for (let attempt = 1; attempt < 4; attempt++) {
      expect(run.see({ type: 'open-failed', error: reset })).toMatchObject({ type: 'wait' });
      run.at(8_000).see({ type: 'waited' });
    }
    expect(failureOf(run.see({ type: 'open-failed', error: reset }))).toBe(reset);
  });

  it('does not wait out a Retry-After longer than the time left: it ends, saying so', () => {
    const run = planOf({ timeoutMs: 30_000 });
    run.link();
    const error = failureOf(run.at(10_000).head(503, { 'retry-after': '3600' }));
    expect(error).toBeInstanceOf(ExportTimeoutError);
    expect(error.message).toBe(
      'Gave up after 10s: the download host asked to wait 1h (Retry-After), more than the 20s left of the 30s timeout',
    );
  });

  it('counts only consecutive failures: real progress resets the budget', () => {
    const run = planOf();
    run.link();
    run.head(200, whole(10 * 1024 * 1024));
    for (let round = 0; round < 6; round++) {
      run.chunk(1024 * 1024); // a mebibyte is progress
      expect(run.see({ type: 'body-failed', error: reset })).toMatchObject({
        type: 'wait',
        attempt: 1,
      });
      run.at(500).see({ type: 'waited' });
      run.head(206, part(run.plan.written, 10 * 1024 * 1024));
    }
  });
});

describe('DownloadPlan: transfers that crawl or stall', () => {
  it('abandons a body that drips below the minimum speed, and resumes it', () => {
    const run = planOf();
    run.link();
    run.head(200, whole(100_000));
    // One byte every 2 s: 5 bytes in the 10 s window, far below 100 bytes/s.
    for (let second = 2; second < 10; second += 2)
      expect(run.at(2_000).chunk(1)).toBe(KEEP_READING);
    const action = run.at(2_000).chunk(1);
    expect(action).toMatchObject({ type: 'wait', attempt: 1 });
    expect(action.type === 'wait' && action.reason).toBe(
      'The download host sent 5 bytes in 10s, below the minimum of 100 bytes/s',
    );
    expect(run.at(500).see({ type: 'waited' })).toMatchObject({ type: 'open', offset: 5 });
  });

  it('keeps a body that is slow but above the minimum', () => {
    const run = planOf();
    run.link();
    run.head(200, whole(100_000));
    for (let second = 0; second < 30; second++) expect(run.at(1_000).chunk(150)).toBe(KEEP_READING);
  });

  it('a drip on every attempt ends with the download host error once the budget is spent', () => {
    const run = planOf();
    run.link();
    let action: DownloadAction = { type: 'commit' };
    for (let attempt = 1; attempt <= 4; attempt++) {
      run.head(
        attempt === 1 ? 200 : 206,
        attempt === 1 ? whole(100_000) : part(run.plan.written, 100_000),
      );
      action = run.at(10_000).chunk(1);
      if (attempt < 4) run.at(8_000).see({ type: 'waited' });
    }
    expect(failureOf(action)).toMatchObject({ reason: 'too-slow' });
  });

  it('tells the source how long a silence may last: the stall window', () => {
    const run = planOf();
    expect(run.link()).toMatchObject({ idleTimeoutMs: 10_000 });
  });
});

describe('DownloadPlan: the deadline', () => {
  it('ends when the deadline passes mid-body, saying how far it got', () => {
    const run = planOf({ timeoutMs: 30_000 });
    run.link();
    run.head(200, whole(4 * 1024 * 1024));
    run.chunk(1024 * 1024);
    const error = failureOf(run.at(30_000).chunk(1024));
    expect(error).toBeInstanceOf(ExportTimeoutError);
    expect(error.message).toBe(
      'Gave up after 30s, the 30s timeout, while downloading graph export job 3000 (1.0 MiB of 4.0 MiB downloaded)',
    );
    expect(error).toMatchObject({ gid: '3000', phase: 'downloading' });
  });

  it('ends on a deadline the driver saw while blocked', () => {
    const run = planOf({ timeoutMs: 30_000 });
    run.link();
    expect(failureOf(run.at(5_000).see({ type: 'deadline' }))).toBeInstanceOf(ExportTimeoutError);
  });

  it('never schedules a wait that ends after the deadline', () => {
    const run = planOf({ timeoutMs: 1_200 });
    run.link();
    expect(run.at(1_000).see({ type: 'open-failed', error: reset })).toMatchObject({
      type: 'fail',
    });
  });
});

describe('sameObject', () => {
  const pinned = { etag: ETAG, lastModified: MODIFIED, totalBytes: 10 };
  it.each([
    [{ etag: ETAG, lastModified: MODIFIED, totalBytes: 10 }, true],
    [{ etag: undefined, lastModified: undefined, totalBytes: undefined }, true],
    [{ etag: OTHER_ETAG, lastModified: MODIFIED, totalBytes: 10 }, false],
    [{ etag: ETAG, lastModified: 'Tue, 01 Dec 2026 10:00:00 GMT', totalBytes: 10 }, false],
    [{ etag: ETAG, lastModified: MODIFIED, totalBytes: 11 }, false],
  ])('%j is the same object: %s', (served, same) => {
    expect(sameObject(pinned, served)).toBe(same);
  });
});
