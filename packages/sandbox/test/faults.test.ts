import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.js';
import {
  api,
  createExport,
  dataOf,
  download,
  errorOf,
  finishedExport,
  startTestSandbox,
  uniqueGid,
} from './helpers.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());

const lastRequest = () => sandbox.requests.at(-1);

/** Reads a body chunk by chunk, counting what arrives before the stream ends or fails. */
async function readBody(response: Response) {
  if (response.body === null) throw new Error('no body');
  const reader = response.body.getReader();
  let received = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { received, error: undefined };
      received += value.length;
    }
  } catch (error) {
    return { received, error };
  }
}

describe('status faults', () => {
  it('answers a 429 with Retry-After verbatim, seconds or HTTP date, or without it', async () => {
    const { statusPath } = await createExport(sandbox, 'graph');
    const date = 'Wed, 21 Oct 2026 07:28:00 GMT';
    sandbox.inject({ route: 'status', status: 429, retryAfter: '7' });
    sandbox.inject({ route: 'status', status: 429, retryAfter: date });
    sandbox.inject({ route: 'status', status: 429 });

    const seconds = await api(sandbox, 'GET', statusPath);
    expect(seconds.status).toBe(429);
    expect(seconds.headers.get('retry-after')).toBe('7');
    expect(errorOf(seconds).message).toMatch(/too many requests/);
    expect(errorOf(seconds)).not.toHaveProperty('phrase');

    expect((await api(sandbox, 'GET', statusPath)).headers.get('retry-after')).toBe(date);
    const bare = await api(sandbox, 'GET', statusPath);
    expect(bare.status).toBe(429);
    expect(bare.headers.get('retry-after')).toBeNull();

    expect((await api(sandbox, 'GET', statusPath)).status).toBe(200);
  });

  it('gives 500-class faults a phrase and honours times and order', async () => {
    const { statusPath } = await createExport(sandbox, 'graph');
    sandbox.inject({ route: 'status', status: 503, times: 2 });
    sandbox.inject({ route: 'status', status: 598, message: 'Odd gateway' });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await api(sandbox, 'GET', statusPath);
      statuses.push(response.status);
      if (response.status >= 500) expect(errorOf(response).phrase).toMatch(/^\d+ [a-z ]+$/);
      if (response.status === 598) expect(errorOf(response).message).toBe('Odd gateway');
    }
    expect(statuses).toEqual([503, 503, 598, 200]);
  });

  it('drops every queued fault on clearFaults, on every route', async () => {
    const { statusPath } = await createExport(sandbox, 'graph');
    sandbox.inject({ route: 'status', status: 503, times: 5 });
    sandbox.inject({ route: 'create', status: 500 });
    expect((await api(sandbox, 'GET', statusPath)).status).toBe(503);
    sandbox.clearFaults();
    expect((await api(sandbox, 'GET', statusPath)).status).toBe(200);
    expect((await createExport(sandbox, 'graph')).created.status).toBe(201);
  });

  it('keeps faults to their route', async () => {
    sandbox.inject({ route: 'status', status: 500 });
    const { created, statusPath } = await createExport(sandbox, 'graph');
    expect(created.status).toBe(201);
    expect((await api(sandbox, 'GET', statusPath)).status).toBe(500);
  });

  it('drops the connection before answering and records status 0', async () => {
    const { statusPath } = await createExport(sandbox, 'resource');
    sandbox.inject({ route: 'status', reset: 'before-response' });
    await expect(api(sandbox, 'GET', statusPath)).rejects.toThrow();
    expect(lastRequest()).toMatchObject({ origin: 'api', status: 0 });
    expect((await api(sandbox, 'GET', statusPath)).status).toBe(200);
  });

  it('refuses malformed faults when injected', () => {
    // @ts-expect-error: mid-body faults exist only on the download route.
    expect(() => sandbox.inject({ route: 'status', reset: 'mid-body', afterBytes: 1 })).toThrow();
    expect(() => sandbox.inject({ route: 'create', status: 200 })).toThrow(/400 to 599/);
    expect(() => sandbox.inject({ route: 'create', status: 500, times: 0 })).toThrow(/times/);
  });
});

