import { type Sandbox, startSandbox } from '@asana-exports/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  gunzippedSha256Of,
  pathJoin as join,
  listFiles,
  readText,
  sha256Of,
  sizeOf,
} from './support/files.mts';
import {
  distDir,
  type N8nInstance,
  NODE_TYPE,
  onlyItem,
  outputOf,
  packageRoot,
  requireN8n,
  startN8n,
} from './support/n8n.mts';
import { asanaNode as asanaNodeWith, manualWorkflow as workflow } from './support/workflows.mts';

/**
 * The node inside a real n8n: the built dist/ loaded as a custom extension, credentials pointing
 * at the sandbox, workflows imported and run headless with `n8n execute`. Every file n8n writes is
 * compared byte for byte with the sandbox's own.
 */
const n8nBin = requireN8n();
const GOOD = { id: 'e2eGoodCredential', name: 'Asana sandbox' };
const BAD = { id: 'e2eBadCredential', name: 'Asana sandbox, wrong token' };

describe.skipIf(n8nBin === undefined)('Asana Export in a real n8n', () => {
  let sandbox: Sandbox;
  let n8n: N8nInstance;

  beforeAll(async () => {
    await readText(join(distDir, 'nodes', 'AsanaExport', 'AsanaExport.node.js')); // built?
    sandbox = await startSandbox({ scenario: { durationMs: 1_200 } });
    n8n = await startN8n(n8nBin ?? '');
    await n8n.importCredentials([
      credential(GOOD, sandbox.token, sandbox.apiUrl),
      credential(BAD, 'not-the-sandbox-token', sandbox.apiUrl),
    ]);
  }, 120_000);

  afterAll(async () => {
    await n8n?.close();
    await sandbox?.close();
  });

  it('runs the README example (Schedule Trigger → Create with wait → write the file)', async () => {
    const example = JSON.parse(
      await readText(join(packageRoot, 'examples', 'scheduled-organization-export.json')),
    ) as { nodes: Array<Record<string, unknown>> };
    for (const node of example.nodes) {
      if (node.type === 'n8n-nodes-asana-exports.asanaExport') {
        node.type = NODE_TYPE;
        node.credentials = { asanaExportsApi: GOOD };
      }
      if (node.type === 'n8n-nodes-base.readWriteFile') {
        (node.parameters as Record<string, unknown>).fileName =
          `=${await n8n.folder('example')}/{{ $binary.data.fileName }}`;
      }
    }
    await n8n.importWorkflows([{ ...example, id: 'e2eExample000001' }]);

    const item = onlyItem(await n8n.execute('e2eExample000001'), 'Asana Export');
    expect(item.json.kind).toBe('organization');
    const gid = String(item.json.exportGid);
    await expectSameFile(join(n8n.files, 'example'), gid);
    expect(item.binary?.data?.mimeType).toBe('application/gzip');
  });

  it.each([
    ['organization', { kind: 'organization', organization: '1100000000000001' }],
    [
      'resource',
      {
        kind: 'resource',
        workspace: '1100000000000002',
        resources: {
          resource: [
            {
              resourceType: 'task',
              // The sandbox applies fields and filters: a date that leaves some of its 2021-2023
              // tasks, and resource_type so that the lines still say what they are.
              fields: 'gid, resource_type, name, assignee.gid',
              filters: { createdAfter: '2023-06-01T00:00:00' },
            },
            { resourceType: 'team' },
          ],
        },
      },
    ],
    ['graph', { kind: 'graph', parent: '1100000000000003' }],
  ])('creates, waits for and downloads a %s export byte for byte', async (kind, parameters) => {
    const id = `e2eCreate${kind.slice(0, 3)}00001`;
    await n8n.importWorkflows([
      workflow(id, [asanaNode('Asana Export', { operation: 'create', ...parameters })], {
        writeTo: await n8n.folder(kind),
      }),
    ]);
    const item = onlyItem(await n8n.execute(id), 'Asana Export');
    const manifest = item.json as {
      jobGid?: string;
      exportGid?: string;
      records: { total: number };
    };
    const gid = kind === 'organization' ? String(manifest.exportGid) : String(manifest.jobGid);
    const expected = await sandbox.exportFile(gid);
    expect(manifest.records.total).toBe(expected.records);
    if (kind === 'resource') expect(expected.byResourceType.task).toBeGreaterThan(0);
    await expectSameFile(join(n8n.files, kind), gid);
  });

  it('creates a graph export by default from version 1.1, an organization export in version 1', async () => {
    // n8n saves no parameter equal to its default: neither node names its kind.
    const current = {
      ...asanaNode('Current', { operation: 'create', parent: '1100000000000010' }),
      typeVersion: 1.1,
    };
    const first = asanaNode('First', { operation: 'create', organization: '1100000000000011' });
    await n8n.importWorkflows([workflow('e2eDefaultKind01', [current, first])]);
    const execution = await n8n.execute('e2eDefaultKind01');
    expect(onlyItem(execution, 'Current').json).toMatchObject({
      kind: 'graph',
      target: { parent: '1100000000000010' },
    });
    expect(onlyItem(execution, 'First').json).toMatchObject({ kind: 'organization' });
  });

  it('gets the status of an export, then downloads it by gid (also decompressed)', async () => {
    const job = await sandbox.startExport({ parent: '1100000000000004' });
    await waitUntilDone(sandbox, job);
    await n8n.importWorkflows([
      workflow(
        'e2eStatusDownld1',
        [
          asanaNode('Get Status', { operation: 'getStatus', kind: 'graph', gid: job }),
          asanaNode('Download', { operation: 'download', kind: 'graph', gid: '={{ $json.gid }}' }),
          asanaNode('Download Decompressed', {
            operation: 'download',
            kind: 'graph',
            gid: job,
            binaryPropertyName: 'data',
            options: { decompress: true },
          }),
        ],
        { writeTo: await n8n.folder('status'), writeAfter: ['Download', 'Download Decompressed'] },
      ),
    ]);
    const execution = await n8n.execute('e2eStatusDownld1');
    const status = onlyItem(execution, 'Get Status');
    expect(status.json).toMatchObject({
      kind: 'graph',
      gid: job,
      state: 'done',
      rawState: 'succeeded',
      done: true,
    });
    expect(JSON.stringify(status.json)).not.toContain('http');

    const expected = await sandbox.exportFile(job);
    const files = await listFiles(join(n8n.files, 'status'));
    expect(files).toHaveLength(2);
    const gz = files.find((name) => name.endsWith('.gz')) ?? '';
    const plain = files.find((name) => name.endsWith('.jsonl')) ?? '';
    expect(await sha256Of(join(n8n.files, 'status', gz))).toBe(expected.sha256);
    expect(await sha256Of(join(n8n.files, 'status', plain))).toBe(
      await gunzippedSha256Of(expected.path),
    );
  });

  it('splits a small export into one item per record, and refuses past Max Records', async () => {
    const job = await sandbox.startExport({ parent: '1100000000000005' });
    await waitUntilDone(sandbox, job);
    const expected = await sandbox.exportFile(job);
    await n8n.importWorkflows([
      workflow('e2eSplitItems001', [
        asanaNode('Records', {
          operation: 'download',
          kind: 'graph',
          gid: job,
          splitIntoItems: true,
          maxRecords: 100_000,
        }),
      ]),
      workflow('e2eSplitLimit001', [
        asanaNode('Records', {
          operation: 'download',
          kind: 'graph',
          gid: job,
          splitIntoItems: true,
          maxRecords: 10,
        }),
      ]),
    ]);
    const items = outputOf(await n8n.execute('e2eSplitItems001'), 'Records');
    expect(items).toHaveLength(expected.records);
    expect(items.filter((item) => item.json.resource_type === 'task')).toHaveLength(
      expected.byResourceType.task ?? -1,
    );

    const refused = await n8n.execute('e2eSplitLimit001');
    expect(refused.code, refused.stdout).not.toBe(0);
    expect(refused.stdout + refused.stderr).toContain('The export has more than 10 records');
  });

  it('fails with Asana’s verdict when the export fails', async () => {
    sandbox.configure({ outcome: 'fail' });
    try {
      await n8n.importWorkflows([
        workflow('e2eFailedExport1', [
          asanaNode('Asana Export', {
            operation: 'create',
            kind: 'graph',
            parent: '1100000000000006',
          }),
        ]),
      ]);
      const execution = await n8n.execute('e2eFailedExport1');
      expect(execution.code).not.toBe(0);
      expect(execution.stdout + execution.stderr).toMatch(
        /Asana reports graph export job [\d ]+ as failed/,
      );
      expect(await listFiles(n8n.files)).not.toContain('failed');
    } finally {
      sandbox.configure({ outcome: 'succeed' });
    }
  });

  it('fails with Asana’s 401 for a bad token, and gives an error item with Continue On Fail', async () => {
    await n8n.importWorkflows([
      workflow('e2eBadToken00001', [
        asanaNode(
          'Asana Export',
          { operation: 'getStatus', kind: 'graph', gid: '1100000000000007' },
          BAD,
        ),
      ]),
      workflow('e2eContinueFail1', [
        {
          ...asanaNode(
            'Asana Export',
            { operation: 'getStatus', kind: 'graph', gid: '1100000000000007' },
            BAD,
          ),
          onError: 'continueRegularOutput',
        },
      ]),
    ]);
    const failed = await n8n.execute('e2eBadToken00001');
    expect(failed.code).not.toBe(0);
    expect(failed.stdout + failed.stderr).toContain(
      'Asana answered 401 to GET /jobs/1100000000000007',
    );

    const item = onlyItem(await n8n.execute('e2eContinueFail1'), 'Asana Export');
    expect(String(item.json.error)).toContain('Asana answered 401');
    expect(String(item.json.description)).toContain('Check the token');
    expect(JSON.stringify(item.json)).not.toContain('not-the-sandbox-token');
  });

  it('says what to change when n8n’s database binary mode refuses a file over its cap', async () => {
    const capped = await startN8n(n8nBin ?? '', { binaryMode: 'database' });
    try {
      await capped.importCredentials([credential(GOOD, sandbox.token, sandbox.apiUrl)]);
      await capped.importWorkflows([
        workflow('e2eDatabaseCap01', [
          asanaNode('Asana Export', {
            operation: 'create',
            kind: 'graph',
            parent: '1100000000000008',
            options: { decompress: true },
          }),
        ]),
      ]);
      // 0.1 MiB: the sandbox's exports decompress to 256 KiB.
      const execution = await capped.execute('e2eDatabaseCap01', {
        N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE: '0.1',
      });
      expect(execution.code).not.toBe(0);
      const output = execution.stdout + execution.stderr;
      expect(output).toContain('n8n could not store the export');
      expect(output).toContain('N8N_DEFAULT_BINARY_DATA_MODE=filesystem');
    } finally {
      await capped.close();
    }
  });

  async function expectSameFile(dir: string, gid: string): Promise<void> {
    const expected = await sandbox.exportFile(gid);
    const files = await listFiles(dir);
    expect(files).toHaveLength(1);
    const path = join(dir, files[0] ?? '');
    expect(await sha256Of(path)).toBe(expected.sha256);
    expect(await sizeOf(path)).toBe(expected.bytes);
  }
});

function credential(ref: { id: string; name: string }, token: string, baseUrl: string) {
  return { ...ref, type: 'asanaExportsApi', data: { accessToken: token, baseUrl } };
}

function asanaNode(
  name: string,
  parameters: Record<string, unknown>,
  credentialRef: { id: string; name: string } = GOOD,
): Record<string, unknown> {
  return asanaNodeWith(name, parameters, credentialRef);
}

async function waitUntilDone(sandbox: Sandbox, job: string): Promise<void> {
  await expect
    .poll(
      async () => {
        const response = await fetch(`${sandbox.apiUrl}/jobs/${job}`, {
          headers: { authorization: `Bearer ${sandbox.token}` },
        });
        return ((await response.json()) as { data: { status: string } }).data.status;
      },
      { timeout: 20_000, interval: 200 },
    )
    .toBe('succeeded');
}
