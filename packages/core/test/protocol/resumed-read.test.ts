import { describe, expect, it } from 'vitest';
import { judgeResumedAnswer, resumeHeaders } from '../../src/protocol/resumed-read.js';

// Resuming a broken read: the rest is asked of the same object only, and only the rest is taken.
const progress = { reached: 1000, etag: '"abc"' };

describe('resumeHeaders', () => {
  it.each([
    { name: 'a strong ETag', etag: '"abc"', want: { range: 'bytes=1000-', 'if-match': '"abc"' } },
    { name: 'no ETag', etag: undefined, want: undefined },
    { name: 'a weak ETag', etag: 'W/"abc"', want: undefined },
    { name: 'an ETag not quoted', etag: 'abc', want: undefined },
    { name: 'an ETag with a control character', etag: '"a\nb"', want: undefined },
  ])('$name', ({ etag, want }) => {
    expect(resumeHeaders({ reached: 1000, etag })).toEqual(want);
  });
});

describe('judgeResumedAnswer', () => {
  const range = (value: string, etag = '"abc"') => ({ 'content-range': value, etag });
  it.each([
    { name: 'the rest', status: 206, headers: range('bytes 1000-1999/2000'), want: { ok: true } },
    {
      name: 'the rest, no ETag echoed',
      status: 206,
      headers: { 'content-range': 'bytes 1000-1999/*' },
      want: { ok: true },
    },
    {
      name: 'another part',
      status: 206,
      headers: range('bytes 0-1999/2000'),
      transient: false,
      problem: /other than the rest/,
    },
    { name: 'no Content-Range', status: 206, headers: {}, transient: false, problem: /missing/ },
    {
      name: 'another ETag',
      status: 206,
      headers: range('bytes 1000-1999/2000', '"new"'),
      transient: false,
      problem: /replaced/,
    },
    { name: 'If-Match failed', status: 412, headers: {}, transient: false, problem: /replaced/ },
    {
      name: 'the whole object again',
      status: 200,
      headers: {},
      transient: false,
      problem: /whole object/,
    },
    { name: 'deleted', status: 404, headers: {}, transient: false, problem: /deleted/ },
    { name: 'a range refused', status: 416, headers: {}, transient: false, problem: /416/ },
    { name: 'busy', status: 503, headers: {}, transient: true, problem: /503/ },
    { name: 'throttled', status: 429, headers: {}, transient: true, problem: /429/ },
  ])('$name', ({ status, headers, want, transient, problem }) => {
    const verdict = judgeResumedAnswer(progress, { status, headers });
    if (want !== undefined) {
      expect(verdict).toEqual(want);
      return;
    }
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.transient).toBe(transient);
    expect(verdict.problem).toMatch(problem ?? /./);
  });
});
