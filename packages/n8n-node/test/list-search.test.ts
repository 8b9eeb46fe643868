import { parentsOf, type Sandbox, startSandbox, WORKSPACES } from '@asana-exports/sandbox';
import type { ILoadOptionsFunctions, INodeListSearchResult, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AsanaExport } from '../nodes/AsanaExport/AsanaExport.node';
import { LIST_METHODS, PARENT_URL_REGEX } from '../nodes/AsanaExport/descriptions/locators';
import { readExportRequest } from '../nodes/AsanaExport/params';
import { fakeContext } from './support/fakeContext.mts';

/**
 * The "From list" modes of node version 1.2 against the sandbox's lists (Asana's pagination),
 * and reading the three modes of a resource locator into the export's gid.
 */
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());

const node = new AsanaExport();
const methods = node.methods.listSearch;
const organization = WORKSPACES.find((workspace) => workspace.isOrganization);
if (organization === undefined) throw new Error('the sandbox has no organization');
const projects = parentsOf(organization.gid, 'project') ?? [];

type Method = (
  this: ILoadOptionsFunctions,
  filter?: string,
  token?: string,
) => Promise<INodeListSearchResult>;

async function loadOptions(parameters: Record<string, unknown>, token = sandbox.token) {
  const fake = await fakeContext({
    parameters,
    credentials: { accessToken: token, baseUrl: sandbox.apiUrl },
  });
  const context = {
    ...fake.context,
    getCurrentNodeParameter: (name: string) => parameters[name],
  } as unknown as ILoadOptionsFunctions;
  return { context, requests: fake.requests };
}

/** Every result of a search, following its paginationToken as the editor's "load more" does. */
async function everything(method: Method, context: ILoadOptionsFunctions, filter?: string) {
  const names: string[] = [];
  const calls: INodeListSearchResult[] = [];
  let token: string | undefined;
  do {
    const result = await method.call(context, filter, token);
    calls.push(result);
    names.push(...result.results.map((item) => item.name));
    token = result.paginationToken;
  } while (token !== undefined && calls.length < 50);
  return { names, calls };
}

describe('the listSearch methods', () => {
  it('are the ones the From List modes name', () => {
    expect(Object.keys(methods).sort()).toEqual(Object.values(LIST_METHODS).sort());
  });

  it('lists the organizations only, among the workspaces', async () => {
    const { context, requests } = await loadOptions({});
    const result = await methods.searchOrganizations.call(context);
    expect(result).toEqual({ results: [{ name: organization.name, value: organization.gid }] });
    expect(requests.map((request) => request.url)).toEqual(['/api/1.0/workspaces']);
  });

  it('lists every workspace, and filters them by name', async () => {
    const { context } = await loadOptions({});
    const all = await methods.searchWorkspaces.call(context);
    expect(all.results.map((item) => item.value)).toEqual(WORKSPACES.map((w) => w.gid));
    const some = await methods.searchWorkspaces.call(context, 'PERSONAL');
    expect(some.results).toEqual([{ name: 'Personal Projects', value: WORKSPACES[1]?.gid }]);
  });

  it('pages through the parents of the workspace: projects, then portfolios, teams and goals', async () => {
    const { context, requests } = await loadOptions({
      workspace: { __rl: true, mode: 'list', value: organization.gid },
    });
    const { names, calls } = await everything(methods.searchParents, context);
    const expected = (['project', 'portfolio', 'team', 'goal'] as const).flatMap((type) =>
      (parentsOf(organization.gid, type) ?? []).map(
        (parent) => `${parent.name} (${type[0]?.toUpperCase()}${type.slice(1)})`,
      ),
    );
    expect(names).toEqual(expected);
    expect(calls.length).toBeGreaterThan(1);
    expect(calls.at(-1)?.paginationToken).toBeUndefined();
    expect(new Set(requests.map((request) => request.url))).toEqual(
      new Set([
        '/api/1.0/projects',
        '/api/1.0/portfolios',
        `/api/1.0/workspaces/${organization.gid}/teams`,
        '/api/1.0/goals',
      ]),
    );
    const first = calls[0]?.results[0];
    expect(first).toEqual({
      name: `${projects[0]?.name} (Project)`,
      value: projects[0]?.gid,
      url: `https://app.asana.com/1/${organization.gid}/project/${projects[0]?.gid}`,
    });
    // The link each result carries is one By URL reads back into the same gid.
    expect(new RegExp(PARENT_URL_REGEX).exec(first?.url ?? '')?.[1]).toBe(first?.value);
  });

  it('searches the parents by name, case-insensitively, across the lists', async () => {
    const { context } = await loadOptions({ workspace: organization.gid });
    const { names } = await everything(methods.searchParents, context, 'marketing');
    expect(names).toEqual([
      ...projects.filter((p) => p.name.startsWith('Marketing')).map((p) => `${p.name} (Project)`),
      'Marketing Portfolio (Portfolio)',
      'Marketing (Team)',
    ]);
  });

  it('follows Asana offsets within a list: 36 projects come in pages of at most 100', async () => {
    const { context, requests } = await loadOptions({ workspace: organization.gid });
    const result = await methods.searchParents.call(context);
    // All projects fit Asana's largest page; the token then points at the portfolios.
    expect(result.results).toHaveLength(projects.length);
    expect(JSON.parse(result.paginationToken ?? '')).toEqual({ type: 'portfolio' });
    expect(requests).toHaveLength(1);
  });

  it('asks for the workspace before any request, naming the field', async () => {
    const { context, requests } = await loadOptions({
      workspace: { __rl: true, mode: 'list', value: '' },
    });
    const error = await methods.searchParents.call(context).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect((error as Error).message).toMatch(/^Invalid workspace: not picked/);
    const typo = await loadOptions({ workspace: { __rl: true, mode: 'id', value: '12x4' } });
    await expect(methods.searchParents.call(typo.context)).rejects.toThrow(
      /Invalid workspace: "12x4" is not a gid/,
    );
    expect([...requests, ...typo.requests]).toEqual([]);
  });

  it("turns Asana's refusal into n8n's API error, with Asana's words", async () => {
    const { context } = await loadOptions({}, 'wrong-token');
    const error = await methods.searchWorkspaces.call(context).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NodeApiError);
    expect((error as Error).message).toMatch(
      /Asana answered 401 to GET \/workspaces: Not Authorized/,
    );
    const unknown = await loadOptions({ workspace: '1999999999999999' });
    await expect(methods.searchParents.call(unknown.context)).rejects.toThrow(
      /404 to GET \/projects: Unknown object/,
    );
  });

  it('refuses a pagination token it did not write', async () => {
    const { context } = await loadOptions({ workspace: organization.gid });
    await expect(methods.searchParents.call(context, '', '{"type":"task"}')).rejects.toThrow(
      /not one this list gave/,
    );
  });
});