describe('create faults', () => {
  it('answers an injected 403 with the "not permitted" message by default', async () => {
    sandbox.inject({ route: 'create', status: 403 });
    const created = await api(sandbox, 'POST', '/organization_exports', {
      body: { data: { organization: uniqueGid() } },
    });
    expect(created.status).toBe(403);
    expect(errorOf(created).message).toMatch(/permission to export/);
  });

  it('creates the export but loses the answer with reset after-processing', async () => {
    const workspace = uniqueGid();
    const body = { data: { workspace, export_request_parameters: [{ resource_type: 'task' }] } };
    sandbox.inject({ route: 'create', reset: 'after-processing' });
    await expect(api(sandbox, 'POST', '/exports/resource', { body })).rejects.toThrow();
    expect(lastRequest()?.status).toBe(0);
    const retry = await api(sandbox, 'POST', '/exports/resource', { body });
    expect(retry.status).toBe(403);
    expect(errorOf(retry).message).toMatch(/already in progress/);
  });

  it('loses the answer before processing with reset before-response', async () => {
    const parent = uniqueGid();
    sandbox.inject({ route: 'create', reset: 'before-response' });
    await expect(
      api(sandbox, 'POST', '/exports/graph', { body: { data: { parent } } }),
    ).rejects.toThrow();
    const retry = await api(sandbox, 'POST', '/exports/graph', { body: { data: { parent } } });
    expect(retry.status).toBe(201);
    expect(dataOf(retry).status).toBe('not_started');
  });
});

describe('download faults', () => {
  it('answers status faults with S3 XML and Retry-After', async () => {
    const { url } = await finishedExport(sandbox);
    sandbox.inject({ route: 'download', status: 503, retryAfter: '2' });
    sandbox.inject({ route: 'download', status: 500 });
    const slowDown = await download(url);
    expect(slowDown.response.status).toBe(503);
    expect(slowDown.response.headers.get('retry-after')).toBe('2');
    expect(slowDown.response.headers.get('content-type')).toBe('application/xml');
    expect(slowDown.bytes.toString()).toContain('<Code>SlowDown</Code>');
    const internal = await download(url);
    expect(internal.bytes.toString()).toContain('<Code>InternalError</Code>');
    expect((await download(url)).response.status).toBe(200);
  });

  it('answers expireLink faults as an expired presigned URL', async () => {
    const { url } = await finishedExport(sandbox);
    sandbox.inject({ route: 'download', expireLink: true });
    const expired = await download(url);
    expect(expired.response.status).toBe(403);
    expect(expired.bytes.toString()).toMatch(
      /<Code>AccessDenied<\/Code><Message>Request has expired<\/Message>/,
    );
    expect((await download(url)).response.status).toBe(200);
  });

  it('drops the connection before answering', async () => {
    const { url } = await finishedExport(sandbox);
    sandbox.inject({ route: 'download', reset: 'before-response' });
    await expect(fetch(url)).rejects.toThrow();
    expect(lastRequest()).toMatchObject({ origin: 'download', status: 0 });
  });

  it('delivers exactly afterBytes of the body, then fails the transfer', async () => {
    const { gid, url } = await finishedExport(sandbox);
    const { bytes } = await sandbox.exportFile(gid);
    for (const afterBytes of [0, 1000, 4321]) {
      sandbox.inject({ route: 'download', reset: 'mid-body', afterBytes });
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-length')).toBe(String(bytes));
      const { received, error } = await readBody(response);
      expect(received).toBe(afterBytes);
      expect(error).toBeDefined();
    }
  });

  it('counts afterBytes from the start of a ranged body', async () => {
    const { url } = await finishedExport(sandbox);
    sandbox.inject({ route: 'download', reset: 'mid-body', afterBytes: 500 });
    const response = await fetch(url, { headers: { Range: 'bytes=1000-' } });
    expect(response.status).toBe(206);
    const { received, error } = await readBody(response);
    expect(received).toBe(500);
    expect(error).toBeDefined();
    expect(lastRequest()).toMatchObject({ status: 206, range: 'bytes=1000-' });
  });

  it('stalls after afterBytes with the connection open until the client gives up', async () => {
    const { url } = await finishedExport(sandbox);
    sandbox.inject({ route: 'download', stall: 'mid-body', afterBytes: 2000 });
    const controller = new AbortController();
    const response = await fetch(url, { signal: controller.signal });
    setTimeout(() => controller.abort(), 400);
    const started = Date.now();
    const { received, error } = await readBody(response);
    expect(received).toBe(2000);
    expect((error as Error).name).toBe('AbortError');
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });
});
