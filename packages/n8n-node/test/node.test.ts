import { type Sandbox, startSandbox } from '@asana-exports/sandbox';
import { NodeApiError, NodeHelpers, NodeOperationError } from 'n8n-workflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AsanaExportsApi } from '../credentials/AsanaExportsApi.credentials';
import { AsanaExportsAzureBlobApi } from '../credentials/AsanaExportsAzureBlobApi.credentials';
import { AsanaExportsOAuth2Api } from '../credentials/AsanaExportsOAuth2Api.credentials';
import { AsanaExportsS3Api } from '../credentials/AsanaExportsS3Api.credentials';
import { AsanaExport } from '../nodes/AsanaExport/AsanaExport.node';
import { TOOL_DESCRIPTION } from '../nodes/AsanaExport/descriptions/tool';
import { type FakeOptions, fakeContext } from './support/fakeContext.mts';

const node = new AsanaExport();
const { description } = node;

describe('node description', () => {
  it('is a tool-usable node with icon, subtitle and the package’s own credentials', () => {
    expect(description.name).toBe('asanaExport');
    expect(description.usableAsTool).toBe(true);
    expect(description.icon).toEqual({
      light: 'file:../../icons/asana-exports.svg',
      dark: 'file:../../icons/asana-exports.dark.svg',
    });
    expect(description.subtitle).toContain('$parameter["operation"]');
    expect(description.credentials?.map((credential) => credential.name)).toEqual([
      new AsanaExportsApi().name,
      new AsanaExportsOAuth2Api().name,
      new AsanaExportsS3Api().name,
      new AsanaExportsAzureBlobApi().name,
    ]);
  });

  it('asks for a storage credential only when Create or Download stores in it, or Compare reads from it', () => {
    const shown = (name: string) =>
      description.credentials?.find((credential) => credential.name === name)?.displayOptions?.show;
    expect(shown(new AsanaExportsS3Api().name)).toEqual({
      operation: ['create', 'download', 'compare'],
      storeIn: ['s3'],
    });
    expect(shown(new AsanaExportsAzureBlobApi().name)).toEqual({
      operation: ['create', 'download', 'compare'],
      storeIn: ['azure'],
    });
  });

  it('offers Store In on Download and on Create with download, with the same fields, and Compare From', () => {
    const conditions = (name: string) =>
      description.properties
        .filter((property) => property.name === name)
        .map((property) => property.displayOptions?.show);
    for (const name of ['storeIn', 'bucket', 'container', 'prefix', 'storageOptions']) {
      const shown = conditions(name);
      expect(shown.map((show) => show?.operation)).toEqual([['compare'], ['download'], ['create']]);
      expect(shown[1]).toMatchObject({ splitIntoItems: [false] });
      expect(shown[2]).toMatchObject({ waitForCompletion: [true], download: [true] });
    }
    // Compare From defaults to the binary fields Compare read before it had a choice.
    const compareFrom = description.properties.find((property) => property.name === 'storeIn');
    expect(compareFrom?.default).toBe('binary');
    for (const name of ['oldBinaryPropertyName', 'newBinaryPropertyName']) {
      expect(conditions(name)).toEqual([
        { resource: ['export'], operation: ['compare'], storeIn: ['binary'] },
      ]);
    }
    // Binary Data's own field only when the file is output as binary data.
    for (const show of conditions('binaryPropertyName')) {
      expect(show).toMatchObject({ storeIn: ['binary'] });
    }
  });

  it('shows each Create parameter only for the kind it applies to', () => {
    const shownFor = (name: string) =>
      description.properties.find((property) => property.name === name)?.displayOptions?.show;
    expect(shownFor('organization')).toMatchObject({
      operation: ['create'],
      kind: ['organization'],
    });
    expect(shownFor('workspace')).toMatchObject({ operation: ['create'], kind: ['resource'] });
    expect(shownFor('resources')).toMatchObject({ operation: ['create'], kind: ['resource'] });
    expect(shownFor('parent')).toMatchObject({ operation: ['create'], kind: ['graph'] });
    expect(shownFor('gid')).toMatchObject({ operation: ['download', 'getStatus'] });
    expect(shownFor('download')).toMatchObject({ waitForCompletion: [true] });
  });

  it('names the kinds in plain words; graph is the default from version 1.1, organization before', () => {
    const kinds = description.properties.filter((property) => property.name === 'kind');
    expect(kinds.map((kind) => kind.displayOptions?.show?.['@version'])).toEqual([
      [1],
      [{ _cnd: { gte: 1.1 } }],
    ]);
    expect(kinds.map((kind) => kind.default)).toEqual(['organization', 'graph']);
    expect(description.defaultVersion).toBe(1.2);
    const options = (kinds[1]?.options ?? []) as Array<{
      name: string;
      value: string;
      description: string;
    }>;
    expect(options.map((option) => [option.name, option.value])).toEqual([
      ['Organization', 'organization'],
      ['Project, Portfolio, Team or Goal (Graph)', 'graph'],
      ['Resources (Tasks, Teams, Messages)', 'resource'],
    ]);
    // Who may run each kind, and what its file holds.
    for (const option of options) expect(option.description).toMatch(/may run it/);
    expect(options.map((option) => option.description).join(' ')).toMatch(/JSON Lines/);
    const collection = description.properties.find((property) => property.name === 'resources');
    expect(collection?.displayName).toBe('Resource Types');
  });

  it('offers the filters Asana documents, with date pickers for dates', () => {
    const resources = description.properties.find((property) => property.name === 'resources');
    const entries = (resources?.options ?? []) as Array<{
      values: Array<{ name: string; options?: unknown }>;
    }>;
    const entry = entries[0];
    const filters = entry?.values.find((value) => value.name === 'filters')?.options as Array<{
      name: string;
      type: string;
    }>;
    expect(filters.map((filter) => filter.name).sort()).toEqual(
      [
        'assignedBy',
        'assignee',
        'commentedOnBy',
        'createdAfter',
        'createdBefore',
        'createdBy',
        'followers',
        'likedBy',
        'modifiedAfter',
        'modifiedBefore',
      ].sort(),
    );
    expect(
      filters.filter((filter) => filter.type === 'dateTime').map((filter) => filter.name),
    ).toEqual(['createdAfter', 'createdBefore', 'modifiedAfter', 'modifiedBefore']);
  });
});

