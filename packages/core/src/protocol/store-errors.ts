/**
 * How a store's refusal reads: one table per store from its error codes to what went wrong and
 * what to do, so the S3 and Azure clients only say which operation failed where.
 */
import { ObjectStoreError, type StoreFailureReason } from './errors.js';
import type { StoreResponse } from './ports.js';
import { printable } from './text.js';
import { xmlText } from './xml-text.js';

/** What each S3 operation needs in an IAM policy, for the hint of an AccessDenied. */
const S3_ACTIONS: Readonly<Record<string, string>> = {
  CreateMultipartUpload: 's3:PutObject',
  UploadPart: 's3:PutObject',
  CompleteMultipartUpload: 's3:PutObject',
  AbortMultipartUpload: 's3:AbortMultipartUpload',
  PutObject: 's3:PutObject',
  HeadObject: 's3:GetObject (and s3:ListBucket, to tell a missing object from a forbidden one)',
};

const S3_UNAUTHENTICATED = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
  'AuthorizationHeaderMalformed',
]);

export function s3Error(
  operation: string,
  location: string,
  response: StoreResponse,
  signedRegion: string,
): ObjectStoreError {
  const code = outsideText(xmlText(response.body, 'Code'), 64);
  const storeMessage = outsideText(xmlText(response.body, 'Message'), 300);
  const region = outsideText(
    response.headers['x-amz-bucket-region'] ?? xmlText(response.body, 'Region'),
    40,
  );
  const status = response.status;
  let reason: StoreFailureReason;
  let hint: string | undefined;
  if (region !== undefined && region !== signedRegion && (status === 301 || status === 400)) {
    reason = 'wrong-region';
    hint = `The bucket is in ${region}, not ${signedRegion}: set the region to ${region} (AWS_REGION, or --s3-region / s3-region) and run again.`;
  } else if (status === 301 || code === 'PermanentRedirect') {
    reason = 'wrong-region';
    hint =
      "The bucket is in another region: set the region (AWS_REGION, or --s3-region / s3-region) to the bucket's.";
  } else if (code !== undefined && S3_UNAUTHENTICATED.has(code)) {
    reason = 'unauthenticated';
    hint =
      code === 'ExpiredToken' || code === 'TokenRefreshRequired'
        ? 'The temporary credentials expired: give the role session more time (role-duration-seconds), or run again.'
        : 'Check the access key and secret (or the role) this run uses, and the region.';
  } else if (code === 'QuotaExceeded') {
    reason = 'rejected';
    hint =
      "The bucket's or the user's storage quota is used up: free space or raise the quota, then run again.";
  } else if (status === 403) {
    reason = 'denied';
    hint = `Allow ${S3_ACTIONS[operation] ?? 'this action'} on arn:aws:s3:::${location.split('/')[0]}/* to the credentials this run uses (with SSE-KMS, also kms:GenerateDataKey and kms:Decrypt on the key). The README has the least-privilege policy.`;
  } else if (status === 404 && code === 'NoSuchBucket') {
    reason = 'not-found';
    hint =
      'Create the bucket first, or correct its name: exports are never stored in a bucket this tool made.';
  } else if (status === 412 || code === 'PreconditionFailed') {
    reason = 'exists';
    hint =
      'An object of that name exists already and is never replaced: choose another prefix or layout.';
  } else {
    ({ reason, hint } = commonFinding(
      status,
      code === 'SlowDown',
      'The store kept asking to slow down: run again later, or with fewer parallel uploads.',
      s3RejectionHint(code),
    ));
  }
  return new ObjectStoreError({
    store: 'S3',
    reason,
    operation,
    location,
    status,
    code,
    storeMessage,
    hint,
  });
}

const BYTES_CHANGED = 'The bytes changed between this machine and the store: run again.';

/**
 * What both stores' refusals share once their own codes are read: throttling (429 or the store's
 * own code), a failure on the store's side, and otherwise a refusal with the store's hint.
 */
