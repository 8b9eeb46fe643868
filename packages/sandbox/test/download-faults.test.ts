import { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Sandbox, startSandbox } from '../src/index.js';
import { CACHE_DIR, download, FAST, finishedExport, sleep, startTestSandbox } from './helpers.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());

const downloads = () => sandbox.requests.filter((request) => request.origin === 'download');

/** Reads from `reader` until at least `atLeast` bytes have arrived in total, or the body ends. */
async function readUntil(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  chunks: Uint8Array[],
  atLeast: number,
): Promise<number> {
  let received = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  while (received < atLeast) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
  }
  return received;
}

describe('drip faults', () => {
  it('sends afterBytes at once, then `bytes` every `everyMs`, until the body is complete', async () => {
    const { gid, url } = await finishedExport(sandbox);
    const { bytes: total } = await sandbox.exportFile(gid);
    const whole = (await download(url)).bytes;
    const pace = { afterBytes: 1000, bytes: 250, everyMs: 50 };
    sandbox.inject({ route: 'download', drip: pace });

    const started = Date.now();
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(total));
    if (response.body === null) throw new Error('no body');
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    const early = await readUntil(reader, chunks, pace.afterBytes);
    // The full-speed part is in; the rest (more than 20 ticks' worth) is still on its way.
    expect(early).toBeGreaterThanOrEqual(pace.afterBytes);
    expect(early).toBeLessThan(total);
    expect(await readUntil(reader, chunks, Number.POSITIVE_INFINITY)).toBe(total);
    expect(Buffer.concat(chunks).equals(whole)).toBe(true);

    // Timers never fire early, so the pace sets a floor on the time taken.
    const ticks = Math.ceil((total - pace.afterBytes) / pace.bytes);
    expect(ticks).toBeGreaterThan(20);
    expect(Date.now() - started).toBeGreaterThanOrEqual((ticks - 1) * pace.everyMs);
    expect(downloads().at(-1)).toMatchObject({ status: 200, version: 1, host: 'primary' });
  });

  it('drips a ranged body from the start of the range', async () => {
    const { url } = await finishedExport(sandbox);
    const whole = (await download(url)).bytes;
    sandbox.inject({ route: 'download', drip: { afterBytes: 0, bytes: 500, everyMs: 5 } });
    const { response, bytes } = await download(url, { headers: { Range: 'bytes=1000-' } });
    expect(response.status).toBe(206);
    expect(bytes.equals(whole.subarray(1000))).toBe(true);
  });

  it('stops writing as soon as the client goes away', async () => {
    const { url } = await finishedExport(sandbox);
    const written = new Map<ServerResponse, number>();
    const write = ServerResponse.prototype.write;
    const spy = vi.spyOn(ServerResponse.prototype, 'write').mockImplementation(function (
      this: ServerResponse,
      ...args: Parameters<typeof write>
    ) {
      written.set(this, (written.get(this) ?? 0) + 1);
      return write.apply(this, args);
    });
    try {
      sandbox.inject({ route: 'download', drip: { afterBytes: 100, bytes: 1, everyMs: 5 } });
      const controller = new AbortController();
      const response = await fetch(url, { signal: controller.signal });
      if (response.body === null) throw new Error('no body');
      const reader = response.body.getReader();
      await readUntil(reader, [], 110);
      controller.abort();
      await sleep(100);
      const counts = [...written.values()];
      expect(counts).toHaveLength(1);
      await sleep(200);
      // Forty more ticks would have passed: none of them wrote anything.
      expect([...written.values()]).toEqual(counts);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('redirect faults', () => {
  it('sends the client to the same signed object on the regional origin', async () => {
    const { url } = await finishedExport(sandbox);
    const whole = (await download(url)).bytes;
    expect(sandbox.regionalDownloadOrigin).not.toBe(sandbox.downloadOrigin);
    expect(sandbox.regionalDownloadOrigin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    sandbox.inject({ route: 'download', redirect: 307 });
    const redirected = await download(url, { redirect: 'manual' });
    expect(redirected.response.status).toBe(307);
    const original = new URL(url);
    expect(redirected.response.headers.get('location')).toBe(
      `${sandbox.regionalDownloadOrigin}${original.pathname}${original.search}`,
    );
    expect(redirected.response.headers.get('content-type')).toBe('application/xml');
    expect(redirected.bytes.toString()).toContain('<Code>TemporaryRedirect</Code>');

    const before = downloads().length;
    sandbox.inject({ route: 'download', redirect: 301 });
    const followed = await download(url);
    expect(followed.response.status).toBe(200);
    expect(followed.bytes.equals(whole)).toBe(true);
    expect(downloads().slice(before)).toEqual([
      expect.objectContaining({ host: 'primary', status: 301, path: original.pathname }),
      expect.objectContaining({ host: 'regional', status: 200, path: original.pathname }),
    ]);
  });

  it('lets the redirected request consume the next download fault', async () => {
    const { url } = await finishedExport(sandbox);
    sandbox.inject({ route: 'download', redirect: 302 });
    sandbox.inject({ route: 'download', status: 503 });
    const { response, bytes } = await download(url);
    expect(response.status).toBe(503);
    expect(bytes.toString()).toContain('<Code>SlowDown</Code>');
    expect(downloads().at(-1)).toMatchObject({ host: 'regional', status: 503 });
  });

  it('checks signatures and Authorization on the regional origin too', async () => {
    const { url } = await finishedExport(sandbox);
    const regional = new URL(url);
    regional.host = new URL(sandbox.regionalDownloadOrigin).host;
    expect((await download(regional.href)).response.status).toBe(200);
    regional.searchParams.set('X-Amz-Expires', '999999');
    expect((await download(regional.href)).response.status).toBe(403);
    const leaked = await download(
      url.replace(sandbox.downloadOrigin, sandbox.regionalDownloadOrigin),
      {
        headers: { Authorization: `Bearer ${sandbox.token}` },
      },
    );
    expect(leaked.response.status).toBe(400);
    expect(sandbox.downloadAuthViolations.at(-1)).toMatchObject({ host: 'regional' });
  });

  it.each([
    [308, 'file:///etc/passwd'],
    [303, '../elsewhere/object.jsonl.gz'],
  ] as const)('sends any other location verbatim (%i %s)', async (status, location) => {
    const { url } = await finishedExport(sandbox);
    sandbox.inject({ route: 'download', redirect: status, location });
    const { response, bytes } = await download(url, { redirect: 'manual' });
    expect(response.status).toBe(status);
    expect(response.headers.get('location')).toBe(location);
    expect(bytes.toString()).toMatch(/^<\?xml .*<Error><Code>\w+<\/Code>/s);
  });
});

describe('hang faults on the download host', () => {
  it('never answers until the client gives up', async () => {
    const { url } = await finishedExport(sandbox);
    sandbox.inject({ route: 'download', hang: true });
    const started = Date.now();
    await expect(fetch(url, { signal: AbortSignal.timeout(300) })).rejects.toThrow(
      /aborted|timeout/i,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(downloads().at(-1)).toMatchObject({ status: 0, host: 'primary' });
    expect(downloads().at(-1)).not.toHaveProperty('version');
    expect((await download(url)).response.status).toBe(200);
  });

  it('does not keep close() waiting for a hung or dripping download', async () => {
    const other = await startSandbox({ cacheDir: CACHE_DIR, scenario: FAST });
    const { url } = await finishedExport(other);
    other.inject({ route: 'download', hang: true });
    other.inject({ route: 'download', drip: { afterBytes: 10, bytes: 1, everyMs: 1000 } });
    const hung = fetch(url).then(
      () => 'answered',
      () => 'failed',
    );
    const dripping = await fetch(url);
    const body = dripping.arrayBuffer().then(
      () => 'complete',
      () => 'failed',
    );
    while (other.requests.filter((request) => request.origin === 'download').length < 2) {
      await sleep(10);
    }
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await hung).toBe('failed');
    expect(await body).toBe('failed');
  });
});
