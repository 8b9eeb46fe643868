import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.js';
import {
  api,
  createExport,
  dataOf,
  downloadUrlOf,
  errorOf,
  sleep,
  startTestSandbox,
  uniqueGid,
  waitUntilDone,
} from './helpers.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.configure({ durationMs: 200, outcome: 'succeed' }));

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const GID = /^\d{16}$/;
const HELP = /developers\.asana\.com/;

describe('organization exports', () => {
  it('creates with 201 and moves pending → started → finished with a download URL', async () => {
    const organization = uniqueGid();
    const created = await api(sandbox, 'POST', '/organization_exports', {
      body: { data: { organization } },
    });
    expect(created.status).toBe(201);
    const data = dataOf(created);
    expect(data).toEqual({
      gid: expect.stringMatching(GID),
      resource_type: 'organization_export',
      created_at: expect.stringMatching(ISO),
      state: 'pending',
      download_url: null,
      organization: { gid: organization, resource_type: 'workspace', name: expect.any(String) },
    });

    await sleep(100);
    const started = dataOf(await api(sandbox, 'GET', `/organization_exports/${data.gid}`));
    expect(started.state).toBe('started');
    expect(started.download_url).toBeNull();

    const finished = await waitUntilDone(sandbox, `/organization_exports/${data.gid}`);
    expect(finished.state).toBe('finished');
    const url = new URL(finished.download_url ?? '');
    expect(url.origin).toBe(sandbox.downloadOrigin);
    expect(url.pathname).toMatch(new RegExp(`^/[a-z0-9-]+/${data.gid}-\\d{8}\\.json\\.gz$`));
    for (const name of [
      'X-Amz-Algorithm',
      'X-Amz-Credential',
      'X-Amz-Date',
      'X-Amz-Expires',
      'X-Amz-SignedHeaders',
      'X-Amz-Signature',
    ]) {
      expect(url.searchParams.get(name)).toBeTruthy();
    }
    expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(url.searchParams.get('X-Amz-Date')).toMatch(/^\d{8}T\d{6}Z$/);
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ends in state error without a download URL when the scenario fails', async () => {
    sandbox.configure({ outcome: 'fail' });
    const { statusPath } = await createExport(sandbox, 'organization');
    const done = await waitUntilDone(sandbox, statusPath);
    expect(done.state).toBe('error');
    expect(done.download_url).toBeNull();
  });
});

