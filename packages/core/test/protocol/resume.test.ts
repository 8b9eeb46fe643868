import { describe, expect, it } from 'vitest';
import {
  AsanaApiError,
  CancelledError,
  DownloadHostError,
  ExportFailedError,
  ExportTimeoutError,
  InputError,
  IntegrityError,
  LocalFileError,
  TransportError,
} from '../../src/protocol/errors.js';
import { keepsPartial, resumeAdvice } from '../../src/protocol/resume.js';

const seen = { kind: 'graph', gid: '3000' } as const;
const api = new AsanaApiError({
  status: 503,
  reason: 'server-error',
  method: 'GET',
  path: '/jobs/3000',
});
const timeout = new ExportTimeoutError({
  kind: 'graph',
  gid: '3000',
  rawState: 'in_progress',
  phase: 'waiting',
  elapsedMs: 1,
  timeoutMs: 1,
});

describe('resumeAdvice', () => {
  it.each([
    ['a timeout', timeout],
    ['Asana refusing a poll', api],
    ['the network', new TransportError('GET /jobs/3000', 'ECONNRESET')],
    [
      'the download host',
      new DownloadHostError({ reason: 'server-error', problem: 'answered 503' }),
    ],
    ['a cancel', new CancelledError('The command (SIGINT)')],
    ['a corrupt download', new IntegrityError('the gzip stream is truncated')],
    ['a full disk', new LocalFileError({ operation: 'write', path: '/x', code: 'ENOSPC' })],
    ['an unexpected error', new Error('boom')],
  ])('after %s, the export goes on at Asana: resume it', (_name, error) => {
    expect(resumeAdvice(error, seen)).toEqual({ kind: 'graph', gid: '3000' });
  });

  it('not after Asana failed the export or says it does not exist, nor when none was seen', () => {
    expect(
      resumeAdvice(new ExportFailedError('graph export job 3000', '3000', 'failed'), seen),
    ).toBeUndefined();
    const notFound = new AsanaApiError({
      status: 404,
      reason: 'not-found',
      method: 'GET',
      path: '/jobs/3000',
    });
    expect(resumeAdvice(notFound, seen)).toBeUndefined();
    expect(resumeAdvice(api, { kind: undefined, gid: undefined })).toBeUndefined();
  });
});

describe('keepsPartial', () => {
  it.each([
    [timeout, true],
    [new CancelledError('The command (SIGINT)'), true],
    [new TransportError('Download transfer', 'ECONNRESET'), true],
    [new DownloadHostError({ reason: 'too-slow', problem: 'crawled' }), true],
    [new LocalFileError({ operation: 'write', path: '/x', code: 'ENOSPC' }), true],
    [new DownloadHostError({ reason: 'unstable', problem: 'kept changing the file' }), false],
    [new IntegrityError('the gzip stream is corrupt'), false],
    [new ExportFailedError('graph export job 3000', '3000', 'failed'), false],
    [new InputError('--out', 'exists'), false],
    [new Error('boom'), false],
  ])('%s → %s', (error, kept) => {
    expect(keepsPartial(error)).toBe(kept);
  });
});
