import { parentsOf, type Sandbox, startSandbox, WORKSPACES } from '@asana-exports/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type N8nInstance, NODE_TYPE, onlyItem, requireN8n, startN8n } from './support/n8n.mts';
import { type N8nServer, startN8nServer } from './support/n8n-server.mts';
import { asanaNode, manualWorkflow, sandboxCredential } from './support/workflows.mts';

/**
 * Version 1.2's pick-lists in a real n8n. Run headless with the values the editor saves once
 * something is picked From List (`{ __rl, mode: 'list', value, cachedResultName }`) or pasted By
 * URL: the export Asana (the sandbox) gets is the one picked. And the lists themselves, through
 * the REST call the editor makes to fill them (n8n 2.41's DynamicNodeParametersController,
 * POST /rest/dynamic-node-parameters/resource-locator-results), search included.
 */
const n8nBin = requireN8n();
const CREDENTIAL = { id: 'e2ePickListCred1', name: 'Asana sandbox' };
const ORGANIZATION = WORKSPACES.find((workspace) => workspace.isOrganization);
const PERSONAL = WORKSPACES.find((workspace) => !workspace.isOrganization);
const PROJECT = parentsOf(ORGANIZATION?.gid ?? '', 'project')?.find((p) => p.name === 'Hiring Q3');
const GOAL = parentsOf(ORGANIZATION?.gid ?? '', 'goal')?.[1];

const picked = (value: string, cachedResultName: string) => ({
  __rl: true,
  mode: 'list',
  value,
  cachedResultName,
});
const version12 = (name: string, parameters: Record<string, unknown>) => ({
  ...asanaNode(name, { operation: 'create', waitForCompletion: false, ...parameters }, CREDENTIAL),
  typeVersion: 1.2,
});

