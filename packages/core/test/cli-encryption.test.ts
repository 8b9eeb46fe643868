import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sandbox } from '@asana-exports/sandbox';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { type Manifest, manifestSchema } from '../src/protocol/manifest.js';
import { ageKeygen, describeWithAge, runAgeTool } from './support/age-tool.js';
import { recordFileHeads } from './support/file-heads.js';
import { type CliResult, listFiles, runCli, startTestSandbox, tempDir } from './support/sandbox.js';

// `asana-export run|download --encrypt-to` and `verify --identity` as a user runs them, against
// the sandbox over loopback, with keys made by age-keygen and files opened by `age -d`.
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox({ contentBytes: 4 * 1024 * 1024 });
});
afterAll(async () => {
  await sandbox.close();
});
afterEach(() => {
  expect(sandbox.downloadAuthViolations).toEqual([]);
});

const env = () => ({ ASANA_TOKEN: sandbox.token });
const api = () => ['--base-url', sandbox.apiUrl];
const fastPoll = ['--poll-interval', '100ms', '--poll-max-interval', '300ms'];
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
let parent = 1470000000000000;

/**
 * Reads the first bytes of every file in `dir` every few milliseconds until stopped: what a
 * reader of the folder could have seen while the run was writing.
 */
function watchFolder(dir: string): { stop(): Promise<Map<string, Set<string>>> } {
  const seen = new Map<string, Set<string>>();
  let running = true;
  const loop = (async () => {
    while (running) {
      await recordFileHeads(dir, seen);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return seen;
    },
  };
}

async function encryptedRun(
  extra: readonly string[],
): Promise<{ out: string; result: CliResult; manifest: Manifest; seen: Map<string, Set<string>> }> {
  const out = await tempDir();
  // Slowed down, so the folder is watched while the partial file grows.
  sandbox.inject({
    route: 'download',
    drip: { afterBytes: 64 * 1024, bytes: 128 * 1024, everyMs: 20 },
  });
  const watch = watchFolder(out);
  parent++;
  const result = await runCli(
    [
      'run',
      '--kind',
      'graph',
      '--parent',
      String(parent),
      '--out',
      out,
      ...extra,
      ...api(),
      ...fastPoll,
    ],
    env(),
  );
  const seen = await watch.stop();
  expect(result.code, result.stderr).toBe(0);
  return { out, result, manifest: manifestSchema.parse(JSON.parse(result.stdout)), seen };
}

/** Only ciphertext was ever on disk: every file began with age's header once it had bytes. */
function expectOnlyCiphertext(seen: Map<string, Set<string>>, name: string) {
  expect([...seen.keys()]).toContain(`.${name}.age.partial`);
  expect(seen.get(`.${name}.age.partial`)).toContain('age-encryption.org/v1');
  expect([...seen.keys()]).not.toContain(`.${name}.partial`);
  expect([...seen.keys()]).not.toContain(name);
  for (const [file, starts] of seen) {
    // The manifest is plain JSON by design, also under its temporary name while it is written
    // (`.<name>.manifest.json.<random>.partial`, json-file.ts): a watcher catches that one now
    // and then.
    if (/\.manifest\.json(\.[0-9a-f]{12}\.partial)?$/.test(file)) continue;
    for (const start of starts) expect(['', 'age-encryption.org/v1']).toContain(start);
  }
}

describeWithAge('asana-export with age encryption', () => {
  let keys: string;
  let alice: ReturnType<typeof ageKeygen>;
  let bob: ReturnType<typeof ageKeygen>;
  beforeAll(async () => {
    keys = await tempDir();
    alice = ageKeygen(keys, 'alice.txt');
    bob = ageKeygen(keys, 'bob.txt');
  });

  it('run --encrypt-to stores only ciphertext, which age -d decrypts to the verified content', async () => {
    const { out, result, manifest, seen } = await encryptedRun(['--encrypt-to', alice.publicKey]);
    const gid = manifest.jobGid ?? '';
    const name = `asana-graph-export-${gid}.jsonl.gz`;
    expect(await listFiles(out)).toEqual([
      `${name}.age`,
      `asana-graph-export-${gid}.manifest.json`,
    ]);
    expectOnlyCiphertext(seen, name);

    const served = await sandbox.exportFile(gid);
    expect(manifest.file).toMatchObject({ name, sha256: served.sha256, bytes: served.bytes });
    const cipher = await readFile(join(out, `${name}.age`));
    expect(manifest.encryption).toEqual({
      format: 'age',
      recipients: [alice.publicKey],
      file: { name: `${name}.age`, bytes: cipher.length, sha256: sha256(cipher) },
    });
    const decrypted = runAgeTool('age', ['-d', '-i', alice.path, join(out, `${name}.age`)]);
    expect(decrypted.status, decrypted.stderr).toBe(0);
    expect(sha256(decrypted.stdout)).toBe(manifest.file.sha256);
    expect(result.stderr).toMatch(
      new RegExp(`stored encrypted to 1 recipient: \\S+${name}\\.age\\n`),
    );
    expect(result.stderr).toContain(
      `sha256 ${served.sha256} (content), ${sha256(cipher)} (ciphertext)`,
    );
  });

  it('download --encrypt-to-file encrypts to every key in the file, each able to decrypt', async () => {
    const recipients = join(keys, 'recipients.txt');
    await writeFile(recipients, `# backup keys\n${alice.publicKey}\n\n${bob.publicKey} # bob\n`);
    const created = await runCli(
      ['create', '--kind', 'graph', '--parent', String(++parent), ...api()],
      env(),
    );
    const { gid } = JSON.parse(created.stdout) as { gid: string };
    const out = await tempDir();
    const downloaded = await runCli(
      [
        'download',
        '--kind',
        'graph',
        '--gid',
        gid,
        '--out',
        out,
        '--encrypt-to-file',
        recipients,
        ...api(),
        ...fastPoll,
      ],
      env(),
    );
    expect(downloaded.code, downloaded.stderr).toBe(0);
    const manifest = manifestSchema.parse(JSON.parse(downloaded.stdout));
    expect(manifest.encryption?.recipients).toEqual([alice.publicKey, bob.publicKey]);
    const file = join(out, `asana-graph-export-${gid}.jsonl.gz.age`);
    for (const key of [alice, bob]) {
      expect(sha256(runAgeTool('age', ['-d', '-i', key.path, file]).stdout)).toBe(
        manifest.file.sha256,
      );
    }
  });

  it('verify checks content with --identity, the ciphertext alone without, and refuses a wrong key', async () => {
    const { out, manifest } = await encryptedRun([
      '--encrypt-to',
      `${alice.publicKey},${bob.publicKey}`,
    ]);
    const file = join(out, `${manifest.file.name}.age`);

    const full = await runCli(['verify', file, '--identity', bob.path], {});
    expect(full.code, full.stderr).toBe(0);
    expect(JSON.parse(full.stdout)).toMatchObject({
      encrypted: true,
      contentChecked: true,
      sha256: manifest.file.sha256,
      bytes: manifest.file.bytes,
      records: manifest.records.total,
      ciphertext: {
        sha256: manifest.encryption?.file.sha256,
        bytes: manifest.encryption?.file.bytes,
      },
    });
    expect(full.stderr).toMatch(
      /^Decrypted and verified \d+ records, .*; matches \S+\.manifest\.json$/m,
    );

    const cipherOnly = await runCli(['verify', file], {});
    expect(cipherOnly.code, cipherOnly.stderr).toBe(0);
    const report = JSON.parse(cipherOnly.stdout);
    expect(report).toMatchObject({
      encrypted: true,
      contentChecked: false,
      ciphertext: { sha256: manifest.encryption?.file.sha256 },
    });
    expect(report.records).toBeUndefined();
    expect(cipherOnly.stderr).toMatch(
      /^Checked the ciphertext only: .*sha256 [0-9a-f]{64}; matches /m,
    );
    expect(cipherOnly.stderr).toMatch(
      /The content was not decrypted, so its records were not checked: run `asana-export verify \S+ --identity KEY`/,
    );

    const stranger = ageKeygen(keys, 'stranger.txt');
    const wrong = await runCli(['verify', file, '--identity', stranger.path], {});
    expect(wrong.code).toBe(7);
    expect(wrong.stderr).toMatch(
      /^error: Cannot decrypt the export: none of the 1 identity given opens any of its 2 X25519 recipient stanzas$/m,
    );
    expect(wrong.stderr).toContain(
      `hint: --identity holds the keys of ${stranger.publicKey}; the manifest says the export was encrypted to ${alice.publicKey}, ${bob.publicKey}.`,
    );
    expect(wrong.stderr + wrong.stdout).not.toMatch(/AGE-SECRET-KEY/i);
    expect(wrong.stdout).toBe('');
  });

  it('verify refuses a changed ciphertext, with a key and without', async () => {
    const { out, manifest } = await encryptedRun(['--encrypt-to', alice.publicKey]);
    const file = join(out, `${manifest.file.name}.age`);
    const cipher = await readFile(file);
    cipher[cipher.length - 100] = (cipher[cipher.length - 100] ?? 0) ^ 1;
    await writeFile(file, cipher);

    const withKey = await runCli(['verify', file, '-i', alice.path], {});
    expect(withKey.code).toBe(4);
    expect(withKey.stderr).toMatch(
      /^error: Cannot decrypt the export: chunk \d+ \(the last\) does not authenticate/m,
    );
    const without = await runCli(['verify', file], {});
    expect(without.code).toBe(4);
    expect(without.stderr).toMatch(
      /^error: The stored export .*\.age is not intact: it does not match its manifest \(.*\.jsonl\.gz\): SHA-256 is [0-9a-f]{64}, the manifest says/m,
    );
  });

  it('verify says what is missing when there is no manifest and no key, and refuses --identity on a plain file', async () => {
    const { out, manifest } = await encryptedRun(['--encrypt-to', alice.publicKey]);
    const lone = join(await tempDir(), 'export.jsonl.gz.age');
    await writeFile(lone, await readFile(join(out, `${manifest.file.name}.age`)));
    const nothing = await runCli(['verify', lone], {});
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(
      /^error: Invalid --identity: \S+ is age-encrypted and has no manifest beside it, so nothing can be checked without a key$/m,
    );
    const alone = await runCli(['verify', lone, '--identity', alice.path], {});
    expect(alone.code, alone.stderr).toBe(0);
    const aloneReport = JSON.parse(alone.stdout);
    expect(aloneReport).toMatchObject({ sha256: manifest.file.sha256, contentChecked: true });
    expect(aloneReport.manifest).toBeUndefined();

    const plain = join(await tempDir(), 'plain.jsonl.gz');
    await writeFile(plain, runAgeTool('age', ['-d', '-i', alice.path, lone]).stdout);
    const refused = await runCli(['verify', plain, '--identity', alice.path], {});
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/Invalid --identity: \S+ is not age-encrypted/);
  });

  it.each([
    [
      ['--encrypt-to', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW alice@x'],
      /Invalid --encrypt-to: a value is an SSH public key; only X25519 age recipients/,
    ],
    [['--encrypt-to', ''], /Invalid --encrypt-to: names no recipient/],
    [
      ['--encrypt-to', 'age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq'],
      /Invalid --encrypt-to: .* is not an age recipient: it fails its checksum/,
    ],
    [
      ['--encrypt-to-file', '/nonexistent/recipients.txt'],
      /Invalid --encrypt-to-file: cannot read \/nonexistent\/recipients\.txt \(ENOENT\)/,
    ],
  ])('refuses %j before any request', async (args, message) => {
    const before = sandbox.requests.length;
    const result = await runCli(
      ['run', '--kind', 'graph', '--parent', '1', ...args, ...api()],
      env(),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/^hint: .*age-keygen|^hint: Pass a file of age public keys/m);
    expect(sandbox.requests.length).toBe(before);
  });

  it('refuses a secret key passed as a recipient without printing any of it', async () => {
    const secret = alice.text.split('\n').find((line) => line.startsWith('AGE-SECRET-KEY-')) ?? '';
    const before = sandbox.requests.length;
    const result = await runCli(
      ['download', '--kind', 'graph', '--gid', '1', '--encrypt-to', secret, ...api()],
      env(),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is a secret key \(AGE-SECRET-KEY-\.\.\.\), not a recipient/);
    expect(result.stderr).not.toContain(secret.slice(15, 40));
    expect(sandbox.requests.length).toBe(before);
  });

  it('on SIGINT keeps nothing, and prints a resume command that encrypts again', async () => {
    const out = await tempDir();
    sandbox.inject({ route: 'download', stall: 'mid-body', afterBytes: 256 * 1024 });
    let signalled = false;
    const recipients = join(keys, 'one.txt');
    await writeFile(recipients, `${bob.publicKey}\n`);
    const interrupted = await runCli(
      [
        'run',
        '--kind',
        'graph',
        '--parent',
        String(++parent),
        '--out',
        out,
        '--encrypt-to',
        alice.publicKey,
        '--encrypt-to-file',
        recipients,
        ...api(),
        ...fastPoll,
      ],
      env(),
      {
        onStderr: (text, kill) => {
          if (!signalled && text.includes('Downloaded')) {
            signalled = true;
            kill('SIGINT');
          }
        },
      },
    );
    expect(signalled).toBe(true);
    expect(interrupted.code).toBe(130);
    expect(await listFiles(out)).toEqual([]);
    const resume = /^resume: asana-export (run --resume (\d+) .*)$/m.exec(interrupted.stderr);
    expect(resume?.[1]).toBe(
      `run --resume ${resume?.[2]} --kind graph --out ${out} --base-url ${sandbox.apiUrl} --encrypt-to ${alice.publicKey} --encrypt-to-file ${recipients}`,
    );
    const resumed = await runCli([...(resume?.[1] ?? '').split(' '), ...fastPoll], env());
    expect(resumed.code, resumed.stderr).toBe(0);
    const manifest = manifestSchema.parse(JSON.parse(resumed.stdout));
    expect(manifest.encryption?.recipients).toEqual([alice.publicKey, bob.publicKey]);
    const file = join(out, `${manifest.file.name}.age`);
    expect(sha256(runAgeTool('age', ['-d', '-i', bob.path, file]).stdout)).toBe(
      manifest.file.sha256,
    );
  });
});

it('documents encryption in --help', async () => {
  const run = await runCli(['run', '--help'], {});
  expect(run.stdout).toMatch(/--encrypt-to KEY/);
  expect(run.stdout).toMatch(/--encrypt-to-file FILE/);
  expect(run.stdout).toMatch(/age -d -i key\.txt FILE\.age \| zcat/);
  const verify = await runCli(['verify', '--help'], {});
  expect(verify.stdout).toMatch(/-i, --identity KEY/);
  expect(verify.stdout).toMatch(/7 none of the\s+identities given can decrypt it/);
});
