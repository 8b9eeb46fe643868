import { describe, expect, it } from 'vitest';
import type { StoreResponse } from '../../src/protocol/ports.js';
import { azureError, s3Error, unusableAnswer } from '../../src/protocol/store-errors.js';

function s3Answer(status: number, code?: string, extra = '', headers = {}): StoreResponse {
  const body =
    code === undefined
      ? ''
      : `<?xml version="1.0"?><Error><Code>${code}</Code><Message>said ${code}</Message>${extra}</Error>`;
  return { status, headers, body };
}

function azureAnswer(status: number, code?: string): StoreResponse {
  const body =
    code === undefined
      ? ''
      : `<?xml version="1.0"?><Error><Code>${code}</Code><Message>said ${code}\nRequestId:1\nTime:2026</Message></Error>`;
  return { status, headers: code === undefined ? {} : { 'x-ms-error-code': code }, body };
}

describe('s3Error', () => {
  it.each([
    [
      s3Answer(400, 'AuthorizationHeaderMalformed', '<Region>eu-west-1</Region>'),
      'wrong-region',
      /eu-west-1/,
    ],
    [s3Answer(301, 'PermanentRedirect'), 'wrong-region', /another region/],
    [s3Answer(403, 'SignatureDoesNotMatch'), 'unauthenticated', /access key and secret/],
    [s3Answer(400, 'ExpiredToken'), 'unauthenticated', /role-duration-seconds/],
    [s3Answer(403, 'QuotaExceeded'), 'rejected', /quota/],
    [s3Answer(403, 'AccessDenied'), 'denied', /s3:PutObject on arn:aws:s3:::bucket\/\*/],
    [s3Answer(404, 'NoSuchBucket'), 'not-found', /Create the bucket/],
    [s3Answer(412, 'PreconditionFailed'), 'exists', /never replaced/],
    [s3Answer(503, 'SlowDown'), 'throttled', /fewer parallel uploads/],
    [s3Answer(429), 'throttled', /slow down/],
    [s3Answer(500, 'InternalError'), 'server-error', /its side/],
    [s3Answer(400, 'BadDigest'), 'rejected', /bytes changed/],
    [s3Answer(400, 'InvalidStorageClass'), 'rejected', /storage class/],
  ] as const)('%o is %s', (answer, reason, hint) => {
    const error = s3Error('UploadPart', 'bucket/key', answer, 'us-east-1');
    expect(error.reason).toBe(reason);
    expect(error.hint).toMatch(hint);
    expect(error.status).toBe(answer.status);
  });

  it("has no hint for a refusal it does not know, and prints the store's code without control characters", () => {
    const error = s3Error('PutObject', 'bucket/key', s3Answer(400, 'Odd\u001b[31m'), 'us-east-1');
    expect(error.reason).toBe('rejected');
    expect(error.hint).toBeUndefined();
    expect(error.message).not.toContain('\u001b');
    expect(error.message).toContain('S3 answered 400');
  });
});

describe('azureError', () => {
  it.each([
    [azureAnswer(403, 'AuthenticationFailed'), 'unauthenticated', /SAS token/],
    [
      azureAnswer(403, 'AuthorizationPermissionMismatch'),
      'denied',
      /Storage Blob Data Contributor/,
    ],
    [azureAnswer(403), 'denied', /Storage Blob Data Contributor/],
    [azureAnswer(404, 'ContainerNotFound'), 'not-found', /Create the container/],
    [azureAnswer(409, 'BlobAlreadyExists'), 'exists', /never replaced/],
    [azureAnswer(503, 'ServerBusy'), 'throttled', /slow down/],
    [azureAnswer(500, 'InternalError'), 'server-error', /its side/],
    [azureAnswer(400, 'Md5Mismatch'), 'rejected', /bytes changed/],
  ] as const)('%o is %s', (answer, reason, hint) => {
    const error = azureError('Put Block', 'container/key', answer);
    expect(error.reason).toBe(reason);
    expect(error.hint).toMatch(hint);
  });

  it("keeps only the first line of Azure's message", () => {
    const error = azureError('Put Block', 'container/key', azureAnswer(400, 'InvalidHeaderValue'));
    expect(error.storeMessage).toBe('said InvalidHeaderValue');
    expect(error.hint).toBeUndefined();
  });
});

it('unusableAnswer names the store, the operation and the problem as ours', () => {
  const error = unusableAnswer('S3', 'CompleteMultipartUpload', 'bucket/key', 200, 'no ETag');
  expect(error.reason).toBe('unexpected-response');
  expect(error.message).toContain('no ETag');
  expect(error.hint).toMatch(/proxy/);
});
