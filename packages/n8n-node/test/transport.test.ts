import {
  DEFAULT_DOWNLOAD_POLICY,
  downloadExport,
  type ExportRef,
  IntegrityError,
  TransportError,
} from '@asana-exports/core/protocol';
import { type Sandbox, startSandbox } from '@asana-exports/sandbox';
import { NodeOperationError } from 'n8n-workflow';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { toNodeError } from '../nodes/AsanaExport/errors';
import { binaryFileFor } from '../nodes/AsanaExport/output';
import { BinaryDownload } from '../nodes/AsanaExport/transport/binaryDownload';
import { Channel } from '../nodes/AsanaExport/transport/channel';
import { RecordsSink, TooManyRecordsError } from '../nodes/AsanaExport/transport/recordsSink';
import { createRuntime } from '../nodes/AsanaExport/transport/runtime';
import { createStreamSource } from '../nodes/AsanaExport/transport/streamSource';
import { createHash, type FakeContext, fakeContext, gzipSync } from './support/fakeContext.mts';
import { gunzippedSha256Of } from './support/files.mts';

/**
 * The node's adapters over (stand-ins of) n8n's helpers, against the sandbox: the core's
 * downloader drives them, faults are injected on the download host.
 */
let sandbox: Sandbox;
const opened: FakeContext[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ scenario: { durationMs: 50, contentBytes: 512 * 1024 } });
});
afterAll(() => sandbox.close());
afterEach(async () => {
  await Promise.all(opened.splice(0).map((fake) => fake.close()));
  sandbox.configure({ corruption: 'none', ignoreRange: false });
});

async function setUp(options: Partial<Parameters<typeof fakeContext>[0]> = {}) {
  const fake = await fakeContext({
    parameters: { authentication: 'accessToken' },
    credentials: { accessToken: sandbox.token, baseUrl: sandbox.apiUrl },
    ...options,
  });
  opened.push(fake);
  const runtime = await createRuntime(fake.context);
  return { fake, runtime };
}

async function finishedGraphExport(runtime: Awaited<ReturnType<typeof setUp>>['runtime']) {
  const created = await runtime.client.create(
    { kind: 'graph', parent: '1600000000000001' },
    runtime.signal,
  );
  const ref: ExportRef = { kind: created.kind, gid: created.gid };
  const status = await runtime.client.waitUntilDone(ref, {
    signal: runtime.signal,
    initial: created,
    poll: {
      initialIntervalMs: 20,
      maxIntervalMs: 50,
      multiplier: 1.5,
      jitterRatio: 0,
      timeoutMs: 10_000,
    },
  });
  return { ref, status };
}

async function downloadBinary(setup: Awaited<ReturnType<typeof setUp>>, decompress = false) {
  const { fake, runtime } = setup;
  const { ref, status } = await finishedGraphExport(runtime);
  const binary = new BinaryDownload(fake.context, runtime.signal);
  const result = await downloadExport({
    client: runtime.client,
    ref,
    source: binary,
    sink: binary.prepare(
      binaryFileFor(status, { binaryPropertyName: 'data', decompress, fileName: '' }),
    ),
    clock: runtime.clock,
    random: () => 0,
    signal: runtime.signal,
    policy: QUICK_DOWNLOAD,
  });
  return { ref, result, expected: await sandbox.exportFile(ref.gid) };
}

