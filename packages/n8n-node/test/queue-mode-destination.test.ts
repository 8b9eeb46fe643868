import { createHash, randomUUID } from 'node:crypto';
import { type Sandbox, startSandbox } from '@asana-exports/sandbox';
import { startS3Store, type TestStore } from '@asana-exports/test-stores';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_TYPE, requireN8n } from './support/n8n.mts';
import { type QueueMode, startQueueMode } from './support/queue-mode.mts';
import { findPostgresBin, hasRedis } from './support/services.mts';
import { storageCredentialData } from './support/storage.mts';
import { webhookWorkflow } from './support/workflows.mts';

/**
 * Store In on a queue-mode worker (PostgreSQL, Redis, binary data in the database): the export
 * goes from Asana's link into a real S3 server (Ceph's radosgw) without n8n's binary data, so the
 * database's size limit on binary data does not apply to it.
 */
const n8nBin = requireN8n();
const servicesInstalled = (await findPostgresBin()) !== undefined && hasRedis();
const ASANA = { id: 'queueStoreAsana1', name: 'Asana sandbox' };
const STORAGE = { id: 'queueStoreS3Cred', name: 'radosgw' };

describe.skipIf(n8nBin === undefined)('Store In S3 in n8n queue mode', () => {
  let sandbox: Sandbox;
  let store: TestStore & {
    server: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string };
  };
  let place: string;
  let n8n: QueueMode;

  beforeAll(async () => {
    if (!servicesInstalled) {
      throw new Error('PostgreSQL or Redis is missing: run scripts/install-services.sh first');
    }
    store = await startS3Store();
    place = await store.newPlace();
    sandbox = await startSandbox({ scenario: { durationMs: 300, contentBytes: 24 * 1024 * 1024 } });
    n8n = await startQueueMode(n8nBin ?? '', {
      credentials: [
        {
          ...ASANA,
          type: 'asanaExportsApi',
          data: { accessToken: sandbox.token, baseUrl: sandbox.apiUrl },
        },
        {
          ...STORAGE,
          type: 'asanaExportsS3Api',
          data: storageCredentialData(store, ''),
        },
      ],
      workflows: [
        webhookWorkflow('queueStoreS30001', 'asana-store', [
          {
            id: randomUUID(),
            name: 'Download',
            type: NODE_TYPE,
            typeVersion: 1,
            position: [0, 0],
            parameters: {
              resource: 'export',
              operation: 'download',
              kind: 'graph',
              gid: '={{ $json.body.gid }}',
              storeIn: 's3',
              bucket: place.split('/')[2],
              prefix: 'queue',
            },
            credentials: { asanaExportsApi: ASANA, asanaExportsS3Api: STORAGE },
          },
        ]),
      ],
    });
  }, 300_000);

  afterAll(async () => {
    await n8n?.close();
    await sandbox?.close();
    await store?.stop();
  }, 60_000);

  it('stores the export from a worker, byte for byte, and no secret reaches the logs', async () => {
    const gid = await sandbox.startExport({ parent: '1840000000000001' });
    const answer = await n8n.webhook('asana-store', { gid });
    const logs = [n8n.main, ...n8n.workers].map((process) => process.log()).join('\n');
    expect(answer.status, `${JSON.stringify(answer.body)}\n${logs.slice(-3000)}`).toBe(200);
    const body = answer.body as { storedIn: { key: string }; file: { sha256: string } };
    const served = await sandbox.exportFile(gid);
    const stored = await store.get(place, body.storedIn.key);
    expect(createHash('sha256').update(stored).digest('hex')).toBe(served.sha256);
    expect(body.file.sha256).toBe(served.sha256);
    expect(await store.incomplete(place)).toEqual([]);
    for (const secret of [sandbox.token, store.server.secretAccessKey]) {
      expect(logs).not.toContain(secret);
      expect(JSON.stringify(answer.body)).not.toContain(secret);
    }
  });
});
