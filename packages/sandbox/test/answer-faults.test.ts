import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../src/index.js';
import {
  api,
  CACHE_DIR,
  createExport,
  dataOf,
  downloadUrlOf,
  type ExportData,
  errorOf,
  sleep,
  startTestSandbox,
  uniqueGid,
} from './helpers.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.configure({ durationMs: 200 }));

const headers = () => ({ Authorization: `Bearer ${sandbox.token}` });

/** The raw answer to a GET, for bodies that are not JSON. */
async function rawGet(path: string, signal?: AbortSignal) {
  const response = await fetch(`${sandbox.apiUrl}${path}`, { headers: headers(), signal });
  return { response, text: await response.text() };
}

async function rawPost(path: string, body: unknown, signal?: AbortSignal) {
  const response = await fetch(`${sandbox.apiUrl}${path}`, {
    method: 'POST',
    headers: { ...headers(), 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    signal,
  });
  return { response, text: await response.text() };
}

const resourceBody = (workspace: string) => ({
  data: { workspace, export_request_parameters: [{ resource_type: 'task' }] },
});

describe('rewrite faults', () => {
  it('sets dotted paths in a status answer, null included, creating missing objects', async () => {
    const { gid, statusPath } = await createExport(sandbox, 'graph');
    sandbox.inject({
      route: 'status',
      rewrite: {
        'data.gid': '1/../../x',
        'data.resource_type': null,
        'data.new_graph_export.download_url': 'file:///etc/passwd',
        'data.added.deeper': { list: [1, null, 'two'] },
      },
    });
    const rewritten = dataOf(await api(sandbox, 'GET', statusPath));
    expect(rewritten).toMatchObject({
      gid: '1/../../x',
      resource_type: null,
      resource_subtype: 'graph_export_request',
      new_graph_export: { resource_type: 'graph_export', download_url: 'file:///etc/passwd' },
      added: { deeper: { list: [1, null, 'two'] } },
    });
    const normal = dataOf(await api(sandbox, 'GET', statusPath));
    expect(normal.gid).toBe(gid);
    expect(normal).not.toHaveProperty('added');
  });

  it('carries control characters in a state as JSON escapes', async () => {
    const { statusPath } = await createExport(sandbox, 'organization');
    const hostile = 'finished\n\u001b[2J\u001b]8;;https://evil.invalid\u0007click\u001b[0m';
    sandbox.inject({ route: 'status', rewrite: { 'data.state': hostile } });
    const { response, text } = await rawGet(statusPath);
    expect(response.status).toBe(200);
    expect(text).toContain('\\u001b[2J');
    expect(text).not.toContain('\u001b');
    expect((JSON.parse(text) as { data: ExportData }).data.state).toBe(hostile);
  });

  it('rewrites a create answer after the export was created', async () => {
    const workspace = uniqueGid();
    sandbox.inject({ route: 'create', rewrite: { 'data.gid': '1/../../x' } });
    const created = await api(sandbox, 'POST', '/exports/resource', {
      body: resourceBody(workspace),
    });
    expect(created.status).toBe(201);
    expect(dataOf(created).gid).toBe('1/../../x');
    expect(dataOf(created).new_resource_export?.gid).toMatch(/^\d{16}$/);
    const retry = await api(sandbox, 'POST', '/exports/resource', {
      body: resourceBody(workspace),
    });
    expect(retry.status).toBe(403);
    expect(errorOf(retry).message).toMatch(/already in progress/);
  });

  it('with final, spares answers about waiting exports, then strikes `times` final ones', async () => {
    const { statusPath } = await createExport(sandbox, 'graph');
    sandbox.inject({
      route: 'status',
      final: true,
      times: 2,
      rewrite: { 'data.new_graph_export.download_url': null, 'data.note': 'rewritten' },
    });
    const seen: string[] = [];
    while (!seen.includes('succeeded normal')) {
      const data = dataOf(await api(sandbox, 'GET', statusPath)) as ExportData & { note?: string };
      const url = downloadUrlOf(data);
      seen.push(
        `${data.status} ${data.note === 'rewritten' && url === null ? 'rewritten' : 'normal'}`,
      );
      await sleep(30);
    }
    const waiting = seen.filter((entry) => !entry.startsWith('succeeded'));
    expect(waiting.length).toBeGreaterThan(0);
    expect(new Set(waiting.map((entry) => entry.split(' ')[1]))).toEqual(new Set(['normal']));
    expect(seen.slice(waiting.length)).toEqual([
      'succeeded rewritten',
      'succeeded rewritten',
      'succeeded normal',
    ]);
  });

  it('with final at the head of the queue, holds back the faults behind it', async () => {
    sandbox.configure({ durationMs: 400 });
    const { statusPath } = await createExport(sandbox, 'resource');
    sandbox.inject({ route: 'status', final: true, rewrite: { 'data.status': 'failed' } });
    sandbox.inject({ route: 'status', status: 503 });
    const waiting = await api(sandbox, 'GET', statusPath);
    expect(waiting.status).toBe(200);
    expect(dataOf(waiting).status).toBe('not_started');
    await sleep(450);
    expect(dataOf(await api(sandbox, 'GET', statusPath)).status).toBe('failed');
    expect((await api(sandbox, 'GET', statusPath)).status).toBe(503);
    expect(dataOf(await api(sandbox, 'GET', statusPath)).status).toBe('succeeded');
  });
});

describe('garble faults', () => {
  it('cuts a status answer in half, with a Content-Length that matches', async () => {
    sandbox.configure({ durationMs: 60_000 });
    const { gid, statusPath } = await createExport(sandbox, 'graph');
    const intact = await rawGet(statusPath);
    sandbox.inject({ route: 'status', garble: 'truncated-json' });
    const { response, text } = await rawGet(statusPath);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
    expect(Buffer.byteLength(text)).toBe(Math.floor(Buffer.byteLength(intact.text) / 2));
    expect(intact.text.startsWith(text)).toBe(true);
    expect(text).toContain(gid);
    expect(() => JSON.parse(text)).toThrow();
    expect(sandbox.requests.at(-1)).toMatchObject({ origin: 'api', status: 200 });
  });

  it('creates the export, then answers 201 with half the JSON', async () => {
    const workspace = uniqueGid();
    sandbox.inject({ route: 'create', garble: 'truncated-json' });
    const { response, text } = await rawPost('/exports/resource', resourceBody(workspace));
    expect(response.status).toBe(201);
    expect(text.startsWith('{"data":{"gid":"')).toBe(true);
    expect(() => JSON.parse(text)).toThrow();
    const retry = await api(sandbox, 'POST', '/exports/resource', {
      body: resourceBody(workspace),
    });
    expect(errorOf(retry).message).toMatch(/already in progress/);
  });

  it("answers with a proxy's HTML page, on status and on create", async () => {
    const { statusPath } = await createExport(sandbox, 'graph');
    sandbox.inject({ route: 'status', garble: 'html' });
    const page = await rawGet(statusPath);
    expect(page.response.status).toBe(200);
    expect(page.response.headers.get('content-type')).toBe('text/html');
    expect(page.text).toMatch(/^<!DOCTYPE html>/);
    expect(page.response.headers.get('content-length')).toBe(String(Buffer.byteLength(page.text)));

    const workspace = uniqueGid();
    sandbox.inject({ route: 'create', garble: 'html' });
    const created = await rawPost('/exports/resource', resourceBody(workspace));
    expect(created.response.status).toBe(201);
    expect(created.text).toContain('<html>');
    const retry = await api(sandbox, 'POST', '/exports/resource', {
      body: resourceBody(workspace),
    });
    expect(retry.status).toBe(403);
  });
});

describe('hang faults on the API', () => {
  it('reads a status request and never answers, until the client gives up', async () => {
    const { statusPath } = await createExport(sandbox, 'graph');
    sandbox.inject({ route: 'status', hang: true });
    const started = Date.now();
    await expect(rawGet(statusPath, AbortSignal.timeout(300))).rejects.toThrow(/aborted|timeout/i);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(sandbox.requests.at(-1)).toMatchObject({ origin: 'api', method: 'GET', status: 0 });
    expect((await api(sandbox, 'GET', statusPath)).status).toBe(200);
  });

  it('does not create the export of a create that hangs', async () => {
    const workspace = uniqueGid();
    sandbox.inject({ route: 'create', hang: true });
    await expect(
      rawPost('/exports/resource', resourceBody(workspace), AbortSignal.timeout(200)),
    ).rejects.toThrow();
    const retry = await api(sandbox, 'POST', '/exports/resource', {
      body: resourceBody(workspace),
    });
    expect(retry.status).toBe(201);
  });

  it('does not keep close() waiting for a hung request', async () => {
    const other = await startSandbox({ cacheDir: CACHE_DIR });
    other.inject({ route: 'status', hang: true });
    const hung = fetch(`${other.apiUrl}/jobs/1`, {
      headers: { Authorization: `Bearer ${other.token}` },
    }).then(
      () => 'answered',
      () => 'failed',
    );
    while (other.requests.length === 0) await sleep(10);
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await hung).toBe('failed');
  });
});
