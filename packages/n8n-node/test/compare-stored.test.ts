import {
  createAzureStore,
  createS3Store,
  type DiffReport,
  type ObjectStore,
  type StoreHttp,
} from '@asana-exports/core/protocol';
import { type RevisionChanges, type Sandbox, startSandbox } from '@asana-exports/sandbox';
import { startCuttingProxy, storesUnderTest, type TestStore } from '@asana-exports/test-stores';
import { type IDataObject, NodeOperationError } from 'n8n-workflow';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AsanaExport } from '../nodes/AsanaExport/AsanaExport.node';
import { n8nClock } from '../nodes/AsanaExport/transport/clock';
import { type FakeContext, fakeContext } from './support/fakeContext.mts';
import { storageCredentialData } from './support/storage.mts';

/**
 * Compare From a bucket or container, against real stores (Ceph's radosgw, Azurite): the node's
 * own Create (with download into the store) stores two exports the sandbox made of one target at
 * revisions 0 and 1, then Compare reads them back by their keys, and as the target's latest
 * against the one before it. The counts are the sandbox's tally of its revisions, and the report
 * is the one the same two files give as binary fields.
 */
const node = new AsanaExport();
const PREFIX = 'backups';
let nextTarget = 1_840_000_000_000_000;

describe.each(storesUnderTest())('Compare from %s', (_name, start) => {
  let store: TestStore;
  let place: string;
  let bucket: string;
  let sandbox: Sandbox;
  let storage: IDataObject;
  const opened: FakeContext[] = [];

  beforeAll(async () => {
    store = await start();
    place = await store.newPlace();
    bucket = store.kind === 's3' ? (place.split('/')[2] ?? '') : (place.split('/')[3] ?? '');
    storage = storageCredentialData(store, bucket);
    sandbox = await startSandbox({ scenario: { durationMs: 50, contentBytes: 256 * 1024 } });
  }, 240_000);
  afterAll(async () => {
    await sandbox?.close();
    await store?.stop();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((fake) => fake.close()));
  });

  const where = () => ({
    storeIn: store.kind,
    ...(store.kind === 's3' ? { bucket } : { container: bucket }),
    prefix: PREFIX,
  });

  async function execute(parameters: Record<string, unknown>, inputBinary?: IDataObject) {
    const fake = await fakeContext({
      parameters: { resource: 'export', authentication: 'accessToken', ...parameters },
      credentials: { accessToken: sandbox.token, baseUrl: sandbox.apiUrl },
      otherCredentials: {
        [store.kind === 's3' ? 'asanaExportsS3Api' : 'asanaExportsAzureBlobApi']: storage,
      },
      ...(inputBinary === undefined ? {} : { inputBinary: inputBinary as never }),
    });
    opened.push(fake);
    const [[item, ...more] = []] = await node.execute.call(fake.context);
    expect(more).toEqual([]);
    return item?.json as IDataObject;
  }

  /** Create, waiting, with the file stored in the store: what Download's Store In writes. */
  async function storeExport(parent: string, revision: number) {
    sandbox.configure({ revision });
    const json = await execute({
      operation: 'create',
      kind: 'graph',
      parent,
      waitForCompletion: true,
      download: true,
      ...where(),
    });
    const storedIn = json.storedIn as IDataObject;
    const info = await sandbox.exportFile(String(json.jobGid));
    return { key: String(storedIn.key), manifest: json, changes: info.changes };
  }

  async function storedPair() {
    const parent = String(nextTarget++);
    const older = await storeExport(parent, 0);
    const newer = await storeExport(parent, 1);
    return { parent, older, newer };
  }

  const compare = (parameters: Record<string, unknown>) =>
    execute({ operation: 'compare', ...where(), ...parameters });

  function expectOwnSecretsHidden(text: string) {
    for (const secret of store.secrets) expect(text).not.toContain(secret);
  }

  it('compares two keys: the sandbox’s tally, and the report the same files give as binary fields', async () => {
    const { older, newer } = await storedPair();
    const json = await compare({
      compareObjects: 'keys',
      oldObjectKey: older.key,
      newObjectKey: newer.key,
    });
    expectKnownChanges(json as unknown as DiffReport, newer.changes);
    expect(json.oldKey).toBe(`${bucket}/${older.key}`);
    expect(json.newKey).toBe(`${bucket}/${newer.key}`);
    expect(json.warnings).toEqual([]);
    expect(json).toMatchObject({
      old: { exportGid: older.manifest.exportGid, completedAt: older.manifest.completedAt },
      new: { exportGid: newer.manifest.exportGid, completedAt: newer.manifest.completedAt },
    });
    expect((json.new as IDataObject).records).toBe((newer.manifest.records as IDataObject).total);
    expectOwnSecretsHidden(JSON.stringify(json));

    // The same two files and manifests as binary fields: the same item, but for where they were.
    const name = (key: string) => key.slice(key.lastIndexOf('/') + 1);
    const binary = await execute(
      {
        operation: 'compare',
        options: { oldManifest: older.manifest, newManifest: newer.manifest },
      },
      {
        old: { bytes: Buffer.from(await store.get(place, older.key)), fileName: name(older.key) },
        new: { bytes: Buffer.from(await store.get(place, newer.key)), fileName: name(newer.key) },
      },
    );
    expect({ ...json, oldKey: undefined, newKey: undefined }).toEqual({
      ...binary,
      oldKey: undefined,
      newKey: undefined,
    });
  });

  it('compares the target’s latest export against the one stored before it', async () => {
    const { parent, older, newer } = await storedPair();
    const latest = await compare({
      compareObjects: 'latest',
      compareKind: 'graph',
      compareTarget: parent,
    });
    expect(latest.oldKey).toBe(`${bucket}/${older.key}`);
    expect(latest.newKey).toBe(`${bucket}/${newer.key}`);
    expectKnownChanges(latest as unknown as DiffReport, newer.changes);
    const byKeys = await compare({ oldObjectKey: older.key, newObjectKey: newer.key });
    expect(latest).toEqual(byKeys);
  });

  it('resumes a transfer the proxy in front of the store cuts mid-way: the items of an unbroken run', async () => {
    const { older, newer } = await storedPair();
    const keys = { compareObjects: 'keys', oldObjectKey: older.key, newObjectKey: newer.key };
    const unbroken = await compare(keys);
    const field = store.kind === 's3' ? 'endpoint' : 'blobEndpoint';
    const direct = storage;
    const proxy = await startCuttingProxy(String(direct[field]));
    try {
      storage = { ...direct, [field]: proxy.endpoint };
      const resumed = await compare(keys);
      expect(proxy.cuts()).toBe(1);
      const [rest] = proxy.ranged;
      expect(rest?.range).toMatch(/^bytes=[1-9]\d*-$/);
      expect(rest?.ifMatch).toBeDefined();
      expect(rest?.ifMatch).toBe(proxy.cutEtag());
      expect(resumed).toEqual(unbroken);
    } finally {
      storage = direct;
      await proxy.close();
    }
  });

  it('refuses a stored export that is not the one its manifest describes, and a truncated one', async () => {
    const { older, newer } = await storedPair();
    const writer = storeWriter(store, bucket, storage);
    const signal = new AbortController().signal;
    const put = (key: string, bytes: Uint8Array) =>
      writer.put(
        key,
        bytes,
        { contentType: 'application/gzip', retain: false, replace: true },
        signal,
      );
    const newBytes = await store.get(place, newer.key);
    // The newer export's bytes beside the older one's manifest.
    const swapped = `${PREFIX}/swapped/asana-graph-export-9.jsonl.gz`;
    await put(swapped, newBytes);
    await put(
      `${PREFIX}/swapped/asana-graph-export-9.manifest.json`,
      new TextEncoder().encode(JSON.stringify(older.manifest)),
    );
    await expect(compare({ oldObjectKey: older.key, newObjectKey: swapped })).rejects.toThrow(
      `The stored export asana-graph-export-9.jsonl.gz (${bucket}/${swapped}) is not intact: it does not match its manifest`,
    );
    const truncated = `${PREFIX}/truncated/asana-graph-export-9.jsonl.gz`;
    await put(truncated, newBytes.subarray(0, 200));
    await expect(compare({ oldObjectKey: older.key, newObjectKey: truncated })).rejects.toThrow(
      `The stored export asana-graph-export-9.jsonl.gz (${bucket}/${truncated}) is not intact: it is not a valid gzip file`,
    );
  });

  describe('refuses, naming the field, with no secret in the message', () => {
    async function failure(parameters: Record<string, unknown>) {
      const error = await compare(parameters).then(
        () => undefined,
        (thrown: unknown) => thrown as NodeOperationError,
      );
      expect(error).toBeInstanceOf(NodeOperationError);
      const shown = `${error?.message} ${error?.description ?? ''}`;
      expectOwnSecretsHidden(shown);
      expect(shown).not.toMatch(/sig=|X-Amz-Signature|Credential=/i);
      return shown;
    }

    it('a key that is not stored', async () => {
      const { newer } = await storedPair();
      const missing = `${PREFIX}/graph/1/20260101T000000Z/asana-graph-export-1.jsonl.gz`;
      expect(await failure({ oldObjectKey: missing, newObjectKey: newer.key })).toContain(
        `Invalid Old Object Key: ${bucket}/${missing} does not exist`,
      );
    });

    it.each([
      ['outside the prefix', 'elsewhere/x.jsonl.gz', 'is not below the prefix "backups/"'],
      ['with a line break', `${PREFIX}/x\n.jsonl.gz`, 'holds a control character'],
      ['naming a manifest', `${PREFIX}/x.manifest.json`, 'names a manifest, not an export'],
    ])('a key %s, before any request', async (_case, key, message) => {
      expect(await failure({ oldObjectKey: `${PREFIX}/a.jsonl.gz`, newObjectKey: key })).toContain(
        `Invalid New Object Key: ${message}`,
      );
      expect(opened.at(-1)?.requests).toEqual([]);
    });

    it('a target with no latest.json, or with one export only', async () => {
      const lone = String(nextTarget++);
      expect(
        await failure({ compareObjects: 'latest', compareKind: 'graph', compareTarget: lone }),
      ).toContain(`Invalid Target: ${bucket}/${PREFIX}/graph/${lone}/latest.json does not exist`);
      await storeExport(lone, 0);
      expect(
        await failure({ compareObjects: 'latest', compareKind: 'graph', compareTarget: lone }),
      ).toContain(
        `Invalid Target: no graph export of ${lone} with a manifest was stored before the latest`,
      );
    });

    it('a target that is not a gid, and a manifest option, which is for binary fields', async () => {
      expect(
        await failure({ compareObjects: 'latest', compareKind: 'graph', compareTarget: '12/../3' }),
      ).toContain('Invalid Target: "12/../3" is not a gid');
      expect(opened.at(-1)?.requests).toEqual([]);
      expect(await failure({ options: { oldManifest: { x: 1 } } })).toContain(
        'Invalid Old Manifest',
      );
      expect(await failure({ options: { requestTimeout: 0 } })).toContain(
        'Invalid Request Timeout (Seconds)',
      );
      expect(opened.at(-1)?.requests).toEqual([]);
    });
  });
});

