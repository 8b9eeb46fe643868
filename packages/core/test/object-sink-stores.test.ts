import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { storesUnderTest, type TestStore } from '@asana-exports/test-stores';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../src/node/clock.js';
import { GzipVerifier } from '../src/node/gzip-verifier.js';
import { copyStoredObject, storeFile } from '../src/node/store-file.js';
import { createUndiciStoreHttp } from '../src/node/store-http.js';
import { createAzureStore } from '../src/protocol/azure-store.js';
import { IntegrityError, LocalFileError, ObjectStoreError } from '../src/protocol/errors.js';
import { createObjectSink } from '../src/protocol/object-sink.js';
import type { ObjectReader, ObjectStore } from '../src/protocol/object-store.js';
import { createS3Store } from '../src/protocol/s3-store.js';

// The object sink over our own S3 and Azure clients, against the real stores, with parts small
// enough that a failed export has parts in the store when it fails: the abort must remove them.
const stores = storesUnderTest();
const MIB = 1024 * 1024;
const dispatcher = new Agent();
afterAll(async () => {
  await dispatcher.close();
});

function storeFor(test: TestStore, place: string): ObjectStore & ObjectReader {
  const http = createUndiciStoreHttp({ dispatcher });
  const context = { http, clock: systemClock, random: Math.random };
  const [, , container = ''] = place.split('/');
  if (test.kind === 's3') {
    const server = (
      test as TestStore & {
        server: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string };
      }
    ).server;
    return createS3Store({
      ...context,
      bucket: place.slice('s3://'.length).split('/')[0] ?? '',
      region: server.region,
      endpoint: server.endpoint,
      credentials: async () => ({
        accessKeyId: server.accessKeyId,
        secretAccessKey: server.secretAccessKey,
      }),
    });
  }
  const server = (
    test as TestStore & { server: { blobEndpoint: string; account: string; accountKey: string } }
  ).server;
  return createAzureStore({
    ...context,
    account: server.account,
    container: place.slice('azure://'.length).split('/')[1] ?? container,
    endpoint: server.blobEndpoint,
    auth: { type: 'shared-key', accountKey: server.accountKey },
  });
}