describe('reading a resource locator (node version 1.2)', () => {
  const read = async (kind: string, name: string, value: unknown) =>
    readExportRequest((await fakeContext({ parameters: { kind, [name]: value } })).context, 0);

  it.each([
    ['list', '1100000000001001'],
    ['id', ' 1100000000001001 '],
    ['url', 'https://app.asana.com/1/1100000000000101/project/1100000000001001/list'],
    ['url', 'https://app.asana.com/1/1100000000000101/portfolio/1100000000001001'],
    ['url', 'https://app.asana.com/1/1100000000000101/goal/1100000000001001?view=1'],
    ['url', 'https://app.asana.com/1/1100000000000101/team/1100000000001001/overview'],
    ['url', 'https://app.asana.com/0/1100000000001001/list'],
    ['url', 'https://app.asana.com/0/1100000000001001/1209999999999999'],
    ['url', 'https://app.asana.com/0/portfolio/1100000000001001/list'],
    ['url', 'https://app.asana.com/0/goal/1100000000001001'],
  ])('reads the parent from mode %s: %s', async (mode, value) => {
    expect(await read('graph', 'parent', { __rl: true, mode, value })).toEqual({
      kind: 'graph',
      parent: '1100000000001001',
    });
  });

  it('reads the organization and the workspace', async () => {
    expect(
      await read('organization', 'organization', {
        __rl: true,
        mode: 'list',
        value: '1100000000000101',
      }),
    ).toEqual({ kind: 'organization', organization: '1100000000000101' });
    const resource = await readExportRequest(
      (
        await fakeContext({
          parameters: {
            kind: 'resource',
            workspace: { __rl: true, mode: 'id', value: '1100000000000102' },
            resources: { resource: [{ resourceType: 'team' }] },
          },
        })
      ).context,
      0,
    );
    expect(resource).toMatchObject({ kind: 'resource', workspace: '1100000000000102' });
  });

  it.each([
    [
      'url',
      'https://app.asana.com/1/1100000000000101/inbox',
      /Invalid parent: ".*inbox" is not an Asana link/,
    ],
    ['url', 'https://evil.example/0/1100000000001001/list', /is not an Asana link/],
    ['id', '1100-0000', /Invalid parent: "1100-0000" is not a gid/],
    ['list', '', /Invalid parent: missing/],
  ])('refuses mode %s with %s, naming the field', async (mode, value, message) => {
    await expect(read('graph', 'parent', { __rl: true, mode, value })).rejects.toThrow(message);
  });

  it('keeps reading the plain gids of versions 1 and 1.1', async () => {
    expect(await read('graph', 'parent', '1100000000001001')).toEqual({
      kind: 'graph',
      parent: '1100000000001001',
    });
  });
});

describe('the version 1.2 fields', () => {
  const properties = node.description.properties;
  const named = (name: string) => properties.filter((property) => property.name === name);

  it('are resource locators from 1.2, the typed gids before', () => {
    for (const name of ['organization', 'parent']) {
      const [typed, located] = named(name) as [INodeProperties, INodeProperties];
      expect(typed.type).toBe('string');
      expect(typed.displayOptions?.show?.['@version']).toEqual([{ _cnd: { lt: 1.2 } }]);
      expect(located.type).toBe('resourceLocator');
      expect(located.displayOptions?.show?.['@version']).toEqual([{ _cnd: { gte: 1.2 } }]);
    }
    expect(named('workspace').map((property) => property.type)).toEqual([
      'string',
      'resourceLocator',
      'resourceLocator',
    ]);
    expect(node.description.version).toEqual([1, 1.1, 1.2]);
  });
});
