import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sandbox, Scenario } from '@asana-exports/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runExportToFile } from '../src/node/run-to-file.js';
import { ageCiphertextSize, createAgeDecryptor } from '../src/protocol/age.js';
import { encodeBech32 } from '../src/protocol/age-bech32.js';
import { parseAgeIdentities } from '../src/protocol/age-keys.js';
import type { AgeIdentity, AgeRecipient } from '../src/protocol/age-x25519.js';
import { CancelledError, InputError, IntegrityError } from '../src/protocol/errors.js';
import type { StallPolicy } from '../src/protocol/limits.js';
import { manifestSchema } from '../src/protocol/manifest.js';
import { validateExportRequest } from '../src/protocol/params.js';
import { recordFileHeads } from './support/file-heads.js';
import {
  listFiles,
  QUICK_POLL,
  type RecordingRuntime,
  runtimeFor,
  startTestSandbox,
  tempDir,
} from './support/sandbox.js';

let sandbox: Sandbox;
let runtime: RecordingRuntime;
let parentGid = 1460000000000000;

beforeAll(async () => {
  sandbox = await startTestSandbox({ contentBytes: 8 * 1024 * 1024 });
});
afterAll(async () => {
  await sandbox.close();
});
afterEach(async () => {
  await runtime?.close();
  expect(sandbox.downloadAuthViolations).toEqual([]);
  sandbox.configure({ corruption: 'none', ignoreRange: false });
});

function keyPair(): { identity: AgeIdentity; recipient: AgeRecipient } {
  const [identity] = parseAgeIdentities(
    'identity',
    encodeBech32('age-secret-key-', randomBytes(32), true),
  );
  if (!identity) throw new Error('no identity');
  return { identity, recipient: identity.recipient };
}

/**
 * Every file in `dir` as the run goes, read at each progress event: what reached the disk.
 * Returns the first bytes of each file seen, by name.
 */
function watchDisk(dir: string): Map<string, Set<string>> {
  const seen = new Map<string, Set<string>>();
  const look = () => recordFileHeads(dir, seen);
  watching.push(look);
  return seen;
}
let watching: (() => Promise<void>)[] = [];

async function encryptedExport(
  recipients: readonly AgeRecipient[],
  scenario: Partial<Scenario> = {},
  signal = AbortSignal.timeout(30_000),
  stall?: StallPolicy,
) {
  sandbox.configure(scenario);
  runtime = runtimeFor(sandbox);
  const out = await tempDir();
  watching = [];
  const seen = watchDisk(out);
  const looks: Promise<void>[] = [];
  parentGid++;
  const run = runExportToFile({
    runtime,
    start: { request: validateExportRequest({ kind: 'graph', parent: String(parentGid) }) },
    outDir: out,
    signal,
    poll: QUICK_POLL,
    encryptTo: recipients,
    encryptToInputName: '--encrypt-to',
    ...(stall ? { stall } : {}),
    onProgress: (event) => {
      runtime.events.push(event);
      if (event.type === 'downloading') for (const look of watching) looks.push(look());
    },
  });
  const settled = run.finally(() => Promise.all(looks));
  return { out, run: settled, seen };
}

