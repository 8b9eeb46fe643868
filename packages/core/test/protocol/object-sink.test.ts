import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAgeDecryptor } from '../../src/protocol/age.js';
import { parseAgeIdentities } from '../../src/protocol/age-keys.js';
import { IntegrityError, ObjectStoreError } from '../../src/protocol/errors.js';
import {
  createObjectSink,
  type ObjectSinkOptions,
  type StreamVerifier,
} from '../../src/protocol/object-sink.js';
import type { ObjectStore, PartUpload } from '../../src/protocol/object-store.js';
import type { Clock } from '../../src/protocol/ports.js';

// A unit test of the sink alone: the store is an in-memory recorder of what the sink asked for.
// The real stores (radosgw, Azurite) are exercised end to end in test/store-destination.test.ts.

const MIB = 1024 * 1024;
const object = { etag: '"e"', lastModified: undefined, totalBytes: undefined };
const clock: Clock = { now: () => 0, sleep: async () => {} };

interface Recorded {
  uploads: Array<{
    key: string;
    parts: Map<number, Uint8Array>;
    completed: number | undefined;
    aborted: boolean;
  }>;
  maxInFlight: number;
}

function memoryStore(
  options: { failPart?: number; partDelayMs?: number } = {},
): ObjectStore & { recorded: Recorded } {
  const recorded: Recorded = { uploads: [], maxInFlight: 0 };
  let inFlight = 0;
  return {
    recorded,
    label: 'S3',
    minPartBytes: 5 * MIB,
    maxParts: 10_000,
    location: (key) => `bucket/${key}`,
    objectUrl: (key) => `https://store.test/bucket/${key}`,
    probe: async () => {},
    exists: async () => false,
    readText: async () => undefined,
    put: async () => ({ versionId: undefined }),
    async startUpload(key): Promise<PartUpload> {
      const upload = {
        key,
        parts: new Map<number, Uint8Array>(),
        completed: undefined as number | undefined,
        aborted: false,
      };
      recorded.uploads.push(upload);
      return {
        async uploadPart(number, bytes) {
          inFlight += 1;
          recorded.maxInFlight = Math.max(recorded.maxInFlight, inFlight);
          await new Promise((resolve) => setTimeout(resolve, options.partDelayMs ?? 1));
          inFlight -= 1;
          if (number === options.failPart) {
            throw new ObjectStoreError({
              store: 'S3',
              reason: 'denied',
              operation: 'UploadPart',
              location: `bucket/${key}`,
              status: 403,
              code: 'AccessDenied',
            });
          }
          upload.parts.set(number, bytes.slice());
        },
        async complete(count) {
          upload.completed = count;
          return { versionId: 'v1' };
        },
        async abort() {
          upload.aborted = true;
        },
      };
    },
  };
}

/** Accepts everything, or fails at the end, as a gzip check of a truncated file would. */
function verifier(failAtEnd = false): () => StreamVerifier {
  return () => ({
    write: async () => {},
    end: async () => {
      if (failAtEnd) throw new IntegrityError('the gzip stream ended before the file did');
      return { records: 3, byResourceType: undefined };
    },
    destroy: () => {},
  });
}

function bytes(length: number): Uint8Array {
  return new Uint8Array(randomBytes(length));
}

/** The sink under test, with the options a test does not care about filled in. */
function sinkFor(store: ObjectStore, options: Partial<ObjectSinkOptions> = {}) {
  return createObjectSink({
    store,
    key: 'k',
    fileName: 'x.jsonl.gz',
    contentType: 'application/gzip',
    createVerifier: verifier(),
    signal: new AbortController().signal,
    clock,
    ...options,
  });
}