describe('credentials', () => {
  it('sends the token as a bearer token and tests it against /users/me', () => {
    const credential = new AsanaExportsApi();
    expect(credential.authenticate.properties.headers).toEqual({
      Authorization: '=Bearer {{$credentials.accessToken}}',
    });
    expect(credential.test.request.url).toBe('/users/me');
    expect(credential.test.request.baseURL).toContain('$credentials.baseUrl');
    const baseUrl = credential.properties.find((property) => property.name === 'baseUrl');
    expect(baseUrl).toMatchObject({ type: 'hidden', default: 'https://app.asana.com/api/1.0' });
    // A scoped token is the one that gets 403 from /users/me: the test says so.
    expect(credential.test.rules?.map((rule) => rule.properties.value)).toEqual([401, 403]);
    expect(new AsanaExportsOAuth2Api().test?.request.url).toBe('/users/me');
    expect(new AsanaExportsOAuth2Api().displayName).toBe('Asana (Exports) OAuth2 API');
    expect(
      credential.properties.find((property) => property.name === 'accessToken')?.typeOptions,
    ).toEqual({
      password: true,
    });
  });

  it('offers OAuth2 with Asana’s authorize and token URLs', () => {
    const credential = new AsanaExportsOAuth2Api();
    const value = (name: string) =>
      credential.properties.find((property) => property.name === name)?.default;
    expect(credential.extends).toEqual(['oAuth2Api']);
    expect(value('authUrl')).toBe('https://app.asana.com/-/oauth_authorize');
    expect(value('accessTokenUrl')).toBe('https://app.asana.com/-/oauth_token');
    expect(value('grantType')).toBe('authorizationCode');
  });
});