/** Retries that do not make a test wait. */
const QUICK_DOWNLOAD = {
  ...DEFAULT_DOWNLOAD_POLICY,
  retry: { maxAttempts: 4, maxElapsedMs: 10_000, baseDelayMs: 1, maxDelayMs: 5 },
};

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('streaming into n8n’s binary data store', () => {
  it('stores the export byte for byte, with size, SHA-256 and records from the core', async () => {
    const setup = await setUp();
    const { result, expected } = await downloadBinary(setup);
    const stored = await setup.fake.stored(result.sink.binary);
    expect(sha256(stored)).toBe(expected.sha256);
    expect(result.sha256).toBe(expected.sha256);
    expect(result.bytes).toBe(expected.bytes);
    expect(result.sink.binary.bytes).toBe(expected.bytes);
    expect(result.sink.records.records).toBe(expected.records);
    expect(result.sink.records.byResourceType).toEqual(expected.byResourceType);
    expect(result.sink.binary.mimeType).toBe('application/gzip');
    expect(result.sink.fileName).toMatch(/^asana-graph-export-\d+\.jsonl\.gz$/);
  });

  it('never sends the Asana token to the download host', async () => {
    const setup = await setUp();
    await downloadBinary(setup);
    const downloads = setup.fake.requests.filter((request) => !request.url.startsWith('/api/'));
    expect(downloads.length).toBeGreaterThan(0);
    expect(downloads.every((request) => !request.authorized)).toBe(true);
    expect(sandbox.downloadAuthViolations).toEqual([]);
  });

  it('stores the decompressed file when asked', async () => {
    const setup = await setUp();
    const { result, expected } = await downloadBinary(setup, true);
    const stored = await setup.fake.stored(result.sink.binary);
    expect(sha256(stored)).toBe(await gunzippedSha256Of(expected.path));
    expect(result.sink.binary.mimeType).toBe('application/x-ndjson');
    expect(result.sink.fileName).toMatch(/\.jsonl$/);
  });

  it('works the same with n8n’s database mode, which reads with data events', async () => {
    const setup = await setUp({ binaryMode: 'database' });
    const { result, expected } = await downloadBinary(setup);
    expect(sha256(await setup.fake.stored(result.sink.binary))).toBe(expected.sha256);
  });

  it('starts over when the transfer breaks, since n8n cannot append to a stored file', async () => {
    const setup = await setUp();
    sandbox.inject({ route: 'download', reset: 'mid-body', afterBytes: 10_000 });
    const { result, expected } = await downloadBinary(setup);
    expect(sha256(await setup.fake.stored(result.sink.binary))).toBe(expected.sha256);
    const downloads = setup.fake.requests.filter((request) => !request.url.startsWith('/api/'));
    expect(downloads).toHaveLength(2);
    expect(downloads.every((request) => request.range === undefined)).toBe(true);
  });

  it('fetches a fresh link when the presigned one has expired', async () => {
    const setup = await setUp();
    sandbox.inject({ route: 'download', expireLink: true });
    const { result, expected } = await downloadBinary(setup);
    expect(sha256(await setup.fake.stored(result.sink.binary))).toBe(expected.sha256);
  });

  it('rejects a corrupt file instead of passing it on', async () => {
    const setup = await setUp();
    sandbox.configure({ corruption: 'bad-crc' });
    await expect(downloadBinary(setup)).rejects.toThrow(IntegrityError);
  });

  it('says what to change when n8n’s database mode refuses a large file, without retrying', async () => {
    const setup = await setUp({ binaryMode: 'database', maxBytes: 1_000 });
    const error = await downloadBinary(setup).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('FileTooLargeError');
    const downloads = setup.fake.requests.filter((request) => !request.url.startsWith('/api/'));
    expect(downloads).toHaveLength(1);
    const nodeError = toNodeError(setup.fake.context.getNode(), error, 0);
    expect(nodeError).toBeInstanceOf(NodeOperationError);
    expect(nodeError.description).toContain('N8N_DEFAULT_BINARY_DATA_MODE=filesystem');
    expect(nodeError.description).toContain('512 MiB');
  });
});

describe('splitting into items', () => {
  async function downloadRecords(limit: number) {
    const { fake, runtime } = await setUp();
    const { ref } = await finishedGraphExport(runtime);
    const result = await downloadExport({
      client: runtime.client,
      ref,
      source: createStreamSource(fake.context),
      sink: new RecordsSink('file.jsonl.gz', limit),
      clock: runtime.clock,
      random: () => 0,
      signal: runtime.signal,
      policy: QUICK_DOWNLOAD,
    });
    return { result, expected: await sandbox.exportFile(ref.gid), fake };
  }

  it('outputs one item per record, resuming a broken transfer with Range', async () => {
    sandbox.inject({ route: 'download', reset: 'mid-body', afterBytes: 20_000 });
    const { result, expected, fake } = await downloadRecords(100_000);
    expect(result.sink.items).toHaveLength(expected.records);
    expect(result.sink.items.filter((item) => item.resource_type === 'task')).toHaveLength(
      expected.byResourceType.task ?? -1,
    );
    expect(fake.requests.some((request) => request.range?.startsWith('bytes=') === true)).toBe(
      true,
    );
  });

  it('stops past Max Records with an error that says what to do', async () => {
    const error = await downloadRecords(3).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(TooManyRecordsError);
    const nodeError = toNodeError({ name: 'n' } as never, error, 0);
    expect(nodeError.message).toBe('The export has more than 3 records');
    expect(nodeError.description).toContain('Raise Max Records');
  });

  it('reports a line that is not JSON, by number', async () => {
    const sink = new RecordsSink('x.jsonl.gz', 10);
    await sink.write(gzipSync(Buffer.from('{"a":1}\nnot json\n')));
    await expect(sink.commit()).rejects.toThrow('line 2 is not valid JSON');
  });

  it('starts over on reset and keeps values that are not objects', async () => {
    const sink = new RecordsSink('x.jsonl.gz', 10);
    await sink.write(gzipSync(Buffer.from('{"a":1}\n')).subarray(0, 5));
    await sink.reset();
    const data = gzipSync(Buffer.from('{"a":1}\r\n\n[1,2]\n"text"'));
    await sink.write(data.subarray(0, 7));
    await sink.write(data.subarray(7));
    const { items } = await sink.commit();
    expect(items).toEqual([{ a: 1 }, { value: [1, 2] }, { value: 'text' }]);
  });
});

describe('Channel', () => {
  it('hands items over one at a time, then ends', async () => {
    const channel = new Channel<number>();
    const received: number[] = [];
    const consumer = (async () => {
      for await (const item of channel) received.push(item);
    })();
    await channel.push(1);
    await channel.push(2);
    channel.close();
    await consumer;
    expect(received).toEqual([1, 2]);
    await expect(channel.push(3)).rejects.toThrow(RangeError);
  });

  it('fails pending pushes and the consumer alike', async () => {
    const channel = new Channel<number>();
    const pending = channel.push(1);
    const failure = new TransportError('x', 'ECONNRESET');
    channel.fail(failure);
    await expect(pending).rejects.toBe(failure);
    await expect(
      (async () => {
        for await (const _ of channel) return;
      })(),
    ).rejects.toBe(failure);
  });
});
