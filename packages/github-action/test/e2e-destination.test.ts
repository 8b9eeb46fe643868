/**
 * `destination`: the built action streams the export into a real S3 server (Ceph's radosgw) and
 * a real Azure Blob emulator (Azurite), read back with their vendors' SDKs. No artifact is
 * stored; a failed export leaves nothing under the final key; a bad destination fails before any
 * request to Asana; no credential reaches the log, the outputs or the summary.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storesUnderTest, type TestStore } from '@asana-exports/test-stores';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ageKeygen, HAVE_AGE, runAgeTool } from '../../core/test/support/age-tool.js';
import { errorLine, expectNoSecrets, FAST, startWorld, type World } from './support/fixtures.js';

let world: World;
let keys: string;
beforeAll(async () => {
  world = await startWorld({ contentBytes: 2 * 1024 * 1024 });
  keys = mkdtempSync(join(tmpdir(), 'asana-action-keys-'));
});
afterAll(async () => {
  await world?.close();
  if (keys) rmSync(keys, { recursive: true, force: true });
});

const PUBLIC_REPOSITORY = { repository: { private: false, visibility: 'public' } };

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe.each(storesUnderTest())('destination: %s', (name, start) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await start();
  }, 180_000);
  afterAll(async () => {
    await store?.stop();
  });

  /** The store's endpoint as the action's input (`s3-endpoint` / `azure-endpoint`). */
  const endpointInput = () => ({ [(store.args[0] ?? '').replace(/^--/, '')]: store.args[1] ?? '' });

  async function act(
    place: string,
    inputs: Record<string, string> = {},
    options: { eventPayload?: unknown; env?: Record<string, string> } = {},
  ) {
    const run = world.newRun();
    const env = { ...store.env, ...options.env };
    const result = await world.act(
      run,
      { kind: 'graph', parent: world.newGid(), destination: place, ...endpointInput(), ...inputs },
      { ...options, env },
    );
    expectNoSecrets(result, [
      world.sandbox.token,
      ...store.secrets,
      ...Object.values(options.env ?? {}),
    ]);
    // No artifact: the bucket is where the export lives.
    expect(world.service.finished(run)).toEqual([]);
    return result;
  }

  it("check-only reads the target's latest.json: fresh after a backup, missing before", async () => {
    const place = await store.newPlace();
    const parent = world.newGid();
    const watch = async (maxAge: string) =>
      act(place, { parent, 'check-only': 'true', 'max-age': maxAge, 'asana-token': '' });
    const missing = await watch('26h');
    expect(missing.code).toBe(1);
    expect(errorLine(missing)).toContain(`no verified export found in`);
    expect(errorLine(missing)).toContain(`/graph/${parent}/latest.json`);

    const backup = await act(place, { parent });
    expect(backup.code, backup.stdout).toBe(0);
    const fresh = await watch('26h');
    expect(fresh.code, fresh.stdout).toBe(0);
    expect(fresh.outputs.fresh).toBe('true');
    expect(fresh.outputs['export-gid']).toBe(backup.outputs['export-gid']);
    expect(fresh.outputs.records).toBe(backup.outputs.records);
  });

  it('stores the verified export, sets the outputs and says where in the summary', async () => {
    const place = await store.newPlace();
    // Unencrypted, in a public repository: the guard is about public artifacts, and none is made.
    const result = await act(place, {}, { eventPayload: PUBLIC_REPOSITORY });
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
    expect(result.outputs).toMatchObject({ encrypted: 'false', file: '', 'version-id': '' });
    expect(result.outputs['latest-key']).toMatch(/^backups\/graph\/\d+\/latest\.json$/);
    const manifestKey = key.replace(/\.jsonl\.gz$/, '.manifest.json');
    expect(result.outputs['manifest-key']).toBe(manifestKey);
    const manifest = JSON.parse(result.outputs.manifest ?? '{}');
    expect(JSON.parse(new TextDecoder().decode(await store.get(place, manifestKey)))).toEqual(
      manifest,
    );
    expect(result.summary).toContain('<th>Destination</th>');
    expect(result.summary).toContain(key);
  });

  it.runIf(HAVE_AGE || process.env.CI === 'true')(
    'stores only ciphertext with encrypt-to, and `age -d` opens it to the served file',
    async () => {
      const key = ageKeygen(keys, `${store.kind}.txt`);
      const place = await store.newPlace();
      const result = await act(place, { 'encrypt-to': key.publicKey });
      expect(result.code, result.stdout).toBe(0);
      const objectKey = result.outputs['object-key'] ?? '';
      expect(objectKey).toMatch(/\.jsonl\.gz\.age$/);
      expect(result.outputs.encrypted).toBe('true');
      const listed = await store.list(place);
      expect(listed.filter((name) => name.endsWith('.jsonl.gz'))).toEqual([]);
      const cipher = await store.get(place, objectKey);
      expect(new TextDecoder().decode(cipher.subarray(0, 21))).toBe('age-encryption.org/v1');
      // `bytes` and `sha256` describe what is stored: the ciphertext.
      expect(result.outputs.sha256).toBe(sha256(cipher));
      expect(result.outputs.bytes).toBe(String(cipher.length));
      const opened = runAgeTool('age', ['-d', '-i', key.path], cipher);
      expect(opened.status, opened.stderr).toBe(0);
      const served = await world.sandbox.exportFile(result.outputs['job-gid'] ?? '');
      expect(sha256(opened.stdout)).toBe(served.sha256);
      expect(result.summary).toContain('<th>Encrypted</th>');
    },
  );

  // Azurite has no version-level immutability; radosgw has Object Lock.
  it.runIf(name.startsWith('S3'))(
    'keeps the export and its manifest write-once with object-retention-* (S3 Object Lock)',
    async () => {
      const place = await store.newPlace({ objectLock: true });
      const result = await act(place, {
        'object-retention-mode': 'governance',
        'object-retention-days': '2',
        sse: 'aws:kms',
        'sse-kms-key-id': store.kmsKeyId ?? '',
      });
      expect(result.code, result.stdout).toBe(0);
      const versionId = result.outputs['version-id'] ?? '';
      // An Object Lock bucket keeps versions: the output names the one this run stored.
      expect(versionId).not.toBe('');
      expect(result.summary).toContain(`version <code>${versionId}</code>`);
      const now = Date.now();
      for (const key of [result.outputs['object-key'], result.outputs['manifest-key']]) {
        const retention = await store.retention?.(place, key ?? '');
        expect(retention?.mode, key).toBe('GOVERNANCE');
        expect(retention?.encryption, key).toBe('aws:kms');
        const days = ((retention?.until?.getTime() ?? 0) - now) / 86_400_000;
        expect(days).toBeGreaterThan(1.9);
        expect(days).toBeLessThan(2.1);
      }
    },
  );

  it('leaves nothing under the final key when the export is not intact', async () => {
    const place = await store.newPlace();
    world.sandbox.configure({ corruption: 'truncated' });
    try {
      const result = await act(place);
      expect(result.code).toBe(1);
      expect(errorLine(result)).toMatch(/not intact/);
      // Only the record of the export, which the next run downloads again (resume-pending).
      expect(await store.list(place)).toEqual([expect.stringMatching(/\/pending\.json$/)]);
      expect(await store.incomplete(place)).toEqual([]);
    } finally {
      world.sandbox.configure({ ...FAST, contentBytes: 2 * 1024 * 1024 });
    }
  });

  it('fails before any request to Asana when the bucket or container is missing', async () => {
    const before = world.sandbox.requests.length;
    const place = (await store.newPlace()).replace(/t-[0-9a-f]{12}/, 'missing-place');
    const result = await act(place);
    expect(result.code).toBe(1);
    expect(errorLine(result)).toMatch(store.kind === 's3' ? /NoSuchBucket/ : /ContainerNotFound/);
    expect(result.stdout).toContain('Nothing was sent to Asana');
    expect(world.sandbox.requests.length).toBe(before);
    expect(result.summary).toContain('nothing was published');
  });
  it('fails before any request to Asana when the store refuses the credentials', async () => {
    const before = world.sandbox.requests.length;
    const place = await store.newPlace();
    // A wrong secret is still a secret: masked like the right one.
    const wrong: Record<string, string> =
      store.kind === 's3'
        ? { AWS_SECRET_ACCESS_KEY: 'not-the-secret-0000000000000000000000' }
        : { AZURE_STORAGE_KEY: Buffer.alloc(64, 7).toString('base64') };
    const result = await act(place, {}, { env: wrong });
    expect(result.code).toBe(1);
    expect(errorLine(result)).toMatch(store.kind === 's3' ? /SignatureDoesNotMatch/ : /403/);
    expect(result.stdout).toContain('Nothing was sent to Asana');
    expect(world.sandbox.requests.length).toBe(before);
    expect(await store.list(place)).toEqual([]);
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
    const before = world.sandbox.requests.length;
    const result = await world.act(world.newRun(), {
      kind: 'graph',
      parent: world.newGid(),
      ...inputs,
    });
    expect(result.code).toBe(1);
    expect(errorLine(result)).toMatch(message);
    expect(world.sandbox.requests.length).toBe(before);
  });

  it('masks the storage credentials the environment holds, before anything else', async () => {
    const env = {
      AWS_SECRET_ACCESS_KEY: 'aws-secret-0123456789abcdefghij',
      AWS_SESSION_TOKEN: 'aws-session-0123456789abcdefghij',
      AZURE_STORAGE_KEY: Buffer.alloc(64, 3).toString('base64'),
      AZURE_STORAGE_SAS_TOKEN: 'sv=2024-08-04&sp=rcw&sig=abcdefghij0123456789',
      AZURE_STORAGE_CONNECTION_STRING: 'DefaultEndpointsProtocol=https;AccountKey=c29tZWtleQ==',
    };
    const result = await world.act(
      world.newRun(),
      { kind: 'graph', parent: world.newGid(), destination: 'gs://bucket' },
      { env },
    );
    expect(result.code).toBe(1);
    const masks = result.stdout.split('\n').filter((line) => line.startsWith('::add-mask::'));
    for (const value of Object.values(env)) expect(masks).toContain(`::add-mask::${value}`);
    expectNoSecrets(result, Object.values(env));
  });
});