describe('execute', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ scenario: { durationMs: 60_000 } });
  });
  afterAll(() => sandbox.close());

  async function run(options: Omit<FakeOptions, 'credentials'> & { token?: string }) {
    const fake = await fakeContext({
      ...options,
      credentials: { accessToken: options.token ?? sandbox.token, baseUrl: `${sandbox.apiUrl}/` },
    });
    try {
      return await node.execute.call(fake.context);
    } finally {
      await fake.close();
    }
  }

  it('creates without waiting, and reads the status: normalised and raw, never the link', async () => {
    const [[created]] = (await run({
      parameters: {
        authentication: 'accessToken',
        operation: 'create',
        kind: 'graph',
        parent: '1700000000000001',
        waitForCompletion: false,
      },
    })) as [[{ json: Record<string, unknown>; pairedItem: unknown }]];
    expect(created.json).toMatchObject({ kind: 'graph', state: 'waiting', done: false });
    expect(created.pairedItem).toEqual({ item: 0 });

    const [[status]] = (await run({
      parameters: { operation: 'getStatus', kind: 'graph', gid: created.json.gid },
    })) as [[{ json: Record<string, unknown> }]];
    expect(status.json).toMatchObject({ kind: 'graph', gid: created.json.gid, state: 'waiting' });
    expect(['not_started', 'in_progress']).toContain(status.json.rawState);
    expect(JSON.stringify(status.json)).not.toMatch(/https?:/);
  });

  it('logs the new export’s gid at info level, with the execution, for resuming it', async () => {
    const fake = await fakeContext({
      credentials: { accessToken: sandbox.token, baseUrl: sandbox.apiUrl },
      parameters: {
        operation: 'create',
        kind: 'graph',
        parent: '1700000000000002',
        waitForCompletion: false,
      },
    });
    try {
      const [[created]] = (await node.execute.call(fake.context)) as [[{ json: { gid: string } }]];
      expect(fake.infoLogs).toEqual([
        `Asana export: created graph export ${created.json.gid} (not_started) in execution fake-execution of workflow fake-workflow`,
      ]);
    } finally {
      await fake.close();
    }
  });

  it('turns Asana’s refusal into a NodeApiError with Asana’s message and status', async () => {
    const error = await run({
      parameters: { operation: 'getStatus', kind: 'graph', gid: '1700000000000002' },
      token: 'wrong',
    }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(NodeApiError);
    expect((error as NodeApiError).httpCode).toBe('401');
    expect((error as NodeApiError).message).toContain(
      'Asana answered 401 to GET /jobs/1700000000000002',
    );
    expect((error as NodeApiError).description).toContain('Check the token');
    expect(JSON.stringify(error)).not.toContain('wrong');
  });

  it('with Continue On Fail, gives an error item for the failing item and goes on', async () => {
    const result = await run({
      items: 2,
      continueOnFail: true,
      parameters: (itemIndex) => ({
        operation: 'getStatus',
        kind: 'organization',
        gid: itemIndex === 0 ? 'not/a/gid' : '1700000000000003',
      }),
    });
    expect(result[0]).toHaveLength(2);
    expect(result[0]?.[0]).toMatchObject({
      json: { error: expect.stringContaining('Invalid gid') },
      pairedItem: { item: 0 },
    });
    expect(result[0]?.[1]).toMatchObject({
      json: { error: expect.stringContaining('Asana answered 404') },
      pairedItem: { item: 1 },
    });
    expect(result[0]?.[0]?.error).toBeUndefined();
  });

  it('with Continue (using error output), puts the error on the item: n8n routes it by that', async () => {
    const result = await run({
      items: 2,
      onError: 'continueErrorOutput',
      parameters: (itemIndex) => ({
        operation: 'getStatus',
        kind: 'organization',
        gid: itemIndex === 0 ? 'not/a/gid' : '1700000000000003',
      }),
    });
    expect(result[0]).toHaveLength(2);
    expect(result[0]?.[0]?.error).toBeInstanceOf(NodeOperationError);
    expect(result[0]?.[0]?.error?.message).toContain('Invalid gid');
    expect(result[0]?.[1]?.error).toBeInstanceOf(NodeApiError);
    expect(result[0]?.[1]?.error?.description).toContain('Check the gid');
  });

  it('without Continue On Fail, throws a NodeOperationError naming the item', async () => {
    const error = await run({
      parameters: { operation: 'create', kind: 'graph', parent: 'abc' },
    }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(NodeOperationError);
    expect((error as NodeOperationError).message).toContain('Invalid parent');
    expect((error as NodeOperationError).context.itemIndex).toBe(0);
  });

  it('rejects a Base URL that is not http(s)', async () => {
    const fake = await fakeContext({
      parameters: { operation: 'getStatus', kind: 'graph', gid: '1' },
      credentials: { accessToken: 'x', baseUrl: 'file:///etc' },
    });
    await expect(node.execute.call(fake.context)).rejects.toThrow(/Base URL must use https/);
    await fake.close();
  });
});

