/**
 * Renders the node's parameter panels in a real n8n editor, for the README (docs/*.png).
 * Needs n8n (scripts/install-n8n.sh), a build (dist/) and Debian's chromium (/usr/bin/chromium).
 *
 *   node packages/n8n-node/scripts/screenshots.mts
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { findN8n, packageRoot, startN8n } from '../test/support/n8n.mts';

const bin = findN8n();
if (bin === undefined) throw new Error('n8n is not installed: run scripts/install-n8n.sh first');
const port = 5690;
const origin = `http://127.0.0.1:${port}`;
const owner = {
  email: 'owner@example.com',
  firstName: 'Ops',
  lastName: 'Team',
  password: 'Screenshots-2026',
};

const n8n = await startN8n(bin);
const credential = { id: 'docsCredential01', name: 'Asana service account' };
await n8n.importCredentials([
  {
    ...credential,
    type: 'asanaExportsApi',
    data: { accessToken: 'token', baseUrl: 'https://app.asana.com/api/1.0' },
  },
]);
const node = (id: string, parameters: Record<string, unknown>) => ({
  id,
  name: 'Asana Export',
  type: 'CUSTOM.asanaExport',
  typeVersion: 1,
  position: [260, 0],
  parameters: { resource: 'export', ...parameters },
  credentials: { asanaExportsApi: credential },
});
const shots = [
  {
    file: 'create-organization.png',
    workflow: 'docsOrganizatio1',
    node: node('node-org', {
      operation: 'create',
      kind: 'organization',
      organization: '1234567890123456',
      options: { timeout: 360 },
    }),
  },
  {
    file: 'create-resource.png',
    workflow: 'docsResourceExp1',
    node: node('node-res', {
      operation: 'create',
      kind: 'resource',
      workspace: '1234567890123456',
      resources: {
        resource: [
          {
            resourceType: 'task',
            fields: 'gid, name, assignee.gid, completed',
            filters: { modifiedAfter: '2026-01-01T00:00:00', assignee: '1200000000000001' },
          },
        ],
      },
    }),
  },
  {
    file: 'download.png',
    workflow: 'docsDownloadExp1',
    node: node('node-dl', {
      operation: 'download',
      kind: 'resource',
      gid: '1234567890123456',
      options: { decompress: true },
    }),
  },
];
await n8n.importWorkflows(
  shots.map((shot) => ({
    id: shot.workflow,
    name: shot.file.replace('.png', ''),
    active: false,
    settings: { executionOrder: 'v1' },
    nodes: [
      {
        id: 'trigger',
        name: 'Schedule Trigger',
        type: 'n8n-nodes-base.scheduleTrigger',
        typeVersion: 1.2,
        position: [0, 0],
        parameters: { rule: { interval: [{ triggerAtHour: 2 }] } },
      },
      shot.node,
    ],
    connections: {
      'Schedule Trigger': { main: [[{ node: 'Asana Export', type: 'main', index: 0 }]] },
    },
  })),
);

const server = spawn(bin, ['start'], {
  env: {
    ...process.env,
    ...n8nEnv(n8n.home),
    N8N_PORT: String(port),
    N8N_RUNNERS_BROKER_PORT: String(port + 1),
  },
  stdio: 'ignore',
});
try {
  // /healthz answers before the editor is served: wait for the editor itself.
  await waitFor(`${origin}/signin`);
  await fetch(`${origin}/rest/owner/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(owner),
  });
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
  const page = await browser.newPage({
    viewport: { width: 1440, height: 1000 },
    deviceScaleFactor: 1,
  });
  await page.goto(`${origin}/signin`);
  await page
    .locator('input[type="email"], input[name="emailOrLdapLoginId"], input[name="email"]')
    .first()
    .fill(owner.email);
  await page.locator('input[type="password"]').first().fill(owner.password);
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 30_000 });
  for (const shot of shots) {
    await page.goto(`${origin}/workflow/${shot.workflow}/${shot.node.id}`);
    const panel = page.locator('[data-test-id="ndv"]').first();
    await panel.waitFor({ state: 'visible', timeout: 30_000 });
    await page.waitForTimeout(1_500);
    await page.screenshot({ path: join(packageRoot, 'docs', shot.file) });
    console.log(`docs/${shot.file}`);
  }
  await browser.close();
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  await n8n.close();
}

function n8nEnv(home: string): Record<string, string> {
  return {
    N8N_USER_FOLDER: join(home, 'user'),
    N8N_CUSTOM_EXTENSIONS: join(home, 'extension'),
    N8N_ENCRYPTION_KEY: 'asana-exports-e2e-key',
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_TEMPLATES_ENABLED: 'false',
    N8N_PERSONALIZATION_ENABLED: 'false',
    N8N_SECURE_COOKIE: 'false',
  };
}

async function waitFor(url: string): Promise<void> {
  for (let attempt = 0; attempt < 120; attempt++) {
    try {
      const response = await fetch(url);
      if (response.ok && (await response.text()).includes('<html')) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${url} did not come up`);
}
