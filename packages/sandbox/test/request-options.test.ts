/**
 * What the create and status requests take besides their bodies' gids: date filters as Asana's
 * description types them (RFC 3339 date-time), and `opt_fields` where the description offers it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.js';
import { api, dataOf, errorOf, startTestSandbox, uniqueGid, waitUntilDone } from './helpers.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());

describe('date filters take what Asana calls a date-time, and nothing else', () => {
  const ACCEPTED = [
    '2024-01-01T00:00:00Z',
    '2024-01-01T00:00:00.000Z',
    '2024-01-01T00:00:00.000+02:00',
    '2024-01-01T00:00:00-05:30',
    '2024-01-01t00:00:00z',
    '2024-02-29T23:59:59.999999Z',
    '2016-12-31T23:59:60Z',
    '0099-12-31T00:00:00Z',
  ];
  const REFUSED: unknown[] = [
    '1',
    'January 1, 2024',
    '2024-01-01',
    '2024-01-01T00:00:00',
    '2024-01-01 00:00:00Z',
    '2024-01-01T00:00Z',
    '2024-01-01T00:00:00+0200',
    '2024-01-01T00:00:00+2:00',
    '2023-02-29T00:00:00Z',
    '2024-13-01T00:00:00Z',
    '2024-01-01T24:00:00Z',
    '2024-01-01T00:00:00+24:00',
    '+2024-01-01T00:00:00Z',
    '',
    1704067200000,
    null,
  ];

  async function create(value: unknown) {
    return api(sandbox, 'POST', '/exports/resource', {
      body: {
        data: {
          workspace: uniqueGid(),
          export_request_parameters: [
            { resource_type: 'task', filters: { 'modified_at.after': value } },
          ],
        },
      },
    });
  }

  it.each(ACCEPTED)('accepts %s', async (value) => {
    expect((await create(value)).status).toBe(201);
  });

  it.each(REFUSED)('refuses %j with an Asana 400 naming the filter', async (value) => {
    const response = await create(value);
    expect(response.status).toBe(400);
    const error = errorOf(response);
    expect(error.message).toBe(
      `export_request_parameters[0].filters.modified_at.after: ${JSON.stringify(value)} is not a valid date-time. Use RFC 3339, such as 2024-01-01T00:00:00Z or 2024-01-01T00:00:00.000+02:00`,
    );
    expect(error.help).toMatch(/developers\.asana\.com/);
  });
});

describe('opt_fields', () => {
  it('on GET /jobs: the paths asked for, the gids, null for an object the job lacks', async () => {
    const created = await api(sandbox, 'POST', '/exports/resource', {
      body: {
        data: { workspace: uniqueGid(), export_request_parameters: [{ resource_type: 'team' }] },
      },
    });
    const { gid } = dataOf(created);
    const full = await waitUntilDone(sandbox, `/jobs/${gid}`);
    const status = await api(sandbox, 'GET', `/jobs/${gid}?opt_fields=status`);
    expect(status.body.data).toEqual({ gid, status: 'succeeded' });
    const nested = await api(
      sandbox,
      'GET',
      `/jobs/${gid}?opt_fields=new_resource_export.download_url,new_resource_export.completed_at,new_task`,
    );
    const data = dataOf(nested);
    expect(data).toEqual({
      gid,
      new_resource_export: {
        gid: full.new_resource_export?.gid,
        completed_at: full.new_resource_export?.completed_at,
        download_url: expect.stringMatching(/^http/),
      },
      new_task: null,
    });
    const compact = await api(
      sandbox,
      'GET',
      `/jobs/${gid}?opt_fields=new_resource_export,resource_type`,
    );
    expect(compact.body.data).toEqual({
      gid,
      resource_type: 'job',
      new_resource_export: { gid: full.new_resource_export?.gid },
    });
    const none = await api(sandbox, 'GET', `/jobs/${gid}?opt_fields=`);
    expect(Object.keys(dataOf(none))).toEqual(Object.keys(full));
  });

  it('on organization exports, create and status alike', async () => {
    const created = await api(
      sandbox,
      'POST',
      '/organization_exports?opt_fields=state,organization.name',
      {
        body: { data: { organization: uniqueGid() } },
      },
    );
    expect(created.status).toBe(201);
    const { gid } = dataOf(created);
    expect(created.body.data).toEqual({
      gid,
      state: 'pending',
      organization: { gid: expect.any(String), name: 'Sandbox Organization' },
    });
    const polled = await api(
      sandbox,
      'GET',
      `/organization_exports/${gid}?opt_fields=created_at&opt_fields=download_url`,
    );
    expect(Object.keys(dataOf(polled))).toEqual(['gid', 'created_at', 'download_url']);
  });

  it.each([
    ['/jobs/1?opt_fields=status,name', 'GET', '"name"'],
    ['/organization_exports/1?opt_fields=new_task', 'GET', '"new_task"'],
    ['/organization_exports?opt_fields=organization.email', 'POST', '"organization.email"'],
  ])('refuses a path the description does not offer: %s', async (path, method, named) => {
    const before = sandbox.requests.length;
    const body = method === 'POST' ? { data: { organization: uniqueGid() } } : undefined;
    const response = await api(sandbox, method, path, { body });
    expect(response.status).toBe(400);
    expect(errorOf(response).message).toContain(`opt_fields: Unknown field ${named}`);
    // Answered at once: the one request logged is the refused one.
    expect(sandbox.requests.slice(before).map((request) => request.status)).toEqual([400]);
  });

  it('is ignored on the resource and graph creates, which offer none', async () => {
    const graph = await api(sandbox, 'POST', '/exports/graph?opt_fields=nonsense', {
      body: { data: { parent: uniqueGid() } },
    });
    expect(graph.status).toBe(201);
    expect(dataOf(graph).new_graph_export).toBeDefined();
  });
});
