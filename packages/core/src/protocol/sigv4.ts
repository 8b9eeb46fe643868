/**
 * AWS Signature Version 4 for S3 requests, over node:crypto alone (the one module n8n's rules let
 * the protocol core use), so the CLI, the action and the n8n node sign the same way. Header
 * signing only: credentials never go into a URL, where they could end up in a log.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */
import { createHash, createHmac } from 'node:crypto';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Temporary credentials (OIDC, instance roles, SSO) come with one. */
  readonly sessionToken?: string | undefined;
  /** When temporary credentials stop working, if known (ms since the epoch). */
  readonly expiresAt?: number | undefined;
}

export interface SigV4Request {
  readonly method: string;
  readonly url: URL;
  /** Lower-case names. `host` is taken from the URL. */
  readonly headers: Readonly<Record<string, string>>;
  /** Lower-case hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`. */
  readonly payloadSha256: string;
}

export interface SigV4Scope {
  readonly region: string;
  readonly service: string;
  readonly credentials: AwsCredentials;
  /** Signing time, ms since the epoch. */
  readonly now: number;
}

/** SHA-256 of no bytes: the payload hash of every request without a body. */
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** The request's headers with `authorization`, `x-amz-date`, `x-amz-content-sha256` (and token). */
export function signSigV4(request: SigV4Request, scope: SigV4Scope): Record<string, string> {
  const amzDate = new Date(scope.now).toISOString().replace(/[-:]|\.\d{3}/g, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    ...request.headers,
    host: request.url.host,
    'x-amz-date': amzDate,
    'x-amz-content-sha256': request.payloadSha256,
  };
  const token = scope.credentials.sessionToken;
  if (token !== undefined && token !== '') headers['x-amz-security-token'] = token;

  const names = Object.keys(headers)
    .map((name) => name.toLowerCase())
    .sort();
  const canonicalHeaders = names
    .map((name) => `${name}:${String(headers[name]).trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    request.method,
    canonicalPath(request.url.pathname),
    canonicalQuery(request.url.searchParams),
    canonicalHeaders,
    signedHeaders,
    request.payloadSha256,
  ].join('\n');
  const credentialScope = `${day}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    credentialScope,
    sha256Hex(canonicalRequest),
  ].join('\n');
  let key: Uint8Array = hmac(`AWS4${scope.credentials.secretAccessKey}`, day);
  for (const part of [scope.region, scope.service, 'aws4_request']) key = hmac(key, part);
  const signature = createHmac('sha256', key).update(stringToSign).digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${scope.credentials.accessKeyId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Uint8Array, data: string): Uint8Array {
  return createHmac('sha256', key).update(data).digest();
}

/** S3 signs the path as sent (each segment encoded once), not normalised. */
function canonicalPath(pathname: string): string {
  return pathname
    .split('/')
    .map((segment) => uriEncode(decodeURIComponent(segment)))
    .join('/');
}

function canonicalQuery(params: URLSearchParams): string {
  return [...params]
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** RFC 3986 unreserved characters stay; everything else is %XX, upper-case. */
export function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
