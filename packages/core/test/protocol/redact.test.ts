import { describe, expect, it } from 'vitest';
import { createRedactor, redactUrl } from '../../src/protocol/redact.js';

const TOKEN = '2/1204567890123456/1209876543210987:0123456789abcdef0123456789abcdef';
const PRESIGNED =
  'https://asana-exports-prod.s3.us-east-1.amazonaws.com/exports/1234/export.jsonl.gz' +
  '?X-Amz-Algorithm=AWS4-HMAC-SHA256' +
  '&X-Amz-Credential=ASIAEXAMPLEKEY%2F20240101%2Fus-east-1%2Fs3%2Faws4_request' +
  '&X-Amz-Date=20240101T000000Z&X-Amz-Expires=300' +
  '&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEXAMPLETOKEN' +
  '&X-Amz-SignedHeaders=host' +
  '&X-Amz-Signature=3f1c5e0c1b7d9a8e6f4d2c0b9a8e7f6d5c4b3a2918273645546372819a0b1c2d';
const SAFE_URL =
  'https://asana-exports-prod.s3.us-east-1.amazonaws.com/exports/1234/export.jsonl.gz';

function expectClean(text: string): void {
  for (const leak of [
    '3f1c5e0c',
    'ASIAEXAMPLEKEY',
    'IQoJb3JpZ2lu',
    '0123456789abcdef',
    'X-Amz-Date=',
  ]) {
    expect(text).not.toContain(leak);
  }
}

describe('createRedactor', () => {
  const redact = createRedactor([TOKEN, undefined, '', 'abc']);

  it('masks known secrets wherever they appear', () => {
    expect(redact(`token=${TOKEN}; again ${TOKEN}`)).toBe('token=***; again ***');
    expect(redact(`url-encoded: ${encodeURIComponent(TOKEN)}`)).toBe('url-encoded: ***');
  });

  it('ignores short "secrets" that would mask ordinary text', () => {
    expect(redact('abc def abc')).toBe('abc def abc');
  });

  it('masks Bearer credentials, even for unknown tokens', () => {
    expect(createRedactor([])('Authorization: Bearer some.other-token/123:abc')).toBe(
      'Authorization: Bearer ***',
    );
    expect(createRedactor([])('{"authorization":"Bearer xyz123","x":1}')).toBe(
      '{"authorization":"Bearer ***","x":1}',
    );
    expect(redact(`authorization: bearer ${TOKEN}`)).toBe('authorization: bearer ***');
  });

  it('strips the query of presigned URLs in plain text', () => {
    const text = redact(`GET ${PRESIGNED} failed with 403`);
    expect(text).toBe(`GET ${SAFE_URL}?REDACTED failed with 403`);
    expectClean(text);
  });

  it('strips the query of URLs inside JSON strings, escaped or not', () => {
    const json = JSON.stringify({ data: { download_url: PRESIGNED, state: 'finished' } });
    const text = redact(json);
    expect(text).toBe(`{"data":{"download_url":"${SAFE_URL}?REDACTED","state":"finished"}}`);
    expect(JSON.parse(text).data.state).toBe('finished');

    // Encoders such as PHP's escape slashes; Go's escapes & as \u0026.
    const escapedUrl = PRESIGNED.replaceAll('/', '\\/').replaceAll('&', '\\u0026');
    const safeEscaped = SAFE_URL.replaceAll('/', '\\/');
    const escaped = `{"url":"${escapedUrl}","next":1}`;
    expect(redact(escaped)).toBe(`{"url":"${safeEscaped}?REDACTED","next":1}`);
    expect(JSON.parse(redact(escaped)).next).toBe(1);
    // The same, JSON-encoded once more (a logged response body inside a JSON log line).
    const twiceText = redact(JSON.stringify({ log: escaped }));
    expectClean(twiceText);
    expect(JSON.parse(twiceText)).toEqual({ log: `{"url":"${safeEscaped}?REDACTED","next":1}` });

    const nested = JSON.stringify({ body: JSON.stringify({ download_url: PRESIGNED }) });
    const nestedText = redact(nested);
    expectClean(nestedText);
    expect(JSON.parse(JSON.parse(nestedText).body).download_url).toBe(`${SAFE_URL}?REDACTED`);
  });

  it('strips URLs in error messages and markup', () => {
    const message = `Error: fetch failed for <${PRESIGNED}> (see '${PRESIGNED}')`;
    const text = redact(message);
    expect(text).toBe(
      `Error: fetch failed for <${SAFE_URL}?REDACTED> (see '${SAFE_URL}?REDACTED')`,
    );
  });

  it('masks signature parameters even outside a URL', () => {
    const text = redact(
      'canonical: X-Amz-Credential=AKIAXYZ/20240101&X-Amz-Signature=abcdef0123 Signature=zzz999&Expires=1',
    );
    expect(text).toBe(
      'canonical: X-Amz-Credential=***&X-Amz-Signature=*** Signature=***&Expires=1',
    );
  });

  it('masks user:password in URLs', () => {
    expect(createRedactor([])('proxy http://user:hunter22@proxy.local:8080/ down')).toBe(
      'proxy http://***@proxy.local:8080/ down',
    );
  });

  it('masks Asana personal access tokens by shape', () => {
    expect(createRedactor([])(`oops ${TOKEN} pasted`)).toBe('oops *** pasted');
  });

  it('leaves ordinary text and query-less URLs alone', () => {
    const text = 'GET https://app.asana.com/api/1.0/jobs/123 → 200 in 35 ms';
    expect(redact(text)).toBe(text);
  });

  it('learns secrets added later, longest first', () => {
    const late = createRedactor([]);
    expect(late('late-secret-value')).toBe('late-secret-value');
    late.add('secret-value');
    late.add('late-secret-value');
    late.add(undefined);
    expect(late('x late-secret-value y secret-value')).toBe('x *** y ***');
  });
});

describe('redactUrl', () => {
  it.each([
    [PRESIGNED, `${SAFE_URL}?REDACTED`],
    ['https://app.asana.com/api/1.0/jobs/1', 'https://app.asana.com/api/1.0/jobs/1'],
    ['https://user:pw@host.example/a?b=c#frag', 'https://host.example/a?REDACTED'],
    ['https://host.example/a#frag', 'https://host.example/a'],
    ['https://host.example/a?', 'https://host.example/a?REDACTED'],
    ['not a url', 'REDACTED'],
    ['', 'REDACTED'],
    ['data:text/plain,secret', 'REDACTED'],
  ])('%s → %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});