describe('resource exports', () => {
  it('creates a job with 201 and moves not_started → in_progress → succeeded', async () => {
    const { created, statusPath } = await createExport(sandbox, 'resource', ['task', 'message']);
    expect(created.status).toBe(201);
    const job = dataOf(created);
    expect(job).toEqual({
      gid: expect.stringMatching(GID),
      resource_type: 'job',
      resource_subtype: 'export_request',
      status: 'not_started',
      new_resource_export: {
        gid: expect.stringMatching(GID),
        resource_type: 'resource_export',
        created_at: expect.stringMatching(ISO),
        completed_at: null,
        download_url: null,
      },
    });
    expect(job.new_resource_export?.gid).not.toBe(job.gid);

    await sleep(100);
    expect(dataOf(await api(sandbox, 'GET', statusPath)).status).toBe('in_progress');

    const done = await waitUntilDone(sandbox, statusPath);
    expect(done.status).toBe('succeeded');
    expect(done.new_resource_export?.completed_at).toMatch(ISO);
    const url = new URL(done.new_resource_export?.download_url ?? '');
    expect(url.pathname).toMatch(
      new RegExp(`/${job.new_resource_export?.gid}-\\d{8}\\.jsonl\\.gz$`),
    );
  });

  it('mints a fresh presigned URL on every status response once done', async () => {
    const { statusPath } = await createExport(sandbox, 'resource');
    await waitUntilDone(sandbox, statusPath);
    const first = downloadUrlOf(dataOf(await api(sandbox, 'GET', statusPath)));
    await sleep(1100);
    const second = downloadUrlOf(dataOf(await api(sandbox, 'GET', statusPath)));
    expect(first).not.toBeNull();
    expect(second).not.toBe(first);
  });

  it('allows one export in progress per workspace, with a message unlike "not permitted"', async () => {
    const workspace = uniqueGid();
    const body = {
      data: { workspace, export_request_parameters: [{ resource_type: 'team' }] },
    };
    expect((await api(sandbox, 'POST', '/exports/resource', { body })).status).toBe(201);
    const busy = await api(sandbox, 'POST', '/exports/resource', { body });
    expect(busy.status).toBe(403);
    expect(errorOf(busy).message).toMatch(/already in progress/);
    expect(errorOf(busy).help).toMatch(HELP);

    sandbox.inject({ route: 'create', status: 403 });
    const other = { data: { ...body.data, workspace: uniqueGid() } };
    const refused = await api(sandbox, 'POST', '/exports/resource', { body: other });
    expect(refused.status).toBe(403);
    expect(errorOf(refused).message).toMatch(/do not have permission/);
    expect(errorOf(refused).message).not.toMatch(/in progress/);

    await sleep(250);
    expect((await api(sandbox, 'POST', '/exports/resource', { body })).status).toBe(201);
  });

  it('ends in status failed when the scenario fails', async () => {
    sandbox.configure({ outcome: 'fail' });
    const { statusPath } = await createExport(sandbox, 'resource');
    const done = await waitUntilDone(sandbox, statusPath);
    expect(done.status).toBe('failed');
    expect(done.new_resource_export?.download_url).toBeNull();
  });

  it('accepts the documented fields and filters', async () => {
    const created = await api(sandbox, 'POST', '/exports/resource', {
      body: {
        data: {
          workspace: uniqueGid(),
          export_request_parameters: [
            {
              resource_type: 'task',
              fields: ['gid', 'name'],
              filters: {
                'assignee.any': ['12345'],
                'created_at.after': '2024-01-01T00:00:00.000Z',
              },
            },
            { resource_type: 'message', filters: { 'commented_on_by.any': ['1'] } },
            { resource_type: 'team', fields: ['gid', 'name', 'description'] },
          ],
        },
      },
    });
    expect(created.status).toBe(201);
  });

  it.each([
    ['no workspace', { export_request_parameters: [{ resource_type: 'task' }] }, /workspace/],
    ['no parameters', { workspace: '1' }, /export_request_parameters/],
    ['empty parameters', { workspace: '1', export_request_parameters: [] }, /non-empty/],
    [
      'an unknown resource_type',
      { workspace: '1', export_request_parameters: [{ resource_type: 'project' }] },
      /export_request_parameters\[0\]\.resource_type.*"project"/,
    ],
    [
      'filters on teams',
      {
        workspace: '1',
        export_request_parameters: [
          { resource_type: 'task' },
          { resource_type: 'team', filters: { 'created_at.after': '2024-01-01T00:00:00Z' } },
        ],
      },
      /export_request_parameters\[1\]\.filters.*team/,
    ],
    [
      'an unknown filter name',
      {
        workspace: '1',
        export_request_parameters: [{ resource_type: 'task', filters: { 'due_on.before': 'x' } }],
      },
      /Unknown filter "due_on\.before"/,
    ],
    [
      'a task-only filter on messages',
      {
        workspace: '1',
        export_request_parameters: [
          { resource_type: 'message', filters: { 'assignee.any': ['1'] } },
        ],
      },
      /Unknown filter "assignee\.any" for resource_type message/,
    ],
    [
      'a malformed date filter',
      {
        workspace: '1',
        export_request_parameters: [
          { resource_type: 'task', filters: { 'created_at.before': 'yesterday' } },
        ],
      },
      /created_at\.before/,
    ],
  ])('answers 400 naming the problem for %s', async (_name, data, message) => {
    const response = await api(sandbox, 'POST', '/exports/resource', { body: { data } });
    expect(response.status).toBe(400);
    expect(errorOf(response).message).toMatch(message);
    expect(errorOf(response).help).toMatch(HELP);
    expect(errorOf(response)).not.toHaveProperty('phrase');
  });
});

