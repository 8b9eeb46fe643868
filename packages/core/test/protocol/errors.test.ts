import { describe, expect, it } from 'vitest';
import {
  AsanaApiError,
  DownloadHostError,
  LocalFileError,
  TransportError,
} from '../../src/protocol/errors.js';

describe('errors are complete when built and never change', () => {
  it('withHint makes a new AsanaApiError with every detail kept', () => {
    const error = new AsanaApiError({
      status: 403,
      reason: 'forbidden',
      method: 'POST',
      path: '/exports/resource',
      asanaMessage: 'Forbidden',
      hint: 'first',
    });
    const rehinted = error.withHint('second');
    expect(error.hint).toBe('first');
    expect(rehinted).not.toBe(error);
    expect(rehinted).toMatchObject({
      hint: 'second',
      status: 403,
      reason: 'forbidden',
      asanaMessage: 'Forbidden',
      message: error.message,
    });
    expect(
      Object.isFrozen(error) || Object.getOwnPropertyDescriptor(error, 'hint')?.writable,
    ).toBeDefined();
  });

  it('our own words about an answer go in problem, never in asanaMessage', () => {
    const error = new AsanaApiError({
      status: 200,
      reason: 'unexpected-response',
      method: 'GET',
      path: '/jobs/1',
      problem: 'data.gid is not a gid',
    });
    expect(error.asanaMessage).toBeUndefined();
    expect(error.message).toBe(
      'Asana answered 200 to GET /jobs/1 that cannot be used: data.gid is not a gid',
    );
  });

  it('TransportError.withHint keeps the code', () => {
    const error = new TransportError('POST /organization_exports', 'ECONNRESET').withHint('check');
    expect(error).toMatchObject({ code: 'ECONNRESET', hint: 'check', category: 'network' });
    expect(error.message).toBe('POST /organization_exports failed (ECONNRESET)');
  });

  it('the download host is named as such, not as Asana', () => {
    const error = new DownloadHostError({
      reason: 'not-found',
      status: 404,
      problem: 'has no such file (404)',
    });
    expect(error.message).toBe('The download host has no such file (404)');
    expect(error.category).toBe('download');
  });

  it.each([
    ['ENOSPC', 'Cannot write /out/a.gz: the disk is full (ENOSPC)', /Free some space/],
    ['EFBIG', 'Cannot write /out/a.gz: the file size limit was reached (EFBIG)', /Free some space/],
    ['EACCES', 'Cannot write /out/a.gz: permission denied (EACCES)', /this user can write to/],
    [
      'EROFS',
      'Cannot write /out/a.gz: the file system is read-only (EROFS)',
      /this user can write to/,
    ],
    ['EWEIRD', 'Cannot write /out/a.gz: the system refused (EWEIRD)', /Check the output folder/],
  ])('LocalFileError for %s says what happened and what to do', (code, message, hint) => {
    const error = new LocalFileError({ operation: 'write', path: '/out/a.gz', code });
    expect(error.message).toBe(message);
    expect(error.hint).toMatch(hint);
    expect(error.category).toBe('local');
  });
});