function sha(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function joined(parts: Map<number, Uint8Array>): Uint8Array {
  const ordered = [...parts.entries()].sort(([a], [b]) => a - b).map(([, part]) => part);
  const out = new Uint8Array(ordered.reduce((sum, part) => sum + part.byteLength, 0));
  let at = 0;
  for (const part of ordered) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

async function feed(
  sink: { write(chunk: Uint8Array): Promise<void> },
  data: Uint8Array,
  chunk = 300_001,
) {
  for (let at = 0; at < data.byteLength; at += chunk)
    await sink.write(data.subarray(at, at + chunk));
}

describe('object sink', () => {
  it('uploads parts a few at a time and completes only after the check', async () => {
    const store = memoryStore();
    const sink = sinkFor(store, { key: 'k/x.jsonl.gz', partBytes: 5 * MIB, concurrency: 2 });
    const data = bytes(23 * MIB + 17);
    await sink.begin(object, 0);
    await feed(sink, data);
    const [upload] = store.recorded.uploads;
    expect(upload?.completed).toBeUndefined();
    const stored = await sink.commit();
    expect(upload?.completed).toBe(5);
    expect([...(upload?.parts.values() ?? [])].map((part) => part.byteLength)).toEqual([
      5 * MIB,
      5 * MIB,
      5 * MIB,
      5 * MIB,
      3 * MIB + 17,
    ]);
    expect(sha(joined(upload?.parts ?? new Map()))).toBe(sha(data));
    expect(store.recorded.maxInFlight).toBeLessThanOrEqual(2);
    expect(stored).toMatchObject({
      key: 'k/x.jsonl.gz',
      location: 'bucket/k/x.jsonl.gz',
      versionId: 'v1',
      parts: 5,
      records: { records: 3 },
    });
  });

  it('aborts instead of completing when the check fails at the end', async () => {
    const store = memoryStore();
    const sink = sinkFor(store, { createVerifier: verifier(true) });
    await sink.begin(object, 0);
    await feed(sink, bytes(6 * MIB));
    await expect(sink.commit()).rejects.toBeInstanceOf(IntegrityError);
    await sink.discard(false);
    expect(store.recorded.uploads[0]).toMatchObject({ completed: undefined, aborted: true });
  });

  it("stops the download with the store's refusal of a part, and aborts", async () => {
    const store = memoryStore({ failPart: 2 });
    const sink = sinkFor(store, { partBytes: 5 * MIB, concurrency: 1 });
    await sink.begin(object, 0);
    const failure = await feed(sink, bytes(40 * MIB))
      .then(() => sink.commit())
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ObjectStoreError);
    await sink.discard(false);
    expect(store.recorded.uploads[0]).toMatchObject({ completed: undefined, aborted: true });
  });

  it('starts a new upload after a reset, aborting the old one', async () => {
    const store = memoryStore();
    const sink = sinkFor(store);
    await sink.begin(object, 0);
    await feed(sink, bytes(7 * MIB));
    await sink.reset();
    const second = bytes(2 * MIB);
    await sink.begin(object, 0);
    await feed(sink, second);
    await sink.commit();
    expect(store.recorded.uploads.map((upload) => [upload.aborted, upload.completed])).toEqual([
      [true, undefined],
      [false, 1],
    ]);
    expect(sha(joined(store.recorded.uploads[1]?.parts ?? new Map()))).toBe(sha(second));
  });

  it('appends a transfer resumed within the run, and refuses a gap', async () => {
    const store = memoryStore();
    const sink = sinkFor(store);
    const data = bytes(9 * MIB);
    await sink.begin(object, 0);
    await feed(sink, data.subarray(0, 4 * MIB));
    await expect(sink.begin(object, 3 * MIB)).rejects.toThrow(/took 4194304 bytes, not 3145728/);
    await sink.begin(object, 4 * MIB);
    await feed(sink, data.subarray(4 * MIB));
    await sink.commit();
    expect(sha(joined(store.recorded.uploads[0]?.parts ?? new Map()))).toBe(sha(data));
  });

  it("sizes parts so that an export of known size fits the store's part count", async () => {
    const store = memoryStore();
    const sink = sinkFor(store, { partBytes: 5 * MIB });
    // 200 GB in 5 MiB parts would be 38,147 parts; S3 takes 10,000.
    await sink.begin({ ...object, totalBytes: 200e9 }, 0);
    await feed(sink, bytes(30 * MIB), 8 * MIB);
    await sink.commit();
    const sizes = [...(store.recorded.uploads[0]?.parts.values() ?? [])].map(
      (part) => part.byteLength,
    );
    expect(sizes[0]).toBeGreaterThanOrEqual(Math.ceil((200e9 * 1.01) / 9000));
    expect((sizes[0] ?? 1) % MIB).toBe(0);
  });

  it('uploads only ciphertext when encrypting, and it decrypts to the download', async () => {
    const secret = 'AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX';
    const [identity] = parseAgeIdentities('identity', secret);
    if (!identity) throw new Error('no identity');
    const store = memoryStore();
    const sink = sinkFor(store, {
      key: 'k/x.jsonl.gz.age',
      contentType: 'application/vnd.age',
      encryptTo: [identity.recipient],
    });
    const data = bytes(11 * MIB + 5);
    await sink.begin(object, 0);
    await feed(sink, data);
    const stored = await sink.commit();
    const cipher = joined(store.recorded.uploads[0]?.parts ?? new Map());
    expect(cipher.byteLength).toBe(stored.encryption?.file.bytes);
    expect(stored.encryption?.file.name).toBe('x.jsonl.gz.age');
    const decryptor = createAgeDecryptor([identity]);
    const plain = [...decryptor.update(cipher), ...decryptor.final()];
    expect(sha(joined(new Map(plain.map((piece, index) => [index + 1, piece]))))).toBe(sha(data));
  });
});