describe('as an AI agent’s tool', () => {
  // What n8n does to make the tool: the same description under the name `asanaExportTool`.
  const tool = { ...description, name: `${description.name}Tool` };
  const typeVersion = Number(description.defaultVersion);
  const kept = (type: typeof description, parameters: Record<string, unknown>) =>
    Object.keys(
      NodeHelpers.getNodeParameters(
        description.properties,
        { resource: 'export', kind: 'graph', ...parameters } as never,
        true,
        false,
        { typeVersion },
        type,
      ) ?? {},
    );
  const operationsOf = (type: typeof description) =>
    description.properties
      .filter(
        (property) =>
          property.name === 'operation' &&
          NodeHelpers.displayParameter({ resource: 'export' }, property, { typeVersion }, type),
      )
      .flatMap((property) =>
        (property.options ?? []).map((option) => (option as { value: string }).value),
      );

  it('offers Create and Get Status only, and none of waiting, downloading or storing', () => {
    expect(operationsOf(tool)).toEqual(['create', 'getStatus']);
    expect(operationsOf(description)).toEqual(['compare', 'create', 'download', 'getStatus']);
    const toolCreate = kept(tool, { operation: 'create' });
    expect(toolCreate).toEqual(expect.arrayContaining(['operation', 'options', 'toolDescription']));
    for (const name of ['waitForCompletion', 'download', 'storeIn', 'binaryPropertyName']) {
      expect(toolCreate).not.toContain(name);
    }
    // The node itself is as it was: waiting by default, with no tool fields.
    const nodeCreate = kept(description, { operation: 'create' });
    expect(nodeCreate).toEqual(
      expect.arrayContaining(['waitForCompletion', 'download', 'storeIn']),
    );
    expect(nodeCreate).not.toContain('toolDescription');
  });

  it('tells the agent what it does and how long it takes, in its default description', () => {
    const field = description.properties.find((property) => property.name === 'toolDescription');
    expect(field?.default).toBe(TOOL_DESCRIPTION);
    expect(TOOL_DESCRIPTION).toContain('returns at once with the new export');
    expect(TOOL_DESCRIPTION).toContain('minutes to hours');
    expect(TOOL_DESCRIPTION).toContain('Get Status returns at once');
    expect(TOOL_DESCRIPTION).toContain('binary file');
  });

  describe('run as the tool', () => {
    let sandbox: Sandbox;
    beforeAll(async () => {
      // Exports that take a minute: a Create that waited would outlast the test's timeout.
      sandbox = await startSandbox({ scenario: { durationMs: 60_000 } });
    });
    afterAll(() => sandbox.close());

    async function runTool(parameters: Record<string, unknown>) {
      const fake = await fakeContext({
        parameters: { authentication: 'accessToken', resource: 'export', ...parameters },
        credentials: { accessToken: sandbox.token, baseUrl: sandbox.apiUrl },
        nodeType: 'n8n-nodes-asana-exports.asanaExportTool',
      });
      try {
        return await node.execute.call(fake.context);
      } finally {
        await fake.close();
      }
    }

    it('creates without waiting, whatever Wait for Completion says, and reads the status', async () => {
      const [[created]] = (await runTool({
        operation: 'create',
        kind: 'graph',
        parent: '1700000000000009',
        waitForCompletion: true,
      })) as [[{ json: Record<string, unknown> }]];
      expect(created.json).toMatchObject({ kind: 'graph', state: 'waiting', done: false });
      const [[status]] = (await runTool({
        operation: 'getStatus',
        kind: 'graph',
        gid: created.json.gid,
      })) as [[{ json: Record<string, unknown> }]];
      expect(status.json).toMatchObject({ gid: created.json.gid, done: false });
    });

    it('refuses Download before any request, naming what an agent may use', async () => {
      const before = sandbox.requests.length;
      const error = await runTool({
        operation: 'download',
        kind: 'graph',
        gid: '1700000000000009',
      }).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(NodeOperationError);
      expect((error as Error).message).toBe(
        'The operation "download" is not offered to an AI agent: only Create (without waiting) and Get Status are',
      );
      expect(sandbox.requests.length).toBe(before);
    });
  });
});