describe.skipIf(n8nBin === undefined)('Pick-lists (node version 1.2) in a real n8n', () => {
  let sandbox: Sandbox;
  let n8n: N8nInstance;

  beforeAll(async () => {
    expect([ORGANIZATION, PERSONAL, PROJECT, GOAL]).not.toContain(undefined);
    sandbox = await startSandbox();
    n8n = await startN8n(n8nBin ?? '');
    await n8n.importCredentials([sandboxCredential(CREDENTIAL, sandbox)]);
  }, 120_000);

  afterAll(async () => {
    await n8n?.close();
    await sandbox?.close();
  });

  it('creates each kind of export for what was picked From List or given By URL', async () => {
    const organization = ORGANIZATION?.gid ?? '';
    const goal = GOAL?.gid ?? '';
    await n8n.importWorkflows([
      manualWorkflow('e2ePickedValues1', [
        version12('Organization', {
          kind: 'organization',
          organization: picked(organization, 'Sandbox Corp'),
        }),
        version12('Resource', {
          kind: 'resource',
          workspace: picked(PERSONAL?.gid ?? '', PERSONAL?.name ?? ''),
          resources: { resource: [{ resourceType: 'task' }] },
        }),
        version12('Graph', {
          kind: 'graph',
          workspace: picked(organization, 'Sandbox Corp'),
          parent: picked(PROJECT?.gid ?? '', 'Hiring Q3 (Project)'),
        }),
        version12('Graph By URL', {
          kind: 'graph',
          parent: {
            __rl: true,
            mode: 'url',
            value: `https://app.asana.com/1/${organization}/goal/${goal}/list`,
          },
        }),
      ]),
    ]);
    const execution = await n8n.execute('e2ePickedValues1');
    const targetOf = (node: string) =>
      sandbox.exportTarget(String(onlyItem(execution, node).json.gid));
    expect(targetOf('Organization')).toEqual({ kind: 'organization', gid: organization });
    expect(targetOf('Resource')).toEqual({ kind: 'resource', gid: PERSONAL?.gid });
    expect(targetOf('Graph')).toEqual({ kind: 'graph', gid: PROJECT?.gid });
    expect(targetOf('Graph By URL')).toEqual({ kind: 'graph', gid: goal });
  });

  it('does not start with a link that is not an Asana link: no request reaches Asana', async () => {
    // The By URL mode's validation and extractValue (descriptions/locators.ts) are n8n's own:
    // n8n 2.41's `execute` does not start the workflow (it prints only "No active execution
    // found"); the editor shows the mode's error message at the field.
    await n8n.importWorkflows([
      manualWorkflow('e2ePickedBadUrl1', [
        version12('Graph By URL', {
          kind: 'graph',
          parent: { __rl: true, mode: 'url', value: 'https://example.com/project/123' },
        }),
      ]),
    ]);
    const before = sandbox.requests.length;
    const execution = await n8n.execute('e2ePickedBadUrl1');
    expect(execution.code).not.toBe(0);
    expect(execution.data).toBeUndefined();
    expect(sandbox.requests.length).toBe(before);
  });

  describe('the lists, as the editor asks n8n for them', () => {
    let server: N8nServer;

    beforeAll(async () => {
      server = await startN8nServer(n8nBin ?? '', n8n);
    }, 180_000);

    afterAll(async () => {
      await server?.close();
    }, 60_000);

    /** The editor's call when a From List is opened, searched or scrolled. */
    async function search(
      path: string,
      methodName: string,
      parameters: Record<string, unknown>,
      more: { filter?: string; paginationToken?: string } = {},
    ) {
      const answer = await server.rest(
        'POST',
        '/rest/dynamic-node-parameters/resource-locator-results',
        {
          path: `parameters.${path}`,
          methodName,
          ...more,
          credentials: { asanaExportsApi: CREDENTIAL },
          // As the editor sends them: defaults included (n8n shows the credential, and lets the
          // method read it, only where its display options hold: Authentication is one).
          currentNodeParameters: {
            resource: 'export',
            operation: 'create',
            authentication: 'accessToken',
            ...parameters,
          },
          nodeTypeAndVersion: { name: NODE_TYPE, version: 1.2 },
        },
      );
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      return (
        answer.body as {
          data: { results: Array<{ name: string; value: string }>; paginationToken?: string };
        }
      ).data;
    }

    it('lists the workspaces, and the organizations only among them', async () => {
      const workspaces = await search('workspace', 'searchWorkspaces', { kind: 'resource' });
      expect(workspaces.results).toEqual(
        WORKSPACES.map((workspace) =>
          expect.objectContaining({ name: workspace.name, value: workspace.gid }),
        ),
      );
      const organizations = await search('organization', 'searchOrganizations', {
        kind: 'organization',
      });
      expect(organizations.results).toEqual([
        expect.objectContaining({ name: ORGANIZATION?.name, value: ORGANIZATION?.gid }),
      ]);
      const searched = await search(
        'workspace',
        'searchWorkspaces',
        { kind: 'resource' },
        {
          filter: 'design',
        },
      );
      expect(searched.results.map((result) => result.name)).toEqual(['Design Agency']);
    });

    it('lists the parents of the picked workspace, searched by name, page after page', async () => {
      const workspace = picked(ORGANIZATION?.gid ?? '', 'Sandbox Corp');
      const first = await search(
        'parent',
        'searchParents',
        { kind: 'graph', workspace },
        {
          filter: 'HIRING',
        },
      );
      const hiring = parentsOf(ORGANIZATION?.gid ?? '', 'project')?.filter((project) =>
        project.name.startsWith('Hiring'),
      );
      expect(first.results).toEqual(
        (hiring ?? []).map((project) =>
          expect.objectContaining({ name: `${project.name} (Project)`, value: project.gid }),
        ),
      );
      expect(first.paginationToken).toBeDefined();

      // Scrolling on: the portfolios, teams and goals of the organization hold no "hiring".
      const rest = await search(
        'parent',
        'searchParents',
        { kind: 'graph', workspace },
        {
          filter: 'HIRING',
          paginationToken: first.paginationToken ?? '',
        },
      );
      expect(rest).toEqual({ results: [] });

      // No project, portfolio or team matches: the search reads on, list after list, to the goals.
      const goals = await search(
        'parent',
        'searchParents',
        { kind: 'graph', workspace },
        {
          filter: 'revenue',
        },
      );
      expect(goals.results.map((result) => result.name)).toEqual(['Grow revenue 20% (Goal)']);
    });

    it('says to pick the workspace first when the parents are listed without one', async () => {
      const answer = await server.rest(
        'POST',
        '/rest/dynamic-node-parameters/resource-locator-results',
        {
          path: 'parameters.parent',
          methodName: 'searchParents',
          credentials: { asanaExportsApi: CREDENTIAL },
          currentNodeParameters: {
            resource: 'export',
            operation: 'create',
            kind: 'graph',
            workspace: { __rl: true, mode: 'list', value: '' },
          },
          nodeTypeAndVersion: { name: NODE_TYPE, version: 1.2 },
        },
      );
      expect(answer.status).not.toBe(200);
      expect(JSON.stringify(answer.body)).toContain('not picked');
    });
  });
});
