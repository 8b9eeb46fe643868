import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { EMPTY_SHA256, sha256Hex, signSigV4 } from '../../src/protocol/sigv4.js';

// The AWS SDK's own signer is the independent implementation ours is checked against: every
// request below must get the very same Authorization header from both.
const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const now = Date.UTC(2026, 11, 3, 17, 30, 5);

const cases: Array<{
  name: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  unsigned?: boolean;
  sessionToken?: string;
}> = [
  { name: 'a plain GET', method: 'GET', url: 'https://s3.eu-west-1.amazonaws.com/bucket/key' },
  {
    name: 'a key with spaces, unicode and reserved characters',
    method: 'PUT',
    // Encoded as the SDK's S3 client encodes keys (its extendedEncodeURIComponent).
    url: `https://s3.eu-west-1.amazonaws.com/bucket/${"a b/ü+!'()*=&.gz"
      .split('/')
      .map((segment) =>
        encodeURIComponent(segment).replace(
          /[!'()*]/g,
          (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
        ),
      )
      .join('/')}`,
    body: 'hello',
  },
  {
    name: 'a multipart part, unsigned payload, with a query',
    method: 'PUT',
    url: 'https://bucket.s3.eu-west-1.amazonaws.com/x/y.jsonl.gz?partNumber=2&uploadId=a%2Bb%3D%3D~x',
    headers: { 'content-md5': 'XUFAKrxLKna5cZ2REBfFkg==' },
    unsigned: true,
  },
  {
    name: 'an empty query value and headers with extra spaces',
    method: 'POST',
    url: 'http://127.0.0.1:9000/bucket/k?uploads=',
    headers: { 'content-type': 'application/gzip', 'x-amz-storage-class': '  STANDARD_IA  ' },
  },
  {
    name: 'temporary credentials',
    method: 'DELETE',
    url: 'https://s3.us-east-1.amazonaws.com/bucket/k?uploadId=abc',
    sessionToken: 'FQoGZXIvYXdzEJr//////////wEaDOSESSIONTOKEN',
  },
];

describe('signSigV4', () => {
  it.each(cases)('signs $name as the AWS SDK does', async (c) => {
    const url = new URL(c.url);
    const body = c.body === undefined ? undefined : new TextEncoder().encode(c.body);
    const payload = c.unsigned ? 'UNSIGNED-PAYLOAD' : body ? sha256Hex(body) : EMPTY_SHA256;
    const creds = { ...credentials, sessionToken: c.sessionToken };
    const ours = signSigV4(
      { method: c.method, url, headers: c.headers ?? {}, payloadSha256: payload },
      {
        region: url.hostname.includes('us-east-1') ? 'us-east-1' : 'eu-west-1',
        service: 's3',
        credentials: creds,
        now,
      },
    );
    const signer = new SignatureV4({
      credentials: creds,
      region: url.hostname.includes('us-east-1') ? 'us-east-1' : 'eu-west-1',
      service: 's3',
      sha256: Sha256,
      // S3 signs the path as sent: no double encoding, no normalising.
      uriEscapePath: false,
      applyChecksum: true,
    });
    const query: Record<string, string> = {};
    for (const [name, value] of url.searchParams) query[name] = value;
    const theirs = await signer.sign(
      new HttpRequest({
        method: c.method,
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port === '' ? undefined : Number(url.port),
        path: url.pathname,
        query,
        headers: { ...(c.headers ?? {}), host: url.host, 'x-amz-content-sha256': payload },
        body,
      }),
      { signingDate: new Date(now) },
    );
    expect(ours.authorization).toBe(theirs.headers.authorization);
    expect(ours['x-amz-date']).toBe('20261203T173005Z');
    if (c.sessionToken) expect(ours['x-amz-security-token']).toBe(c.sessionToken);
  });

  it('changes the signature when anything signed changes', () => {
    const base = {
      method: 'PUT',
      url: new URL('https://s3.eu-west-1.amazonaws.com/b/k'),
      headers: { 'content-md5': 'a' },
      payloadSha256: EMPTY_SHA256,
    };
    const scope = { region: 'eu-west-1', service: 's3', credentials, now };
    const signature = signSigV4(base, scope).authorization;
    expect(signSigV4({ ...base, method: 'POST' }, scope).authorization).not.toBe(signature);
    expect(signSigV4({ ...base, headers: { 'content-md5': 'b' } }, scope).authorization).not.toBe(
      signature,
    );
    expect(signSigV4(base, { ...scope, region: 'us-east-1' }).authorization).not.toBe(signature);
    expect(signSigV4(base, { ...scope, now: now + 1000 }).authorization).not.toBe(signature);
  });
});