describe('graph exports', () => {
  it('creates a graph_export_request job and returns the same job for a repeat request', async () => {
    const parent = uniqueGid();
    const first = await api(sandbox, 'POST', '/exports/graph', { body: { data: { parent } } });
    expect(first.status).toBe(201);
    const job = dataOf(first);
    expect(job).toMatchObject({
      resource_type: 'job',
      resource_subtype: 'graph_export_request',
      status: 'not_started',
      new_graph_export: { resource_type: 'graph_export', completed_at: null, download_url: null },
    });
    const repeat = await api(sandbox, 'POST', '/exports/graph', { body: { data: { parent } } });
    expect(repeat.status).toBe(201);
    expect(dataOf(repeat).gid).toBe(job.gid);

    const done = await waitUntilDone(sandbox, `/jobs/${job.gid}`);
    expect(done.status).toBe('succeeded');
    expect(done.new_graph_export?.download_url).toMatch(/\.jsonl\.gz\?/);
    const after = await api(sandbox, 'POST', '/exports/graph', { body: { data: { parent } } });
    expect(dataOf(after).gid).not.toBe(job.gid);
  });

  it('answers 400 without a parent', async () => {
    const response = await api(sandbox, 'POST', '/exports/graph', { body: { data: {} } });
    expect(response.status).toBe(400);
    expect(errorOf(response).message).toBe('parent: Missing input');
  });
});

describe('requests Asana refuses', () => {
  it.each([
    ['without a token', null],
    ['with a wrong token', 'not-the-token'],
  ])('answers 401 %s', async (_name, token) => {
    const response = await api(sandbox, 'GET', '/jobs/1', { token });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      errors: [{ message: 'Not Authorized', help: expect.stringMatching(HELP) }],
    });
  });

  it('answers /users/me for a good token only, as credential tests need', async () => {
    const me = await api(sandbox, 'GET', '/users/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      data: { resource_type: 'user', gid: expect.stringMatching(/^\d+$/) },
    });
    expect((await api(sandbox, 'GET', '/users/me', { token: 'not-the-token' })).status).toBe(401);
  });

  it('answers 404 for unknown gids, on both status routes', async () => {
    const job = await api(sandbox, 'GET', '/jobs/1234567890123456');
    expect(job.status).toBe(404);
    expect(errorOf(job).message).toMatch(/1234567890123456/);
    const { gid } = await createExport(sandbox, 'resource');
    // A job gid is not an organization export gid.
    expect((await api(sandbox, 'GET', `/organization_exports/${gid}`)).status).toBe(404);
  });

  it('answers 404 for unknown paths and methods', async () => {
    expect((await api(sandbox, 'GET', '/tasks')).status).toBe(404);
    const wrongMethod = await api(sandbox, 'DELETE', '/jobs/1');
    expect(wrongMethod.status).toBe(404);
    expect(errorOf(wrongMethod).message).toBe('No matching route for request');
  });

  it('answers 400 for malformed JSON and a missing data envelope', async () => {
    const malformed = await api(sandbox, 'POST', '/exports/graph', { rawBody: '{"data":' });
    expect(malformed.status).toBe(400);
    expect(errorOf(malformed).message).toMatch(/invalid JSON/);
    const bare = await api(sandbox, 'POST', '/organization_exports', {
      body: { organization: '1' },
    });
    expect(bare.status).toBe(400);
    expect(errorOf(bare).message).toBe('data: Missing input');
  });

  it('honours opt_pretty', async () => {
    const response = await fetch(`${sandbox.apiUrl}/jobs/1?opt_pretty=true&opt_fields=gid`, {
      headers: { Authorization: `Bearer ${sandbox.token}` },
    });
    const text = await response.text();
    expect(response.status).toBe(404);
    expect(text).toContain('\n  "errors"');
    expect(JSON.parse(text)).toHaveProperty('errors');
  });
});

