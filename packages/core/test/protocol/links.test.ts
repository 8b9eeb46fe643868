import { describe, expect, it } from 'vitest';
import { checkDownloadLink } from '../../src/protocol/links.js';

describe('checkDownloadLink', () => {
  it.each([
    'https://bucket.s3.amazonaws.com/a.jsonl.gz?X-Amz-Signature=x',
    'http://127.0.0.1:4010/bucket/a.jsonl.gz?X-Amz-Signature=x',
  ])('opens %s', (link) => {
    expect(checkDownloadLink(link)).toMatchObject({ ok: true });
  });

  it.each([
    ['file:///etc/passwd', 'is not an http(s) link (it is a file: link)'],
    ['data:text/plain,hello', 'is not an http(s) link (it is a data: link)'],
    ['ftp://example.com/a', 'is not an http(s) link (it is a ftp: link)'],
    ['javascript:alert(1)', 'is not an http(s) link (it is a javascript: link)'],
    ['not a link', 'is not a link the downloader can read'],
    ['', 'is not a link the downloader can read'],
  ])('refuses %j: %s', (link, problem) => {
    expect(checkDownloadLink(link)).toEqual({ ok: false, problem });
  });

  it('resolves a relative redirect and refuses one from https down to http', () => {
    const from = new URL('https://s3.example/bucket/a?sig=1');
    const relative = checkDownloadLink('/other/b?sig=2', from);
    expect(relative.ok && relative.url.href).toBe('https://s3.example/other/b?sig=2');
    expect(checkDownloadLink('http://s3.example/a', from)).toEqual({
      ok: false,
      problem: 'leads from https down to plain http',
    });
    expect(
      checkDownloadLink('https://eu.s3.example/a', new URL('http://s3.example/')),
    ).toMatchObject({
      ok: true,
    });
  });
});
