/**
 * Error bodies as the two real hosts write them: Asana's JSON envelope on the API origin and the
 * object store's XML document on the download origin. Clients branch on these, so the shapes
 * and the wording that tells similar errors apart are part of the contract.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { FaultRoute } from './types.js';

export const ASANA_ERROR_HELP =
  'For more information on API status codes and how to handle them, read the docs on errors: https://developers.asana.com/docs/errors';

export const MESSAGES = {
  notAuthorized: 'Not Authorized',
  noRoute: 'No matching route for request',
  invalidJson: 'Could not parse request data, invalid JSON',
  /** Both are 403s: only the message tells a busy workspace from a refused caller. */
  exportInProgress:
    'An export is already in progress for this workspace. Wait for it to finish before starting a new one.',
  exportNotPermitted:
    'You do not have permission to export this workspace. Resource exports are available to service accounts of Enterprise+ organizations or with the Compliance Management add-on.',
  statusForbidden:
    'You do not have access to this object. Only the token that created an export may read its status.',
  rateLimited: 'You have made too many requests recently. Please, be chill.',
  paymentRequired: "This feature is not available on your organization's current plan.",
  serverError: 'Server Error',
} as const;

export interface AsanaError {
  message: string;
  help: string;
  phrase?: string;
}

export function asanaErrorBody(status: number, message: string): { errors: AsanaError[] } {
  const error: AsanaError = { message, help: ASANA_ERROR_HELP };
  // Asana adds a memorable phrase to server errors so a user can quote it to support.
  if (status >= 500) error.phrase = supportPhrase();
  return { errors: [error] };
}

export function unknownObjectMessage(gid: string): string {
  return `Unknown object: ${gid}`;
}

/** What Asana says when a fault gives a status but no message. */
export function defaultAsanaMessage(status: number, route: FaultRoute): string {
  switch (status) {
    case 401:
      return MESSAGES.notAuthorized;
    case 402:
      return MESSAGES.paymentRequired;
    case 403:
      return route === 'create' ? MESSAGES.exportNotPermitted : MESSAGES.statusForbidden;
    case 429:
      return MESSAGES.rateLimited;
    default:
      return status >= 500 ? MESSAGES.serverError : (STATUS_CODES[status] ?? 'Request failed');
  }
}

const PHRASE_WORDS = {
  adjectives: ['sad', 'happy', 'sleepy', 'brave', 'fuzzy', 'quiet', 'tiny', 'grumpy', 'shiny'],
  nouns: ['squid', 'otters', 'llamas', 'pandas', 'geese', 'badgers', 'moths', 'newts', 'yaks'],
  verbs: ['snuggle', 'dance', 'wander', 'giggle', 'ponder', 'whistle', 'tumble', 'hum', 'nap'],
  adverbs: ['softly', 'boldly', 'gently', 'wildly', 'slowly', 'swiftly', 'kindly', 'oddly'],
};

/** E.g. "6 sad squid snuggle softly", the shape of Asana's 500-class `phrase`. */
export function supportPhrase(): string {
  const pick = (words: readonly string[]): string => words[randomInt(words.length)] ?? '';
  return [
    String(randomInt(2, 10)),
    pick(PHRASE_WORDS.adjectives),
    pick(PHRASE_WORDS.nouns),
    pick(PHRASE_WORDS.verbs),
    pick(PHRASE_WORDS.adverbs),
  ].join(' ');
}

export interface S3Error {
  code: string;
  message: string;
  /** Extra elements S3 adds for some codes, e.g. `Expires` and `ServerTime` for expired links. */
  details?: Record<string, string>;
}

export const S3_ERRORS = {
  expired: (expiresAt: Date, now: Date, ttlSeconds: string): S3Error => ({
    code: 'AccessDenied',
    message: 'Request has expired',
    details: {
      'X-Amz-Expires': ttlSeconds,
      Expires: expiresAt.toISOString(),
      ServerTime: now.toISOString(),
    },
  }),
  signatureMismatch: (): S3Error => ({
    code: 'SignatureDoesNotMatch',
    message:
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  }),
  accessDenied: (): S3Error => ({ code: 'AccessDenied', message: 'Access Denied' }),
  malformedQuery: (): S3Error => ({
    code: 'AuthorizationQueryParametersError',
    message:
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
  }),
  // The real message names the header; the value is left out because it is the caller's token.
  twoAuthMechanisms: (): S3Error => ({
    code: 'InvalidArgument',
    message:
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
    details: { ArgumentName: 'Authorization' },
  }),
  noSuchKey: (key: string): S3Error => ({
    code: 'NoSuchKey',
    message: 'The specified key does not exist.',
    details: { Key: key },
  }),
  invalidRange: (total: number): S3Error => ({
    code: 'InvalidRange',
    message: 'The requested range is not satisfiable',
    details: { RangeRequested: 'bytes', ActualObjectSize: String(total) },
  }),
  methodNotAllowed: (method: string): S3Error => ({
    code: 'MethodNotAllowed',
    message: 'The specified method is not allowed against this resource.',
    details: { Method: method, ResourceType: 'OBJECT' },
  }),
  /** What S3 sends with a redirect: which endpoint to use, for the client that reads bodies. */
  redirect: (status: number, bucket: string, endpoint: string): S3Error => {
    const [code, message] = S3_REDIRECTS[status] ?? ['Redirect', 'Please re-send this request.'];
    return { code, message, details: { Bucket: bucket, Endpoint: endpoint } };
  },
  forStatus: (status: number, message?: string): S3Error => {
    const [code, fallback] = S3_STATUS_CODES[status] ?? [
      (STATUS_CODES[status] ?? 'Error').replace(/[^A-Za-z]/g, ''),
      STATUS_CODES[status] ?? 'Error',
    ];
    return { code, message: message ?? fallback };
  },
};

const S3_STATUS_CODES: Record<number, [code: string, message: string]> = {
  400: ['InvalidRequest', 'Invalid Request'],
  403: ['AccessDenied', 'Access Denied'],
  404: ['NoSuchKey', 'The specified key does not exist.'],
  500: ['InternalError', 'We encountered an internal error. Please try again.'],
  503: ['SlowDown', 'Please reduce your request rate.'],
};

const TEMPORARY =
  'Please re-send this request to the specified temporary endpoint. Continue to use the original request endpoint for future requests.';
const PERMANENT =
  'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.';

const S3_REDIRECTS: Record<number, [code: string, message: string]> = {
  301: ['PermanentRedirect', PERMANENT],
  302: ['Found', TEMPORARY],
  303: ['SeeOther', TEMPORARY],
  307: ['TemporaryRedirect', TEMPORARY],
  308: ['PermanentRedirect', PERMANENT],
};

export function s3ErrorXml(error: S3Error): string {
  const details = Object.entries(error.details ?? {})
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('');
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  const hostId = randomBytes(24).toString('base64');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>` +
    `${details}<RequestId>${requestId}</RequestId><HostId>${hostId}</HostId></Error>`
  );
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);
}
