import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parentsOf, type Sandbox, WORKSPACES } from '../src/index.js';
import { errorOf, startTestSandbox } from './helpers.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());

interface ListBody {
  data?: Record<string, unknown>[];
  next_page?: { offset: string; path: string; uri: string } | null;
  errors?: { message: string; help: string }[];
}

async function get(path: string, token: string | null = sandbox.token) {
  const headers: Record<string, string> =
    token === null ? {} : { Authorization: `Bearer ${token}` };
  const response = await fetch(`${sandbox.apiUrl}${path}`, { headers });
  return {
    status: response.status,
    body: (await response.json()) as ListBody,
    headers: response.headers,
  };
}

const ORGANIZATION = WORKSPACES.find((workspace) => workspace.isOrganization);
if (ORGANIZATION === undefined) throw new Error('the directory has no organization');
const PERSONAL = WORKSPACES.find((workspace) => !workspace.isOrganization);
if (PERSONAL === undefined) throw new Error('the directory has no personal workspace');

/** Follows `next_page.path` to the end, as a client does; returns every page's names. */
async function allPages(path: string): Promise<string[][]> {
  const pages: string[][] = [];
  let next: string | null = path;
  while (next !== null) {
    const { status, body } = await get(next);
    expect(status).toBe(200);
    pages.push((body.data ?? []).map((record) => String(record.name)));
    expect(body).toHaveProperty('next_page');
    next = body.next_page?.path ?? null;
    expect(pages.length).toBeLessThan(50);
  }
  return pages;
}

describe('GET /workspaces', () => {
  it('answers the compact records, one organization among them, all at once without a limit', async () => {
    const { status, body } = await get('/workspaces');
    expect(status).toBe(200);
    expect(body.data).toEqual(
      WORKSPACES.map((workspace) => ({
        gid: workspace.gid,
        resource_type: 'workspace',
        name: workspace.name,
      })),
    );
    // next_page is present only when a limit was given.
    expect(body).not.toHaveProperty('next_page');
    expect(WORKSPACES.filter((workspace) => workspace.isOrganization)).toHaveLength(1);
  });

  it('tells organizations apart with opt_fields=is_organization', async () => {
    const { body } = await get('/workspaces?opt_fields=name,is_organization');
    expect(body.data).toContainEqual({
      gid: ORGANIZATION.gid,
      name: ORGANIZATION.name,
      is_organization: true,
    });
    expect(body.data).toContainEqual({
      gid: PERSONAL.gid,
      name: PERSONAL.name,
      is_organization: false,
    });
  });

  it('refuses an opt_field it does not offer', async () => {
    const { status, body } = await get('/workspaces?opt_fields=name,colour');
    expect(status).toBe(400);
    expect(body.errors?.[0]?.message).toMatch(/opt_fields: Unknown field "colour"/);
  });

  it('pages with limit and offset, next_page null on the last page', async () => {
    const first = await get('/workspaces?limit=3');
    expect(first.body.data).toHaveLength(3);
    const next = first.body.next_page;
    expect(next).toEqual({
      offset: expect.any(String),
      path: expect.stringMatching(/^\/workspaces\?limit=3&offset=/),
      uri: `${sandbox.apiUrl}${next?.path}`,
    });
    const second = await get(
      `/workspaces?limit=3&offset=${encodeURIComponent(next?.offset ?? '')}`,
    );
    expect(second.body.data?.map((record) => record.gid)).toEqual(
      WORKSPACES.slice(3).map((w) => w.gid),
    );
    expect(second.body.next_page).toBeNull();
  });

  it('needs the token', async () => {
    const { status } = await get('/workspaces', null);
    expect(status).toBe(401);
  });
});

describe('the parents of a workspace', () => {
  const projects = parentsOf(ORGANIZATION.gid, 'project') ?? [];

  it('has a few dozen projects in the organization', () => {
    expect(projects.length).toBeGreaterThanOrEqual(30);
  });

  it('pages GET /projects?workspace= through next_page.path, every project once, in order', async () => {
    const pages = await allPages(`/projects?workspace=${ORGANIZATION.gid}&limit=10`);
    expect(pages.map((page) => page.length)).toEqual([10, 10, 10, 6]);
    expect(pages.flat()).toEqual(projects.map((project) => project.name));
  });

  it('follows next_page.uri as it is given', async () => {
    const first = await get(`/projects?workspace=${ORGANIZATION.gid}&limit=100`);
    expect(first.body.data).toHaveLength(projects.length);
    expect(first.body.next_page).toBeNull();
    const paged = await get(`/projects?workspace=${ORGANIZATION.gid}&limit=35`);
    const uri = paged.body.next_page?.uri ?? '';
    const response = await fetch(uri, { headers: { Authorization: `Bearer ${sandbox.token}` } });
    const body = (await response.json()) as ListBody;
    expect(body.data).toEqual([
      { gid: projects[35]?.gid, resource_type: 'project', name: projects[35]?.name },
    ]);
  });

  it.each([
    ['portfolio', `/portfolios?workspace=${ORGANIZATION.gid}&owner=me`],
    ['goal', `/goals?workspace=${ORGANIZATION.gid}`],
    ['team', `/workspaces/${ORGANIZATION.gid}/teams`],
    ['team', `/organizations/${ORGANIZATION.gid}/teams`],
  ] as const)('lists the %ss at %s', async (type, path) => {
    const { status, body } = await get(path);
    expect(status).toBe(200);
    const expected = parentsOf(ORGANIZATION.gid, type) ?? [];
    expect(expected.length).toBeGreaterThan(0);
    expect(body.data).toEqual(
      expected.map((parent) => ({ gid: parent.gid, resource_type: type, name: parent.name })),
    );
  });

  it('has no teams in a personal workspace', async () => {
    const { status, body } = await get(`/workspaces/${PERSONAL.gid}/teams?limit=5`);
    expect(status).toBe(200);
    expect(body).toEqual({ data: [], next_page: null });
  });

  it.each([
    ['/projects', 400, /^workspace: Missing input$/],
    ['/portfolios?workspace=abc', 400, /^workspace: Not a valid gid/],
    ['/goals?workspace=1999999999999999', 404, /^Unknown object: 1999999999999999$/],
    [`/projects?workspace=${'1'.repeat(16)}&limit=0`, 404, /Unknown object/],
  ] as const)('answers %s with %i', async (path, status, message) => {
    const response = await get(path);
    expect(response.status).toBe(status);
    expect(errorOf({ ...response, body: response.body as never }).message).toMatch(message);
  });

  it.each(['0', '101', '2.5', 'ten'])('refuses limit=%s', async (limit) => {
    const { status, body } = await get(`/projects?workspace=${ORGANIZATION.gid}&limit=${limit}`);
    expect(status).toBe(400);
    expect(body.errors?.[0]?.message).toBe('limit: Must be between 1 and 100');
  });

  it('refuses an offset it did not give, or one of another list', async () => {
    const forged = await get(`/projects?workspace=${ORGANIZATION.gid}&limit=5&offset=abc`);
    expect(forged.status).toBe(400);
    expect(forged.body.errors?.[0]?.message).toMatch(/^offset: /);
    const workspaces = await get('/workspaces?limit=1');
    const offset = encodeURIComponent(workspaces.body.next_page?.offset ?? '');
    const crossed = await get(`/projects?workspace=${ORGANIZATION.gid}&limit=5&offset=${offset}`);
    expect(crossed.status).toBe(400);
  });
});
