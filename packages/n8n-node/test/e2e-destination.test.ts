import { createHash, randomUUID } from 'node:crypto';
import { type Manifest, manifestSchema } from '@asana-exports/core/protocol';
import { type Sandbox, startSandbox } from '@asana-exports/sandbox';
import { storesUnderTest, type TestStore } from '@asana-exports/test-stores';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathJoin as join, readText } from './support/files.mts';
import {
  type N8nInstance,
  NODE_TYPE,
  onlyItem,
  packageRoot,
  requireN8n,
  startN8n,
} from './support/n8n.mts';
import { storageCredentialData } from './support/storage.mts';
import { manualWorkflow as workflow } from './support/workflows.mts';

/**
 * Store In inside a real n8n: the built dist/ as a custom extension streams the sandbox's export
 * into a real S3 server (Ceph's radosgw) and Azure Blob emulator (Azurite), signing its own
 * requests (SigV4, a container SAS) over n8n's HTTP helper, without n8n's binary data. What was
 * stored is read back with the vendors' SDKs.
 */
const n8nBin = requireN8n();
const ASANA = { id: 'e2eStoreAsana0001', name: 'Asana sandbox' };
const STORAGE = { id: 'e2eStoreStorage01', name: 'Storage' };
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe.each(storesUnderTest())('Store In %s in a real n8n', (_name, start) => {
  if (n8nBin === undefined) return;
  let sandbox: Sandbox;
  let n8n: N8nInstance;
  let store: TestStore;
  let place: string;
  let bucket: string;
  let parent = 1830000000000000;

  beforeAll(async () => {
    store = await start();
    place = await store.newPlace();
    bucket = store.kind === 's3' ? (place.split('/')[2] ?? '') : (place.split('/')[3] ?? '');
    sandbox = await startSandbox({ scenario: { durationMs: 300, contentBytes: 3 * 1024 * 1024 } });
    n8n = await startN8n(n8nBin);
    await n8n.importCredentials([
      {
        ...ASANA,
        type: 'asanaExportsApi',
        data: { accessToken: sandbox.token, baseUrl: sandbox.apiUrl },
      },
      store.kind === 's3' ? s3Credential(store) : azureCredential(store, bucket),
    ]);
  }, 240_000);

  afterAll(async () => {
    await n8n?.close();
    await sandbox?.close();
    await store?.stop();
  });

  function downloadNode(gid: string) {
    return {
      id: randomUUID(),
      name: 'Download',
      type: NODE_TYPE,
      typeVersion: 1,
      position: [0, 0],
      parameters: {
        resource: 'export',
        operation: 'download',
        kind: 'graph',
        gid,
        storeIn: store.kind,
        ...(store.kind === 's3' ? { bucket } : { container: bucket }),
        prefix: 'backups',
      },
      credentials: {
        asanaExportsApi: ASANA,
        [store.kind === 's3' ? 'asanaExportsS3Api' : 'asanaExportsAzureBlobApi']: STORAGE,
      },
    };
  }

  /** Create, waiting for the export and storing it in the same step. */
  function createNode(parentGid: string) {
    const node = downloadNode('');
    const parameters: Record<string, unknown> = { ...node.parameters };
    delete parameters.gid;
    return {
      ...node,
      name: 'Create',
      parameters: {
        ...parameters,
        operation: 'create',
        parent: parentGid,
        waitForCompletion: true,
        download: true,
        prefix: 'created',
        storageOptions: { layout: '{target}/{date}/{export}' },
      },
    };
  }

  async function execute(id: string) {
    const gid = await sandbox.startExport({ parent: String(++parent) });
    await n8n.importWorkflows([workflow(id, [downloadNode(gid)])]);
    const execution = await n8n.execute(id);
    const visible = `${execution.stdout}\n${execution.stderr}`;
    for (const secret of [sandbox.token, ...store.secrets]) expect(visible).not.toContain(secret);
    expect(visible).not.toMatch(/sig=|X-Amz-Signature/);
    return { execution, gid };
  }

  it('streams the verified export into the store, with its manifest, and outputs where', async () => {
    const { execution, gid } = await execute(`e2eStore${store.kind}0001`.slice(0, 16));
    const item = onlyItem(execution, 'Download');
    expect(item.binary).toBeUndefined();
    const manifest: Manifest = manifestSchema.parse(item.json);
    const storedIn = item.json.storedIn as { key: string; manifestKey: string; location: string };
    expect(storedIn.key).toMatch(
      new RegExp(`^backups/graph/${gid}/\\d{8}T\\d{6}Z/asana-graph-export-${gid}\\.jsonl\\.gz$`),
    );
    const served = await sandbox.exportFile(gid);
    expect(sha256(await store.get(place, storedIn.key))).toBe(served.sha256);
    expect(manifest.file.sha256).toBe(served.sha256);
    const storedManifest = JSON.parse(
      new TextDecoder().decode(await store.get(place, storedIn.manifestKey)),
    );
    expect(storedManifest.file.sha256).toBe(served.sha256);
    expect(await store.incomplete(place)).toEqual([]);
  });

  it('Create with wait stores the export it made, under its layout, and names latest.json', async () => {
    const target = String(++parent);
    const id = `e2eStore${store.kind}0003`.slice(0, 16);
    await n8n.importWorkflows([workflow(id, [createNode(target)])]);
    const execution = await n8n.execute(id);
    const visible = `${execution.stdout}\n${execution.stderr}`;
    for (const secret of [sandbox.token, ...store.secrets]) expect(visible).not.toContain(secret);
    const item = onlyItem(execution, 'Create');
    expect(item.binary).toBeUndefined();
    const manifest: Manifest = manifestSchema.parse(item.json);
    const storedIn = item.json.storedIn as { key: string; latestKey: string };
    const gid = manifest.jobGid ?? '';
    expect(storedIn.key).toMatch(
      new RegExp(
        `^created/${target}/\\d{4}-\\d{2}-\\d{2}/\\d+/asana-graph-export-${gid}\\.jsonl\\.gz$`,
      ),
    );
    // latest.json sits per kind and target whatever the layout, where a restore looks first.
    expect(storedIn.latestKey).toBe(`created/graph/${target}/latest.json`);
    const served = await sandbox.exportFile(gid);
    expect(sha256(await store.get(place, storedIn.key))).toBe(served.sha256);
    const latest = JSON.parse(new TextDecoder().decode(await store.get(place, storedIn.latestKey)));
    expect(JSON.stringify(latest)).toContain(storedIn.key);
    expect(await store.incomplete(place)).toEqual([]);
  });

  it('Compare reads a target’s latest export and the one before it from the store', async () => {
    const target = String(++parent);
    const create = `e2eStore${store.kind}0004`.slice(0, 16);
    await n8n.importWorkflows([workflow(create, [createNode(target)])]);
    let newer: Manifest;
    let newerKey: string;
    try {
      sandbox.configure({ revision: 0 });
      manifestSchema.parse(onlyItem(await n8n.execute(create), 'Create').json);
      sandbox.configure({ revision: 1 });
      const created = onlyItem(await n8n.execute(create), 'Create').json;
      newer = manifestSchema.parse(created);
      newerKey = (created.storedIn as { key: string }).key;
    } finally {
      sandbox.configure({ revision: 0 });
    }
    const id = `e2eStore${store.kind}0005`.slice(0, 16);
    const compareNode = {
      ...downloadNode(''),
      name: 'Compare',
      parameters: {
        resource: 'export',
        operation: 'compare',
        storeIn: store.kind,
        ...(store.kind === 's3' ? { bucket } : { container: bucket }),
        prefix: 'created',
        compareObjects: 'latest',
        compareKind: 'graph',
        compareTarget: target,
        storageOptions: { layout: '{target}/{date}/{export}' },
      },
      credentials: {
        [store.kind === 's3' ? 'asanaExportsS3Api' : 'asanaExportsAzureBlobApi']: STORAGE,
      },
    };
    await n8n.importWorkflows([workflow(id, [compareNode])]);
    const execution = await n8n.execute(id);
    const visible = `${execution.stdout}\n${execution.stderr}`;
    for (const secret of [sandbox.token, ...store.secrets]) expect(visible).not.toContain(secret);
    expect(visible).not.toMatch(/sig=|X-Amz-Signature/);
    const report = onlyItem(execution, 'Compare').json as {
      byResourceType: Record<string, unknown>;
      newKey: string;
      new: { exportGid: string };
      warnings: unknown[];
    };
    const { changes } = await sandbox.exportFile(newer.jobGid ?? '');
    expect(changes).toBeDefined();
    expect(report.byResourceType).toEqual(changes?.byResourceType);
    expect(report.new.exportGid).toBe(newer.exportGid);
    expect(report.newKey).toBe(`${bucket}/${newerKey}`);
    expect(report.warnings).toEqual([]);
  });

  it.runIf(_name.startsWith('S3'))(
    'runs the README example: Create with wait, then Download into S3, encrypted and retained',
    async () => {
      const locked = await store.newPlace({ objectLock: true });
      const example = JSON.parse(
        await readText(join(packageRoot, 'examples', 'scheduled-export-to-s3.json')),
      ) as { nodes: Array<Record<string, unknown>> };
      for (const node of example.nodes) {
        if (node.type !== 'n8n-nodes-asana-exports.asanaExport') continue;
        node.type = NODE_TYPE;
        const parameters = node.parameters as Record<string, unknown>;
        if (parameters.operation === 'create') {
          parameters.parent = String(++parent);
          node.credentials = { asanaExportsApi: ASANA };
        } else {
          parameters.bucket = locked.split('/')[2];
          node.credentials = { asanaExportsApi: ASANA, asanaExportsS3Api: STORAGE };
        }
      }
      await n8n.importWorkflows([{ ...example, id: 'e2eStoreExample1' }]);
      const item = onlyItem(await n8n.execute('e2eStoreExample1'), 'Store in S3');
      const manifest: Manifest = manifestSchema.parse(item.json);
      const key = (item.json.storedIn as { key: string }).key;
      expect(key).toMatch(
        /^asana\/graph\/\d+\/\d{8}T\d{6}Z\/asana-graph-export-\d+\.jsonl\.gz\.age$/,
      );
      const cipher = await store.get(locked, key);
      expect(new TextDecoder().decode(cipher.subarray(0, 21))).toBe('age-encryption.org/v1');
      expect(sha256(cipher)).toBe(manifest.encryption?.file.sha256);
      expect((await store.retention?.(locked, key))?.mode).toBe('COMPLIANCE');
    },
  );

  it('leaves nothing under the final key when the export is not intact', async () => {
    sandbox.configure({ corruption: 'truncated' });
    try {
      const before = await store.list(place);
      const { execution } = await execute(`e2eStore${store.kind}0002`.slice(0, 16));
      expect(execution.stdout + execution.stderr).toMatch(/not intact/);
      expect(await store.list(place)).toEqual(before);
      expect(await store.incomplete(place)).toEqual([]);
    } finally {
      sandbox.configure({ corruption: 'none' });
    }
  });
});

function s3Credential(store: TestStore) {
  return { ...STORAGE, type: 'asanaExportsS3Api', data: storageCredentialData(store, '') };
}

function azureCredential(store: TestStore, container: string) {
  return {
    ...STORAGE,
    type: 'asanaExportsAzureBlobApi',
    data: storageCredentialData(store, container),
  };
}
