import {
  ageCiphertextSize,
  DEFAULT_DOWNLOAD_POLICY,
  downloadExport,
  type ExportRef,
  InputError,
  IntegrityError,
  manifestSchema,
} from '@asana-exports/core/protocol';
import { type Sandbox, startSandbox } from '@asana-exports/sandbox';
import type { IBinaryData, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { AsanaExport } from '../nodes/AsanaExport/AsanaExport.node';
import { binaryFileFor } from '../nodes/AsanaExport/output';
import { readFileOptions } from '../nodes/AsanaExport/params';
import { BinaryDownload } from '../nodes/AsanaExport/transport/binaryDownload';
import { createRuntime } from '../nodes/AsanaExport/transport/runtime';
import {
  type AgeKey,
  ageDecrypt,
  describeWithAge,
  expectEncryptedManifest,
  jsonlRecords,
  makeAgeKey,
} from './support/age.mts';
import { createHash, type FakeContext, fakeContext } from './support/fakeContext.mts';
import { removeDir, tempDir } from './support/files.mts';

/**
 * Encrypt To: the node's binary output is age ciphertext that Debian's `age -d` opens to the very
 * file the sandbox served, with the manifest describing both; bad keys stop the node before any
 * request. Over (stand-ins of) n8n's helpers; e2e-encryption.test.ts does it in a real n8n.
 */
let sandbox: Sandbox;
let keys: string;
let alice: AgeKey;
let bob: AgeKey;
const opened: FakeContext[] = [];
const node = new AsanaExport();
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const AGE_HEADER = 'age-encryption.org/v1\n';
let parent = 1_810_000_000_000_000;

beforeAll(async () => {
  sandbox = await startSandbox({ scenario: { durationMs: 50, contentBytes: 512 * 1024 } });
});
afterAll(async () => {
  await sandbox.close();
  if (keys !== undefined) await removeDir(keys);
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((fake) => fake.close()));
  sandbox.configure({ corruption: 'none' });
  expect(sandbox.downloadAuthViolations).toEqual([]);
});

async function setUp(parameters: Record<string, unknown>) {
  const fake = await fakeContext({
    parameters: { authentication: 'accessToken', ...parameters },
    credentials: { accessToken: sandbox.token, baseUrl: sandbox.apiUrl },
  });
  opened.push(fake);
  return fake;
}

/** A graph export the sandbox has finished, and what it serves. */
async function finishedExport(): Promise<{ ref: ExportRef; gid: string }> {
  parent++;
  const gid = await sandbox.startExport({ parent: String(parent) });
  await expect
    .poll(async () => {
      const response = await fetch(`${sandbox.apiUrl}/jobs/${gid}`, {
        headers: { authorization: `Bearer ${sandbox.token}` },
      });
      return ((await response.json()) as { data: { status: string } }).data.status;
    })
    .toBe('succeeded');
  return { ref: { kind: 'graph', gid }, gid };
}

/** The core's downloader into the node's sink, as Download runs it, encrypted to `recipients`. */
async function downloadEncrypted(recipients: string) {
  const fake = await setUp({ options: { encryptTo: recipients } });
  const runtime = await createRuntime(fake.context);
  const { ref } = await finishedExport();
  const binary = new BinaryDownload(fake.context, runtime.signal);
  const result = await downloadExport({
    client: runtime.client,
    ref,
    source: binary,
    sink: binary.prepare(binaryFileFor(ref, readFileOptions(fake.context, 0))),
    clock: runtime.clock,
    random: () => 0,
    signal: runtime.signal,
    policy: {
      ...DEFAULT_DOWNLOAD_POLICY,
      retry: { maxAttempts: 4, maxElapsedMs: 10_000, baseDelayMs: 1, maxDelayMs: 5 },
    },
  });
  const stored = await fake.stored(result.sink.binary);
  return { fake, result, stored, expected: await sandbox.exportFile(ref.gid) };
}

