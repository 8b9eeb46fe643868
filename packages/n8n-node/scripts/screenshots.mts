/**
 * Renders the node as a user meets it in a real n8n editor, for the README (docs/*.png): node
 * version 1.2's panels with their pick-lists filled from the sandbox (a local Asana), a list
 * opened, a download, and the long-export example workflow on the canvas. Needs n8n
 * (scripts/install-n8n.sh), a build (dist/) and Debian's chromium (/usr/bin/chromium).
 *
 *   node packages/n8n-node/scripts/screenshots.mts
 */
import { join } from 'node:path';
import { parentsOf, startSandbox, WORKSPACES } from '@asana-exports/sandbox';
import { chromium, type Page } from 'playwright-core';
import { longExportExample } from '../test/support/examples.mts';
import { findN8n, NODE_TYPE, packageRoot, startN8n } from '../test/support/n8n.mts';
import { OWNER, startN8nServer } from '../test/support/n8n-server.mts';
import { sandboxCredential } from '../test/support/workflows.mts';

const bin = findN8n();
if (bin === undefined) throw new Error('n8n is not installed: run scripts/install-n8n.sh first');

const corp = WORKSPACES.find((workspace) => workspace.isOrganization);
const project = parentsOf(corp?.gid ?? '', 'project')?.find((p) => p.name === 'Hiring Q3');
if (corp === undefined || project === undefined) throw new Error('the sandbox has no Sandbox Corp');
const picked = (value: string, cachedResultName: string) => ({
  __rl: true,
  mode: 'list',
  value,
  cachedResultName,
});

const sandbox = await startSandbox();
const n8n = await startN8n(bin);
const credential = { id: 'docsCredential01', name: 'Asana service account' };
await n8n.importCredentials([sandboxCredential(credential, sandbox)]);
const node = (id: string, parameters: Record<string, unknown>) => ({
  id,
  name: 'Asana Export',
  type: NODE_TYPE,
  typeVersion: 1.2,
  position: [260, 0],
  parameters: { resource: 'export', ...parameters },
  credentials: { asanaExportsApi: credential },
});

interface Shot {
  readonly file: string;
  readonly workflow: string;
  readonly node: ReturnType<typeof node>;
  /** What to do on the open panel before the picture. */
  readonly before?: (page: Page) => Promise<void>;
}

const shots: Shot[] = [
  {
    file: 'create-resource.png',
    workflow: 'docsResourceExp1',
    node: node('node-res', {
      operation: 'create',
      kind: 'resource',
      workspace: picked(corp.gid, corp.name),
      resources: {
        resource: [
          {
            resourceType: 'task',
            fields: 'gid, name, assignee.gid, completed, modified_at',
            filters: { modifiedAfter: '2026-01-01T00:00:00' },
          },
        ],
      },
    }),
  },
  {
    file: 'create-graph.png',
    workflow: 'docsGraphExport1',
    node: node('node-graph', {
      operation: 'create',
      kind: 'graph',
      workspace: picked(corp.gid, corp.name),
      parent: picked(project.gid, `${project.name} (Project)`),
      waitForCompletion: false,
    }),
  },
  {
    file: 'pick-parent.png',
    workflow: 'docsPickParent01',
    node: node('node-pick', {
      operation: 'create',
      kind: 'graph',
      workspace: picked(corp.gid, corp.name),
      parent: { __rl: true, mode: 'list', value: '' },
      waitForCompletion: false,
    }),
    // The parent's list open, as it is when a user clicks it: the workspace's projects,
    // portfolios, teams and goals by name, searchable.
    before: async (page) => {
      await page.getByPlaceholder('Select a project, portfolio, team or goal...').first().click();
      await page.getByText(`${project.name} (Project)`).first().waitFor({ timeout: 30_000 });
    },
  },
  {
    file: 'download.png',
    workflow: 'docsDownloadExp1',
    node: node('node-dl', {
      operation: 'download',
      kind: 'graph',
      gid: '1234567890123456',
      options: { decompress: true },
    }),
  },
];

const trigger = {
  id: 'trigger',
  name: 'Schedule Trigger',
  type: 'n8n-nodes-base.scheduleTrigger',
  typeVersion: 1.2,
  position: [0, 0],
  parameters: { rule: { interval: [{ triggerAtHour: 2, triggerAtMinute: 17 }] } },
};
await n8n.importWorkflows([
  ...shots.map((shot) => ({
    id: shot.workflow,
    name: shot.file.replace('.png', ''),
    active: false,
    settings: { executionOrder: 'v1' },
    nodes: [trigger, shot.node],
    connections: {
      'Schedule Trigger': { main: [[{ node: 'Asana Export', type: 'main', index: 0 }]] },
    },
  })),
  {
    ...(await longExportExample({
      id: 'docsLongExport01',
      credential,
      parent: project.gid,
      folder: '/backups/asana',
      wait: { amount: 5, unit: 'minutes' },
    })),
    name: 'Long export: Create, Wait, Get Status, Download',
  },
]);

const server = await startN8nServer(bin, n8n);
try {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  await page.goto(`${server.url}/signin`);
  await page
    .locator('input[type="email"], input[name="emailOrLdapLoginId"], input[name="email"]')
    .first()
    .fill(OWNER.email);
  await page.locator('input[type="password"]').first().fill(OWNER.password);
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 30_000 });
  for (const shot of shots) {
    await page.goto(`${server.url}/workflow/${shot.workflow}/${shot.node.id}`);
    await page
      .locator('[data-test-id="ndv"]')
      .first()
      .waitFor({ state: 'visible', timeout: 30_000 });
    await page.waitForTimeout(1_500);
    await shot.before?.(page);
    await page.screenshot({ path: join(packageRoot, 'docs', shot.file) });
    console.log(`docs/${shot.file}`);
  }
  await page.goto(`${server.url}/workflow/docsLongExport01`);
  await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 30_000 });
  await page.waitForTimeout(1_500);
  await page.keyboard.press('Shift+1');
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(packageRoot, 'docs', 'long-export-workflow.png') });
  console.log('docs/long-export-workflow.png');
  await browser.close();
} finally {
  await server.close();
  await n8n.close();
  await sandbox.close();
}
