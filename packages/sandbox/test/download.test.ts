import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.js';
import {
  api,
  dataOf,
  download,
  downloadUrlOf,
  finishedExport,
  sleep,
  startTestSandbox,
} from './helpers.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.configure({ linkTtlSeconds: 300, ignoreRange: false }));

describe('the download host', () => {
  it('serves the whole file with object-store headers', async () => {
    const { gid, url } = await finishedExport(sandbox);
    const info = await sandbox.exportFile(gid);
    const { response, bytes } = await download(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/gzip');
    expect(response.headers.get('content-length')).toBe(String(info.bytes));
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(info.sha256);
    expect(new URL(url).pathname.endsWith(`/${info.fileName}`)).toBe(true);
  });

  it('answers HEAD with the headers only', async () => {
    const { gid, url } = await finishedExport(sandbox);
    const { response, bytes } = await download(url, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(
      String((await sandbox.exportFile(gid)).bytes),
    );
    expect(bytes.length).toBe(0);
  });

  it('serves byte ranges with 206 and Content-Range, and 416 past the end', async () => {
    const { url } = await finishedExport(sandbox);
    const whole = (await download(url)).bytes;
    const total = whole.length;

    const open = await download(url, { headers: { Range: 'bytes=100-' } });
    expect(open.response.status).toBe(206);
    expect(open.response.headers.get('content-range')).toBe(`bytes 100-${total - 1}/${total}`);
    expect(open.bytes.equals(whole.subarray(100))).toBe(true);

    const closed = await download(url, { headers: { Range: 'bytes=10-19' } });
    expect(closed.response.status).toBe(206);
    expect(closed.response.headers.get('content-range')).toBe(`bytes 10-19/${total}`);
    expect(closed.bytes.equals(whole.subarray(10, 20))).toBe(true);

    const past = await download(url, { headers: { Range: `bytes=${total}-` } });
    expect(past.response.status).toBe(416);
    expect(past.response.headers.get('content-range')).toBe(`bytes */${total}`);
    expect(past.bytes.toString()).toContain('<Code>InvalidRange</Code>');

    const logged = sandbox.requests.filter((request) => request.origin === 'download').slice(-3);
    expect(logged.map((request) => [request.range, request.status])).toEqual([
      ['bytes=100-', 206],
      ['bytes=10-19', 206],
      [`bytes=${total}-`, 416],
    ]);
  });

  it('answers 200 with the whole file when the scenario ignores Range', async () => {
    sandbox.configure({ ignoreRange: true });
    const { gid, url } = await finishedExport(sandbox);
    const { response, bytes } = await download(url, { headers: { Range: 'bytes=100-' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-range')).toBeNull();
    expect(bytes.length).toBe((await sandbox.exportFile(gid)).bytes);
  });

  it('refuses and records any request carrying Authorization', async () => {
    const { url } = await finishedExport(sandbox);
    expect(sandbox.downloadAuthViolations).toEqual([]);
    const { response, bytes } = await download(url, {
      headers: { Authorization: `Bearer ${sandbox.token}` },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/xml');
    const xml = bytes.toString();
    expect(xml).toContain('<Code>InvalidArgument</Code>');
    expect(xml).toContain('Only one auth mechanism allowed');
    expect(xml).not.toContain(sandbox.token);
    expect(sandbox.downloadAuthViolations).toEqual([
      expect.objectContaining({ origin: 'download', hasAuthorization: true, status: 400 }),
    ]);
    const [violation] = sandbox.downloadAuthViolations;
    expect(violation?.path).toBe(new URL(url).pathname);
  });

  it('rejects tampered URLs with SignatureDoesNotMatch', async () => {
    const { url } = await finishedExport(sandbox);
    const tampered = new URL(url);
    tampered.searchParams.set('X-Amz-Expires', '999999');
    const longer = await download(tampered.href);
    expect(longer.response.status).toBe(403);
    expect(longer.bytes.toString()).toContain('<Code>SignatureDoesNotMatch</Code>');

    const otherObject = new URL(url);
    otherObject.pathname = otherObject.pathname.replace(
      /\d-/,
      (match) => `${(Number(match[0]) + 1) % 10}-`,
    );
    expect((await download(otherObject.href)).response.status).toBe(403);

    const unsigned = new URL(url);
    unsigned.search = '';
    const denied = await download(unsigned.href);
    expect(denied.response.status).toBe(403);
    expect(denied.bytes.toString()).toContain('<Code>AccessDenied</Code>');
  });

  it('expires links linkTtlSeconds after the status response, and a fresh one works', async () => {
    sandbox.configure({ linkTtlSeconds: 1 });
    const { url, statusPath } = await finishedExport(sandbox);
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('1');
    await sleep(2100);
    const expired = await download(url);
    expect(expired.response.status).toBe(403);
    const xml = expired.bytes.toString();
    expect(xml).toContain('<Code>AccessDenied</Code>');
    expect(xml).toContain('<Message>Request has expired</Message>');

    const fresh = downloadUrlOf(dataOf(await api(sandbox, 'GET', statusPath)));
    expect((await download(fresh ?? '')).response.status).toBe(200);
  });
});
