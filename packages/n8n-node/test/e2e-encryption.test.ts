import { type Manifest, manifestSchema } from '@asana-exports/core/protocol';
import { type Sandbox, startSandbox } from '@asana-exports/sandbox';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type AgeKey,
  ageDecrypt,
  describeWithAge,
  expectEncryptedManifest,
  jsonlRecords,
  makeAgeKey,
} from './support/age.mts';
import { createHash } from './support/fakeContext.mts';
import {
  pathJoin as join,
  listFiles,
  readText,
  removeDir,
  sha256Of,
  sizeOf,
  tempDir,
} from './support/files.mts';
import {
  distDir,
  type N8nInstance,
  NODE_TYPE,
  onlyItem,
  requireN8n,
  startN8n,
} from './support/n8n.mts';
import { asanaNode, manualWorkflow as workflow } from './support/workflows.mts';

/**
 * Encrypt To inside a real n8n: the built dist/ loaded as a custom extension, the files written by
 * n8n's own Read/Write Files node opened with Debian's `age -d` and compared with what the sandbox
 * served and what the manifest says.
 */
const n8nBin = requireN8n();
const CREDENTIAL = { id: 'e2eAgeCredential', name: 'Asana sandbox' };
const AGE_HEADER = 'age-encryption.org/v1\n';

describeWithAge('Encrypt To in a real n8n', () => {
  if (n8nBin === undefined) return;
  let sandbox: Sandbox;
  let n8n: N8nInstance;
  let keys: string;
  let alice: AgeKey;
  let bob: AgeKey;

  beforeAll(async () => {
    await readText(join(distDir, 'nodes', 'AsanaExport', 'AsanaExport.node.js')); // built?
    keys = await tempDir('asana-n8n-e2e-keys-');
    alice = await makeAgeKey(keys, 'alice');
    bob = await makeAgeKey(keys, 'bob');
    sandbox = await startSandbox({ scenario: { durationMs: 1_200 } });
    n8n = await startN8n(n8nBin);
    await n8n.importCredentials([
      {
        ...CREDENTIAL,
        type: 'asanaExportsApi',
        data: { accessToken: sandbox.token, baseUrl: sandbox.apiUrl },
      },
    ]);
  }, 120_000);

  afterAll(async () => {
    await n8n?.close();
    await sandbox?.close();
    if (keys !== undefined) await removeDir(keys);
  });

  it('Create (with wait) and Download write .age files that age -d opens to the export', async () => {
    const folder = await n8n.folder('encrypted');
    await n8n.importWorkflows([
      workflow(
        'e2eEncrypted0001',
        [
          node('Create', {
            operation: 'create',
            kind: 'graph',
            parent: '1820000000000001',
            options: { encryptTo: `${alice.publicKey}\n${bob.publicKey}` },
          }),
          node('Download', {
            operation: 'download',
            kind: 'graph',
            gid: '={{ $json.jobGid }}',
            options: {
              encryptTo: `${alice.publicKey}, ${bob.publicKey}`,
              fileName: 'nightly.jsonl.gz',
            },
          }),
        ],
        { writeTo: folder, writeAfter: ['Create', 'Download'] },
      ),
    ]);
    const execution = await n8n.execute('e2eEncrypted0001');
    const created = onlyItem(execution, 'Create');
    const downloaded = onlyItem(execution, 'Download');
    const gid = String(created.json.jobGid);
    const expected = await sandbox.exportFile(gid);
    expect(await listFiles(folder)).toEqual(
      [`asana-graph-export-${gid}.jsonl.gz.age`, 'nightly.jsonl.gz.age'].sort(),
    );

    for (const [item, fileName] of [
      [created, `asana-graph-export-${gid}.jsonl.gz`],
      [downloaded, 'nightly.jsonl.gz'],
    ] as const) {
      const manifest: Manifest = manifestSchema.parse(item.json);
      const path = join(folder, `${fileName}.age`);
      // Read as text only to see the header: what follows it is binary.
      expect((await readText(path)).startsWith(AGE_HEADER)).toBe(true);
      expect(item.binary?.data).toMatchObject({
        fileName: `${fileName}.age`,
        mimeType: 'application/vnd.age',
      });

      // Debian's age opens it, with either recipient's identity, to the very file served.
      for (const key of [alice, bob]) {
        const plain = ageDecrypt(key.identityFile, path);
        expect(sha256(plain)).toBe(manifest.file.sha256);
        expect(jsonlRecords(plain)).toBe(manifest.records.total);
      }
      expectEncryptedManifest(
        manifest,
        { ...expected, name: fileName },
        [alice.publicKey, bob.publicKey],
        { bytes: await sizeOf(path), sha256: await sha256Of(path) },
      );
    }

    // n8n's own binary data store (filesystem mode) only ever received ciphertext.
    const store = join(n8n.home, 'user', '.n8n', 'storage', 'workflows', 'e2eEncrypted0001');
    const stored: string[] = [];
    for (const run of await listFiles(join(store, 'executions'))) {
      const dir = join(store, 'executions', run, 'binary_data');
      for (const file of await listFiles(dir)) {
        // Beside each file, n8n keeps its name, type and size as <id>.metadata.
        if (!file.endsWith('.metadata')) stored.push(await readText(join(dir, file)));
      }
    }
    expect(stored).toHaveLength(2);
    for (const file of stored) expect(file.startsWith(AGE_HEADER)).toBe(true);

    // The public keys are in the output and the database; no secret is in either.
    const database = join(n8n.home, 'user', '.n8n', 'database.sqlite');
    const kept = [
      execution.stdout,
      execution.stderr,
      JSON.stringify(execution.data),
      await readText(database),
      await readText(`${database}-wal`).catch(() => ''),
    ].join('\n');
    expect(kept).toContain(alice.publicKey);
    expect(kept).toContain(bob.publicKey);
    expect(kept).not.toContain('AGE-SECRET-KEY');
    expect(sandbox.downloadAuthViolations).toEqual([]);
  });

  it('refuses a key with a typo before any request reaches the sandbox', async () => {
    const typo = `${alice.publicKey.slice(0, -1)}${alice.publicKey.endsWith('q') ? 'p' : 'q'}`;
    await n8n.importWorkflows([
      workflow('e2eEncryptTypo01', [
        node('Create', {
          operation: 'create',
          kind: 'graph',
          parent: '1820000000000002',
          options: { encryptTo: `${bob.publicKey}\n${typo}` },
        }),
      ]),
    ]);
    const before = sandbox.requests.length;
    const execution = await n8n.execute('e2eEncryptTypo01');
    expect(execution.code).not.toBe(0);
    const output = execution.stdout + execution.stderr;
    expect(output).toContain('Invalid Encrypt To (Age Recipients):');
    expect(output).toContain('(line 2) is not an age recipient');
    expect(sandbox.requests.slice(before)).toEqual([]);
  });

  function node(name: string, parameters: Record<string, unknown>) {
    return { ...asanaNode(name, parameters, CREDENTIAL), type: NODE_TYPE };
  }
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