describeWithAge('Encrypt To (Age Recipients)', () => {
  beforeAll(async () => {
    keys = await tempDir('asana-n8n-keys-');
    alice = await makeAgeKey(keys, 'alice');
    bob = await makeAgeKey(keys, 'bob');
  });

  it('stores only age ciphertext, which each recipient decrypts to the served file', async () => {
    const { result, stored, expected } = await downloadEncrypted(
      `${alice.publicKey}\n${bob.publicKey}`,
    );
    expect(Buffer.from(stored.subarray(0, AGE_HEADER.length)).toString('latin1')).toBe(AGE_HEADER);
    for (const key of [alice, bob]) {
      const plain = ageDecrypt(key.identityFile, stored);
      expect(sha256(plain)).toBe(expected.sha256);
      expect(jsonlRecords(plain)).toBe(expected.records);
    }
    // The manifest's facts: the plaintext's as downloaded, the ciphertext's as n8n stored it.
    expect(result.sha256).toBe(expected.sha256);
    expect(result.sink.records.records).toBe(expected.records);
    expect(result.sink.fileName).toMatch(/^asana-graph-export-\d+\.jsonl\.gz$/);
    expect(result.sink.encryption).toEqual({
      format: 'age',
      recipients: [alice.publicKey, bob.publicKey],
      file: { name: `${result.sink.fileName}.age`, bytes: stored.length, sha256: sha256(stored) },
    });
    expect(stored.length).toBe(ageCiphertextSize(expected.bytes, 2));
    expect(result.sink.binary).toMatchObject({
      fileName: `${result.sink.fileName}.age`,
      mimeType: 'application/vnd.age',
      bytes: stored.length,
    });
  });

  it('starts the ciphertext over with a fresh file key when the transfer breaks', async () => {
    // Well inside the gzip of 512 KiB of records, whatever the generator writes: 100 000 bytes
    // stopped being inside it when the sandbox's records changed (GENERATOR_VERSION 3).
    const afterBytes = 16_384;
    sandbox.inject({ route: 'download', reset: 'mid-body', afterBytes });
    const { fake, stored, expected, result } = await downloadEncrypted(alice.publicKey);
    expect(expected.bytes).toBeGreaterThan(afterBytes);
    const downloads = fake.requests.filter((request) => !request.url.startsWith('/api/'));
    expect(downloads).toHaveLength(2);
    expect(sha256(ageDecrypt(alice.identityFile, stored))).toBe(expected.sha256);
    expect(result.sink.encryption?.file.sha256).toBe(sha256(stored));
  });

  it('passes nothing on when the served file is corrupt', async () => {
    sandbox.configure({ corruption: 'bad-crc' });
    await expect(downloadEncrypted(alice.publicKey)).rejects.toThrow(IntegrityError);
  });

  it('outputs the manifest with its encryption section, and the .age file, from Download', async () => {
    const { gid } = await finishedExport();
    const fake = await setUp({
      operation: 'download',
      kind: 'graph',
      gid,
      binaryPropertyName: 'backup',
      options: { encryptTo: `${alice.publicKey}, ${bob.publicKey}`, fileName: 'nightly.jsonl.gz' },
    });
    const [[item]] = (await node.execute.call(fake.context)) as [[INodeExecutionData]];
    const manifest = manifestSchema.parse(item?.json);
    const binary = item?.binary?.backup as IBinaryData;
    const stored = await fake.stored(binary);
    const expected = await sandbox.exportFile(gid);
    expect(binary.fileName).toBe('nightly.jsonl.gz.age');
    expectEncryptedManifest(
      manifest,
      { ...expected, name: 'nightly.jsonl.gz' },
      [alice.publicKey, bob.publicKey],
      { bytes: stored.length, sha256: sha256(stored) },
    );
    expect(sha256(ageDecrypt(bob.identityFile, stored))).toBe(manifest.file.sha256);
    expect(JSON.stringify(item)).not.toContain('AGE-SECRET-KEY');
  });

  it.each([
    ['Download', { operation: 'download', kind: 'graph', gid: '1810000000000001' }],
    [
      'Create with Wait for Completion',
      { operation: 'create', kind: 'graph', parent: '1810000000000002' },
    ],
  ])(
    '%s: refuses a key with a typo before any request, naming the field and the fix',
    async (_, parameters) => {
      const typo = `${alice.publicKey.slice(0, -1)}${alice.publicKey.endsWith('q') ? 'p' : 'q'}`;
      const fake = await setUp({
        ...parameters,
        options: { encryptTo: `${bob.publicKey}\n${typo}` },
      });
      const error = await node.execute.call(fake.context).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(NodeOperationError);
      const { message, description } = error as NodeOperationError;
      expect(message).toContain('Invalid Encrypt To (Age Recipients)');
      expect(message).toContain('(line 2) is not an age recipient');
      expect(description).toContain('age-keygen');
      expect(fake.requests).toEqual([]);
    },
  );

  it('never repeats a secret key pasted in place of a public key', async () => {
    const fake = await setUp({
      operation: 'download',
      kind: 'graph',
      gid: '1810000000000003',
      options: { encryptTo: alice.secretKey },
    });
    const error = (await node.execute.call(fake.context).catch((thrown: unknown) => thrown)) as
      | NodeOperationError
      | undefined;
    expect(error?.message).toContain('is a secret key');
    expect(error?.description).toContain('age-keygen -y');
    const secretBody = alice.secretKey.slice('AGE-SECRET-KEY-1'.length);
    expect(JSON.stringify({ ...error, message: error?.message })).not.toContain(secretBody);
    expect(fake.requests).toEqual([]);
  });
});

it('reads recipients one per line or comma-separated, with comments, or as an array', async () => {
  const first = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
  const second = 'age18kkwvm5v2a0h3r5ghrjr0ml4wddw0w7v2vzpajj06zsz29yk3ckquzj4ur';
  const read = async (encryptTo: unknown) =>
    readFileOptions((await setUp({ options: { encryptTo } })).context, 0).encryptTo;
  expect(await read(`# the vault\n${first}\n\n${second}, ${first}\n`)).toEqual([
    { publicKey: first },
    { publicKey: second },
  ]);
  expect(await read([first, second])).toEqual([{ publicKey: first }, { publicKey: second }]);
  expect(await read('')).toBeUndefined();
  expect(await read('  \n')).toBeUndefined();
  await expect(read('# nobody')).rejects.toThrow('names no recipient');
});

it('refuses Decompress with Encrypt To: the manifest describes the gzip file', async () => {
  const fake = await setUp({
    options: {
      decompress: true,
      encryptTo: 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p',
    },
  });
  const error = (() => {
    try {
      readFileOptions(fake.context, 0);
    } catch (thrown) {
      return thrown;
    }
  })();
  expect(error).toBeInstanceOf(InputError);
  expect((error as InputError).message).toBe(
    'Invalid Encrypt To (Age Recipients): cannot be combined with Decompress',
  );
  expect((error as InputError).hint).toContain('Turn Decompress off');
});