function decrypted(identity: AgeIdentity, cipher: Uint8Array): Buffer {
  const decryptor = createAgeDecryptor([identity]);
  const out: Uint8Array[] = [];
  for (let at = 0; at < cipher.length; at += 1024 * 1024) {
    out.push(...decryptor.update(cipher.subarray(at, at + 1024 * 1024)));
  }
  out.push(...decryptor.final());
  return Buffer.concat(out);
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const downloads = () => sandbox.requests.filter((request) => request.origin === 'download');
const AGE_START = 'age-encryption.org/v1';

/**
 * Nothing but age ciphertext ever reached the disk: every file seen began with its header. With
 * `whileWritten`, the partial was seen holding it (a run cancelled at once may end before).
 */
function expectOnlyCiphertextSeen(seen: Map<string, Set<string>>, whileWritten = true) {
  const partials = [...seen.keys()].filter((name) => name.endsWith('.age.partial'));
  expect(partials.length).toBeGreaterThan(0);
  if (whileWritten) for (const partial of partials) expect(seen.get(partial)).toContain(AGE_START);
  for (const [name, starts] of seen) {
    for (const start of starts) {
      // Empty while just opened, then the header; never gzip's 1f 8b.
      expect(`${name}: ${start}`).toMatch(
        new RegExp(`^${name.replace(/\./g, '\\.')}: (${AGE_START})?$`),
      );
    }
  }
}

describe('encrypted downloads', () => {
  it('stores only ciphertext, verified as plaintext, with both described in the manifest', async () => {
    const alice = keyPair();
    const bob = keyPair();
    const { out, run, seen } = await encryptedExport([alice.recipient, bob.recipient]);
    const result = await run;
    const gid = result.status.gid;
    const served = await sandbox.exportFile(gid);
    const name = `asana-graph-export-${gid}.jsonl.gz`;

    expect(result.filePath).toBe(join(out, `${name}.age`));
    expect(result.manifestPath).toBe(join(out, `asana-graph-export-${gid}.manifest.json`));
    expect(await listFiles(out)).toEqual([
      `${name}.age`,
      `asana-graph-export-${gid}.manifest.json`,
    ]);
    // The manifest: the plaintext as before, the ciphertext under encryption.
    const manifest = manifestSchema.parse(JSON.parse(await readFile(result.manifestPath, 'utf8')));
    expect(manifest).toEqual(result.manifest);
    expect(manifest.file).toMatchObject({ name, bytes: served.bytes, sha256: served.sha256 });
    expect(manifest.records.total).toBe(served.records);
    const cipher = await readFile(result.filePath);
    expect(manifest.encryption).toEqual({
      format: 'age',
      recipients: [alice.recipient.publicKey, bob.recipient.publicKey],
      file: { name: `${name}.age`, bytes: cipher.length, sha256: sha256(cipher) },
    });
    expect(cipher.length).toBe(ageCiphertextSize(served.bytes, 2));
    for (const key of [alice, bob])
      expect(sha256(decrypted(key.identity, cipher))).toBe(served.sha256);
    expectOnlyCiphertextSeen(seen);
  });

  it('goes on into the same encryptor when a stalled transfer resumes with Range', async () => {
    const { identity, recipient } = keyPair();
    // The connection stays open after 300,000 bytes, so every one of them is surely consumed.
    sandbox.inject({ route: 'download', stall: 'mid-body', afterBytes: 300_000 });
    const before = downloads().length;
    const { run, seen } = await encryptedExport([recipient], {}, undefined, {
      windowMs: 300,
      minBytesPerSecond: 0,
    });
    const result = await run;
    expect(
      downloads()
        .slice(before)
        .map((request) => [request.range, request.status]),
    ).toEqual([
      [undefined, 200],
      ['bytes=300000-', 206],
    ]);
    const served = await sandbox.exportFile(result.status.gid);
    const cipher = await readFile(result.filePath);
    expect(sha256(decrypted(identity, cipher))).toBe(served.sha256);
    expect(result.manifest.encryption?.file.sha256).toBe(sha256(cipher));
    expectOnlyCiphertextSeen(seen);
  });

  it('starts the ciphertext over when the store ignores Range', async () => {
    const { identity, recipient } = keyPair();
    sandbox.inject({ route: 'download', reset: 'mid-body', afterBytes: 600_000 });
    const before = downloads().length;
    const { run } = await encryptedExport([recipient], { ignoreRange: true });
    const result = await run;
    expect(
      downloads()
        .slice(before)
        .map((attempt) => attempt.status),
    ).toEqual([200, 200]);
    const cipher = await readFile(result.filePath);
    expect(sha256(decrypted(identity, cipher))).toBe(result.manifest.file.sha256);
    expect(result.manifest.encryption?.file).toMatchObject({
      bytes: cipher.length,
      sha256: sha256(cipher),
    });
  });

  it('refuses a corrupt export and leaves nothing', async () => {
    const { out, run } = await encryptedExport([keyPair().recipient], { corruption: 'bad-crc' });
    await expect(run).rejects.toBeInstanceOf(IntegrityError);
    expect(await listFiles(out)).toEqual([]);
  });

  it('keeps nothing when cancelled mid-transfer: an encrypted partial cannot be resumed', async () => {
    const controller = new AbortController();
    sandbox.inject({ route: 'download', stall: 'mid-body', afterBytes: 500_000 });
    const { out, run, seen } = await encryptedExport([keyPair().recipient], {}, controller.signal);
    const timer = setInterval(() => {
      if (runtime.events.some((event) => event.type === 'downloading')) controller.abort();
    }, 10);
    await expect(run.finally(() => clearInterval(timer))).rejects.toBeInstanceOf(CancelledError);
    expect(await listFiles(out)).toEqual([]);
    expectOnlyCiphertextSeen(seen, false);
  });

  it('starts over, from byte 0, over a partial a killed encrypted run left', async () => {
    const { identity, recipient } = keyPair();
    runtime = runtimeFor(sandbox);
    parentGid++;
    const request = validateExportRequest({ kind: 'graph', parent: String(parentGid) });
    const created = await runtime.client.create(request, AbortSignal.timeout(10_000), {
      poll: QUICK_POLL,
    });
    const out = await tempDir();
    const partial = join(out, `.asana-graph-export-${created.gid}.jsonl.gz.age.partial`);
    await writeFile(partial, randomBytes(100_000));
    await writeFile(`${partial}.json`, JSON.stringify({ version: 1, object: { etag: '"x"' } }));
    const before = downloads().length;
    const result = await runExportToFile({
      runtime,
      start: { resume: { kind: 'graph', gid: created.gid } },
      outDir: out,
      signal: AbortSignal.timeout(30_000),
      poll: QUICK_POLL,
      encryptTo: [recipient],
    });
    expect(
      downloads()
        .slice(before)
        .map((attempt) => attempt.range),
    ).toEqual([undefined]);
    expect(sha256(decrypted(identity, await readFile(result.filePath)))).toBe(
      result.manifest.file.sha256,
    );
    expect(await listFiles(out)).toEqual([
      `asana-graph-export-${created.gid}.jsonl.gz.age`,
      `asana-graph-export-${created.gid}.manifest.json`,
    ]);
  });

  it.each([
    ['no recipient', [], /^Invalid --encrypt-to: names no recipient$/],
    [
      'a value that is not a key',
      [{ publicKey: 'age1nope' }],
      /^Invalid --encrypt-to: "age1nope" is not an age recipient/,
    ],
  ])('refuses %s before any request', async (_what, recipients, message) => {
    runtime = runtimeFor(sandbox);
    const before = sandbox.requests.length;
    const run = runExportToFile({
      runtime,
      start: { request: validateExportRequest({ kind: 'graph', parent: '1460000000000999' }) },
      outDir: await tempDir(),
      signal: AbortSignal.timeout(10_000),
      poll: QUICK_POLL,
      encryptTo: recipients,
      encryptToInputName: '--encrypt-to',
    });
    const error = await run.catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(message);
    expect(sandbox.requests.length).toBe(before);
  });
});
