/**
 * `destination`: the built action streams the export into a real S3 server (Ceph's radosgw) and
 * a real Azure Blob emulator (Azurite), read back with their vendors' SDKs. No artifact is
 * stored; a failed export leaves nothing under the final key; a bad destination fails before any
 * request to Asana; no credential reaches the log, the outputs or the summary.
 */
import { createHash } from 'node:crypto';
import { storesUnderTest, type TestStore } from '@asana-exports/test-stores';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRequests,
  errorLine,
  expectNoSecrets,
  FAST,
  startWorld,
  type World,
} from './support/fixtures.js';

let world: World;
beforeAll(async () => {
  world = await startWorld({ contentBytes: 2 * 1024 * 1024 });
});
afterAll(async () => {
  await world?.close();
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe.each(storesUnderTest())('destination: %s', (_name, start) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await start();
  }, 180_000);
  afterAll(async () => {
    await store?.stop();
  });

  /** The store's endpoint as the action's input (`s3-endpoint` / `azure-endpoint`). */
  const endpointInput = () => ({ [(store.args[0] ?? '').replace(/^--/, '')]: store.args[1] ?? '' });

  async function act(place: string, inputs: Record<string, string> = {}) {
    const run = world.newRun();
    const result = await world.act(
      run,
      { kind: 'graph', parent: world.newGid(), destination: place, ...endpointInput(), ...inputs },
      { env: { ...store.env } },
    );
    expectNoSecrets(result, [world.sandbox.token, ...store.secrets]);
    // No artifact: the bucket is where the export lives.
    expect(world.service.finished(run)).toEqual([]);
    return result;
  }

  it('stores the verified export, sets the outputs and says where in the summary', async () => {
    const place = await store.newPlace();
    const result = await act(place);
    expect(result.code, result.stdout).toBe(0);
    const key = result.outputs['object-key'] ?? '';
    expect(key).toMatch(/^backups\/graph\/\d+\/\d{8}T\d{6}Z\/asana-graph-export-\d+\.jsonl\.gz$/);
    const served = await world.sandbox.exportFile(result.outputs['job-gid'] ?? '');
    const stored = await store.get(place, key);
    expect(sha256(stored)).toBe(served.sha256);
    expect(result.outputs.sha256).toBe(served.sha256);
    expect(result.outputs['object-url']).toContain(key.split('/').pop());
    expect(result.outputs['object-url']).not.toMatch(/[?&](sig|X-Amz-Signature)=/i);
    expect(await store.list(place)).toEqual(
      [key, result.outputs['manifest-key'], result.outputs['latest-key']].sort(),
    );
    expect(result.outputs['artifact-id']).toBeUndefined();
    expect(result.summary).toContain('<th>Stored in</th>');
    expect(result.summary).toContain(key);
  });

  it('leaves nothing under the final key when the export is not intact', async () => {
    const place = await store.newPlace();
    world.sandbox.configure({ corruption: 'truncated' });
    try {
      const result = await act(place);
      expect(result.code).toBe(1);
      expect(errorLine(result)).toMatch(/not intact/);
      expect(await store.list(place)).toEqual([]);
      expect(await store.incomplete(place)).toEqual([]);
    } finally {
      world.sandbox.configure({ ...FAST, contentBytes: 2 * 1024 * 1024 });
    }
  });

  it('fails before any request to Asana when the bucket or container is missing', async () => {
    const before = createRequests(world.sandbox).length;
    const place = (await store.newPlace()).replace(/t-[0-9a-f]{12}/, 'missing-place');
    const result = await act(place);
    expect(result.code).toBe(1);
    expect(errorLine(result)).toMatch(store.kind === 's3' ? /NoSuchBucket/ : /ContainerNotFound/);
    expect(result.stdout).toContain('Nothing was sent to Asana');
    expect(createRequests(world.sandbox).length).toBe(before);
  });
});

describe('destination inputs', () => {
  it.each([
    [{ destination: 'gs://bucket' }, /Invalid destination: the scheme "gs:\/\/"/],
    [
      { destination: 's3://bucket', 'keep-last': '3' },
      /Invalid keep-last: cannot be combined with destination/,
    ],
    [
      { destination: 's3://bucket', 'retention-days': '30' },
      /Invalid retention-days: cannot be combined with destination/,
    ],
    [
      { destination: 's3://bucket', 'object-retention-mode': 'governance' },
      /Invalid object-retention-days: is required/,
    ],
    [{ 'storage-class': 'STANDARD_IA' }, /Invalid storage-class: needs destination/],
    [
      { destination: 's3://bucket', 'azure-endpoint': 'http://127.0.0.1:1' },
      /Invalid azure-endpoint: does not apply to S3/,
    ],
  ])('refuses %j before anything is sent', async (inputs, message) => {
    const before = createRequests(world.sandbox).length;
    const result = await world.act(world.newRun(), {
      kind: 'graph',
      parent: world.newGid(),
      ...inputs,
    });
    expect(result.code).toBe(1);
    expect(errorLine(result)).toMatch(message);
    expect(createRequests(world.sandbox).length).toBe(before);
  });
});