describe.each(stores)('object sink into %s', (_name, start) => {
  let test: TestStore;
  beforeAll(async () => {
    test = await start();
  }, 180_000);
  afterAll(async () => {
    await test?.stop();
  });

  async function upload(place: string, file: Uint8Array) {
    const store = storeFor(test, place);
    const sink = createObjectSink({
      store,
      key: 'backups/x.jsonl.gz',
      fileName: 'x.jsonl.gz',
      contentType: 'application/gzip',
      createVerifier: () => new GzipVerifier({ format: 'jsonl', validateJson: false }),
      partBytes: 5 * MIB,
      concurrency: 2,
      signal: new AbortController().signal,
      clock: systemClock,
    });
    await sink.begin({ etag: undefined, lastModified: undefined, totalBytes: undefined }, 0);
    try {
      for (let at = 0; at < file.byteLength; at += MIB)
        await sink.write(file.subarray(at, at + MIB));
      return await sink.commit();
    } catch (error) {
      await sink.discard(false);
      throw error;
    }
  }

  // Random bytes do not compress: the gzip file is as large as they are, so it spans parts.
  const lines = () =>
    new TextEncoder().encode(
      `${randomBytes(9 * MIB)
        .toString('base64')
        .replace(/(.{1000})/g, '$1\n')}\n`,
    );

  it('publishes a file of several parts, each part as sent', async () => {
    const place = await test.newPlace();
    const file = gzipSync(lines(), { level: 0 });
    const stored = await upload(place, file);
    expect(stored.parts).toBeGreaterThan(2);
    expect(
      Buffer.compare(Buffer.from(await test.get(place, 'backups/x.jsonl.gz')), Buffer.from(file)),
    ).toBe(0);
    expect(await test.incomplete(place)).toEqual([]);
  });

  it.runIf(_name.startsWith('S3'))(
    'aborts when the store refuses a part in the middle, leaving nothing',
    async () => {
      const place = await test.newPlace();
      await test.refuseWritesOver?.(place, 6 * MIB);
      const failure = await upload(place, gzipSync(lines(), { level: 0 })).catch(
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(ObjectStoreError);
      expect((failure as ObjectStoreError).operation).toBe('UploadPart');
      expect((failure as ObjectStoreError).code).toBe('QuotaExceeded');
      expect((failure as ObjectStoreError).hint).toMatch(/quota is used up/);
      expect(await test.list(place)).toEqual([]);
      expect(await test.incomplete(place)).toEqual([]);
    },
  );

  it('leaves neither an object nor staged parts when the file fails its check at the end', async () => {
    const place = await test.newPlace();
    const whole = gzipSync(lines(), { level: 0 });
    const truncated = whole.subarray(0, whole.byteLength - 100);
    await expect(upload(place, truncated)).rejects.toBeInstanceOf(IntegrityError);
    expect(await test.list(place)).toEqual([]);
    expect(await test.incomplete(place)).toEqual([]);
  });
});

// A local file beside an export (the action's Parquet tables): the same sink, read from disk.
describe.each(stores)('storeFile and copyStoredObject with %s', (_name, start) => {
  let test: TestStore;
  let dir: string;
  beforeAll(async () => {
    test = await start();
    dir = mkdtempSync(join(tmpdir(), 'store-file-'));
  }, 180_000);
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await test?.stop();
  });
  const options = { contentType: 'application/vnd.apache.parquet', clock: systemClock };

  it('stores a file of two parts byte for byte, and copies it back to a new file only', async () => {
    const place = await test.newPlace();
    const store = storeFor(test, place);
    const bytes = randomBytes(20 * MIB);
    const path = join(dir, `${test.kind}-table.parquet`);
    writeFileSync(path, bytes);
    const signal = new AbortController().signal;
    const stored = await storeFile(store, 'backups/x.task.parquet', path, { ...options, signal });
    expect(stored.parts).toBe(2);
    expect(stored.key).toBe('backups/x.task.parquet');
    const got = Buffer.from(await test.get(place, 'backups/x.task.parquet'));
    expect(Buffer.compare(got, bytes)).toBe(0);
    expect(await test.incomplete(place)).toEqual([]);

    const copy = join(dir, `${test.kind}-copy.parquet`);
    expect(await copyStoredObject(store, 'backups/x.task.parquet', copy, signal)).toBe(true);
    expect(Buffer.compare(readFileSync(copy), bytes)).toBe(0);
    // Never over a file that is there: the copy fails and the file keeps its bytes.
    writeFileSync(copy, 'mine');
    await expect(
      copyStoredObject(store, 'backups/x.task.parquet', copy, signal),
    ).rejects.toBeInstanceOf(LocalFileError);
    expect(readFileSync(copy, 'utf8')).toBe('mine');
    expect(await copyStoredObject(store, 'backups/none', join(dir, 'none'), signal)).toBe(false);
  });

  it('leaves nothing in the store when the run is stopped mid-file, or the file is missing', async () => {
    const place = await test.newPlace();
    const store = storeFor(test, place);
    const path = join(dir, `${test.kind}-big.parquet`);
    writeFileSync(path, randomBytes(40 * MIB));
    const stop = new AbortController();
    const stored = storeFile(store, 'backups/big.parquet', path, {
      ...options,
      signal: stop.signal,
    });
    setTimeout(() => stop.abort(new Error('stopped')), 50);
    await expect(stored).rejects.toBeDefined();
    await expect(
      storeFile(store, 'backups/gone.parquet', join(dir, 'gone'), {
        ...options,
        signal: new AbortController().signal,
      }),
    ).rejects.toBeInstanceOf(LocalFileError);
    expect(await test.list(place)).toEqual([]);
    expect(await test.incomplete(place)).toEqual([]);
  });
});