/** Counts per type exactly the sandbox's tally of its revisions. */
function expectKnownChanges(report: DiffReport, changes: RevisionChanges | undefined): void {
  expect(changes).toBeDefined();
  const expected = changes as RevisionChanges;
  for (const [type, want] of Object.entries(expected.byResourceType)) {
    expect(report.byResourceType[type], type).toEqual(want);
  }
  expect(Object.keys(report.byResourceType).sort()).toEqual(
    Object.keys(expected.byResourceType).sort(),
  );
  expect(report.totals.added).toBeGreaterThan(0);
  expect(report.totals.removed).toBeGreaterThan(0);
  expect(report.totals.changed).toBeGreaterThan(0);
}

/** Our own store client over fetch, to put objects the node did not write (a tampered export). */
function storeWriter(store: TestStore, bucket: string, credential: IDataObject): ObjectStore {
  const http: StoreHttp = {
    async send(request) {
      const response = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        signal: request.signal,
        redirect: 'manual',
      });
      return {
        status: response.status,
        headers: Object.fromEntries(response.headers),
        body: await response.text(),
      };
    },
  };
  const common = { http, clock: n8nClock, random: Math.random };
  if (store.kind === 's3') {
    return createS3Store({
      ...common,
      bucket,
      region: String(credential.region),
      endpoint: String(credential.endpoint),
      pathStyle: true,
      credentials: async () => ({
        accessKeyId: String(credential.accessKeyId),
        secretAccessKey: String(credential.secretAccessKey),
      }),
    });
  }
  return createAzureStore({
    ...common,
    account: String(credential.account),
    container: bucket,
    endpoint: String(credential.blobEndpoint),
    auth: { type: 'sas', token: String(credential.sasToken) },
  });
}
