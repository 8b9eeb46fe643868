/**
 * Azure Storage SharedKey signing with node:crypto only, the way the Azure destination will sign
 * its raw REST requests: so the tests check our canonicalization against Azurite, not the SDK's.
 * https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key
 */
import { createHmac } from 'node:crypto';

export interface SignedRequest {
  readonly method: string;
  readonly url: URL;
  /** Header names in any case; `x-ms-date` is added when missing. */
  readonly headers: Record<string, string>;
  readonly contentLength: number;
}

/** The request's headers with `x-ms-date` and `Authorization: SharedKey account:signature`. */
export function signSharedKey(
  request: SignedRequest,
  account: string,
  accountKey: string,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  headers['x-ms-date'] ??= new Date().toUTCString();
  const header = (name: string) => headers[name] ?? '';
  const stringToSign = [
    request.method.toUpperCase(),
    header('content-encoding'),
    header('content-language'),
    // Since version 2015-02-21 a zero length is signed as the empty string.
    request.contentLength === 0 ? '' : String(request.contentLength),
    header('content-md5'),
    header('content-type'),
    // Empty: x-ms-date is signed among the canonicalized headers instead.
    '',
    header('if-modified-since'),
    header('if-match'),
    header('if-none-match'),
    header('if-unmodified-since'),
    header('range'),
    canonicalizedHeaders(headers) + canonicalizedResource(request.url, account),
  ].join('\n');
  const signature = createHmac('sha256', Buffer.from(accountKey, 'base64'))
    .update(stringToSign, 'utf8')
    .digest('base64');
  return { ...headers, authorization: `SharedKey ${account}:${signature}` };
}

function canonicalizedHeaders(headers: Record<string, string>): string {
  return Object.keys(headers)
    .filter((name) => name.startsWith('x-ms-'))
    .sort()
    .map((name) => `${name}:${(headers[name] ?? '').trim()}\n`)
    .join('');
}

/** `/account/path` then each query parameter as `\nname:value` (decoded, names sorted). */
function canonicalizedResource(url: URL, account: string): string {
  // The URL path of a path-style endpoint (Azurite's) starts with the account again.
  let resource = `/${account}${url.pathname}`;
  const names = [...new Set([...url.searchParams.keys()].map((name) => name.toLowerCase()))].sort();
  for (const name of names) {
    const values = [...url.searchParams.entries()]
      .filter(([key]) => key.toLowerCase() === name)
      .map(([, value]) => value)
      .sort();
    resource += `\n${name}:${values.join(',')}`;
  }
  return resource;
}