describe('the request log', () => {
  it('records method, path without query, authorization and status', async () => {
    const before = sandbox.requests.length;
    await api(sandbox, 'GET', '/jobs/42?opt_pretty=1');
    await api(sandbox, 'GET', '/jobs/42', { token: null });
    expect(sandbox.requests.slice(before)).toEqual([
      {
        origin: 'api',
        method: 'GET',
        path: '/api/1.0/jobs/42',
        hasAuthorization: true,
        status: 404,
        at: expect.any(Number),
      },
      expect.objectContaining({ hasAuthorization: false, status: 401 }),
    ]);
  });
});

describe('startExport, for tests that need an export started by another client', () => {
  it('starts a graph or resource export over HTTP, logged like any request', async () => {
    const before = sandbox.requests.length;
    const graphJob = await sandbox.startExport({ parent: uniqueGid() });
    const workspace = uniqueGid();
    const resourceJob = await sandbox.startExport({ workspace });
    expect(
      sandbox.requests.slice(before).map(({ method, path, status }) => [method, path, status]),
    ).toEqual([
      ['POST', '/api/1.0/exports/graph', 201],
      ['POST', '/api/1.0/exports/resource', 201],
    ]);
    expect(dataOf(await api(sandbox, 'GET', `/jobs/${graphJob}`)).resource_subtype).toBe(
      'graph_export_request',
    );
    expect(dataOf(await api(sandbox, 'GET', `/jobs/${resourceJob}`)).resource_subtype).toBe(
      'export_request',
    );
    // One resource export per workspace: a second is refused, and startExport says so.
    await expect(sandbox.startExport({ workspace })).rejects.toThrow(
      /answered 403 to POST \/exports\/resource/,
    );
  });
});

describe('the control endpoints', () => {
  const control = (path: string, init?: RequestInit) =>
    fetch(new URL(`/_sandbox/${path}`, sandbox.apiUrl), init);

  it('configures, injects and reports without a token, and are not logged', async () => {
    const before = sandbox.requests.length;
    const configured = await control('configure', {
      method: 'POST',
      body: JSON.stringify({ durationMs: 0 }),
    });
    expect(configured.status).toBe(200);
    expect(await configured.json()).toMatchObject({ durationMs: 0, outcome: 'succeed' });

    const injected = await control('inject', {
      method: 'POST',
      body: JSON.stringify({ route: 'status', status: 502 }),
    });
    expect(injected.status).toBe(200);
    expect(sandbox.requests.length).toBe(before);

    const { gid, statusPath } = await createExport(sandbox, 'graph');
    const failed = await api(sandbox, 'GET', statusPath);
    expect(failed.status).toBe(502);
    expect(errorOf(failed).phrase).toMatch(/^\d+ \w+ \w+ \w+ \w+$/);
    expect(dataOf(await api(sandbox, 'GET', statusPath)).status).toBe('succeeded');

    const requests = (await (await control('requests')).json()) as unknown[];
    expect(requests).toHaveLength(sandbox.requests.length);
    const info = await (await control(`files/${gid}`)).json();
    expect(info).toEqual(await sandbox.exportFile(gid));
    expect((await control('files/999')).status).toBe(404);
    const job = await sandbox.startExport({ parent: '1100000000000777' });
    expect(sandbox.exportTarget(job)).toEqual({ kind: 'graph', gid: '1100000000000777' });
    expect(() => sandbox.exportTarget('999')).toThrow(RangeError);
  });

  it('refuses malformed scenarios and faults with 400', async () => {
    const badScenario = await control('configure', {
      method: 'POST',
      body: JSON.stringify({ outcome: 'maybe' }),
    });
    expect(badScenario.status).toBe(400);
    const badFault = await control('inject', {
      method: 'POST',
      body: JSON.stringify({ route: 'status', reset: 'mid-body', afterBytes: 1 }),
    });
    expect(badFault.status).toBe(400);
    expect(() => sandbox.configure({ durationMs: -1 })).toThrow(/durationMs/);
  });
});