function commonFinding(
  status: number,
  throttledCode: boolean,
  throttledHint: string,
  rejectionHint: string | undefined,
): { reason: StoreFailureReason; hint: string | undefined } {
  if (status === 429 || throttledCode) return { reason: 'throttled', hint: throttledHint };
  if (status >= 500) {
    return { reason: 'server-error', hint: 'The store failed on its side: run again later.' };
  }
  return { reason: 'rejected', hint: rejectionHint };
}

function s3RejectionHint(code: string | undefined): string | undefined {
  switch (code) {
    case 'BadDigest':
    case 'InvalidDigest':
    case 'XAmzContentSHA256Mismatch':
      return BYTES_CHANGED;
    case 'InvalidRequest':
      return 'The store refused one of the options: Object Lock needs a bucket created with Object Lock enabled; SSE-KMS needs a key this run may use.';
    case 'InvalidStorageClass':
      return 'The store does not offer that storage class: choose one it lists.';
    case 'EntityTooLarge':
      return 'A part is larger than the store takes.';
    default:
      return undefined;
  }
}

const AZURE_UNAUTHENTICATED = new Set([
  'AuthenticationFailed',
  'InvalidAuthenticationInfo',
  'NoAuthenticationInformation',
]);

const AZURE_DENIED = new Set([
  'AuthorizationFailure',
  'AuthorizationPermissionMismatch',
  'AuthorizationResourceTypeMismatch',
  'AuthorizationServiceMismatch',
  'AuthorizationProtocolMismatch',
  'AuthorizationSourceIPMismatch',
  'InsufficientAccountPermissions',
]);

export function azureError(
  operation: string,
  location: string,
  response: StoreResponse,
): ObjectStoreError {
  const code = outsideText(
    response.headers['x-ms-error-code'] ?? xmlText(response.body, 'Code'),
    64,
  );
  // Azure's message ends with its request id and time on new lines: the first line says it.
  const storeMessage = outsideText(xmlText(response.body, 'Message')?.split('\n')[0], 300);
  const status = response.status;
  let reason: StoreFailureReason;
  let hint: string | undefined;
  if (code !== undefined && AZURE_UNAUTHENTICATED.has(code)) {
    reason = 'unauthenticated';
    hint =
      'Check the SAS token (its expiry and signature), the account key or the signed-in identity this run uses.';
  } else if ((code !== undefined && AZURE_DENIED.has(code)) || status === 403) {
    reason = 'denied';
    hint =
      'Give the identity the "Storage Blob Data Contributor" role on the container (or a SAS with create and write permissions). The README has the details.';
  } else if (code === 'ContainerNotFound') {
    reason = 'not-found';
    hint = 'Create the container first, or correct its name.';
  } else if (code === 'BlobAlreadyExists' || code === 'ConditionNotMet' || status === 412) {
    reason = 'exists';
    hint =
      'A blob of that name exists already and is never replaced: choose another prefix or layout.';
  } else {
    ({ reason, hint } = commonFinding(
      status,
      code === 'ServerBusy',
      'The store kept asking to slow down: run again later.',
      code === 'Md5Mismatch' || code === 'Crc64Mismatch' ? BYTES_CHANGED : undefined,
    ));
  }
  return new ObjectStoreError({
    store: 'Azure Blob',
    reason,
    operation,
    location,
    status,
    code,
    storeMessage,
    hint,
  });
}

/** An answer with a success status we cannot use. */
export function unusableAnswer(
  store: string,
  operation: string,
  location: string,
  status: number,
  problem: string,
): ObjectStoreError {
  return new ObjectStoreError({
    store,
    reason: 'unexpected-response',
    operation,
    location,
    status,
    problem,
    hint: 'The store answered in a way no S3 or Azure store should: check the endpoint is the store itself, not a proxy.',
  });
}

function outsideText(value: string | undefined, maxLength: number): string | undefined {
  const text = value?.trim();
  return text ? printable(text, maxLength) : undefined;
}
