import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Sandbox } from '@asana-exports/sandbox';
import { storesUnderTest, type TestStore } from '@asana-exports/test-stores';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Manifest, manifestSchema } from '../src/protocol/manifest.js';
import { ageKeygen, HAVE_AGE, runAgeTool } from './support/age-tool.js';
import { type CliResult, runCli, startTestSandbox, tempDir } from './support/sandbox.js';

// `asana-export run --to` as a user runs it: the sandbox's export streamed into a real S3 server
// (Ceph's radosgw) and a real Azure Blob emulator (Azurite), each read back with its vendor's SDK.
// radosgw needs Debian's Ceph (scripts/install-ceph.sh): skipped without it, except under CI.
const stores = storesUnderTest();

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox({ contentBytes: 7 * 1024 * 1024 });
});
afterAll(async () => {
  await sandbox.close();
});
afterEach(() => {
  expect(sandbox.downloadAuthViolations).toEqual([]);
  sandbox.configure({ corruption: 'none' });
  sandbox.clearFaults();
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const fastPoll = ['--poll-interval', '100ms', '--poll-max-interval', '300ms'];
let parent = 1480000000000000;

describe.each(stores)('run --to %s', (name, start) => {
  let store: TestStore;
  const storeIs = (kind: TestStore['kind']) => name.startsWith(kind === 's3' ? 'S3' : 'Azure');
  beforeAll(async () => {
    store = await start();
  }, 180_000);
  afterAll(async () => {
    await store?.stop();
  });

  async function run(
    place: string,
    extra: readonly string[] = [],
    env: Record<string, string> = {},
  ): Promise<CliResult & { gid: string }> {
    parent += 1;
    const result = await runCli(
      [
        'run',
        '--kind',
        'graph',
        '--parent',
        String(parent),
        '--to',
        place,
        ...store.args,
        ...extra,
        '--base-url',
        sandbox.apiUrl,
        ...fastPoll,
      ],
      { ASANA_TOKEN: sandbox.token, ...store.env, ...env },
    );
    for (const secret of [sandbox.token, ...store.secrets]) {
      expect(result.stderr).not.toContain(secret);
      expect(result.stdout).not.toContain(secret);
    }
    return { ...result, gid: String(parent) };
  }

  function asanaRequestsSince(count: number): number {
    return sandbox.requests.slice(count).filter((request) => request.origin === 'api').length;
  }

  it('stores the export byte for byte, its manifest beside it and latest.json last', async () => {
    const place = await store.newPlace();
    const result = await run(place);
    expect(result.code, result.stderr).toBe(0);
    const manifest: Manifest = manifestSchema.parse(JSON.parse(result.stdout));
    const keys = await store.list(place);
    const file = keys.find((key) => key.endsWith('.jsonl.gz'));
    const manifestKey = keys.find((key) => key.endsWith('.manifest.json'));
    expect(file).toMatch(
      new RegExp(
        `^backups/graph/${result.gid}/\\d{8}T\\d{6}Z/asana-graph-export-\\d+\\.jsonl\\.gz$`,
      ),
    );
    expect(manifestKey?.replace(/[^/]+$/, '')).toBe(file?.replace(/[^/]+$/, ''));
    expect(keys).toContain(`backups/graph/${result.gid}/latest.json`);
    expect(keys).toHaveLength(3);

    const stored = await store.get(place, file ?? '');
    const served = await sandbox.exportFile(manifest.jobGid ?? '');
    expect(sha256(stored)).toBe(served.sha256);
    expect(stored.byteLength).toBe(manifest.file.bytes);
    expect(JSON.parse(new TextDecoder().decode(await store.get(place, manifestKey ?? '')))).toEqual(
      manifest,
    );
    const latest = JSON.parse(
      new TextDecoder().decode(await store.get(place, `backups/graph/${result.gid}/latest.json`)),
    );
    expect(latest).toMatchObject({
      latestVersion: 1,
      kind: 'graph',
      target: result.gid,
      object: { key: file, bytes: manifest.file.bytes, sha256: served.sha256 },
      manifest: { key: manifestKey },
      encrypted: false,
      records: manifest.records.total,
    });
    expect(await store.incomplete(place)).toEqual([]);
    expect(result.stderr).toContain(
      `stored in ${place
        .split('/')
        .slice(store.kind === 'azure' ? 3 : 2, -1)
        .join('/')}`,
    );
  });

  it.runIf(HAVE_AGE || process.env.CI === 'true')(
    'stores only ciphertext when encrypting, and `age -d` opens it',
    async () => {
      const key = ageKeygen(await tempDir());
      const place = await store.newPlace();
      const result = await run(place, ['--encrypt-to', key.publicKey]);
      expect(result.code, result.stderr).toBe(0);
      const manifest: Manifest = manifestSchema.parse(JSON.parse(result.stdout));
      const file = (await store.list(place)).find((name) => name.endsWith('.jsonl.gz.age'));
      const cipher = await store.get(place, file ?? '');
      expect(new TextDecoder().decode(cipher.subarray(0, 21))).toBe('age-encryption.org/v1');
      expect(sha256(cipher)).toBe(manifest.encryption?.file.sha256);
      const opened = runAgeTool('age', ['-d', '-i', key.path], cipher);
      expect(opened.status, opened.stderr).toBe(0);
      expect(sha256(opened.stdout)).toBe((await sandbox.exportFile(manifest.jobGid ?? '')).sha256);
    },
  );

  it('download --to stores an export started earlier, by its gid', async () => {
    const place = await store.newPlace();
    parent += 1;
    const job = await sandbox.startExport({ parent: String(parent) });
    const result = await runCli(
      [
        'download',
        '--kind',
        'graph',
        '--gid',
        job,
        '--to',
        place,
        ...store.args,
        '--base-url',
        sandbox.apiUrl,
        ...fastPoll,
      ],
      { ASANA_TOKEN: sandbox.token, ...store.env },
    );
    expect(result.code, result.stderr).toBe(0);
    const file = (await store.list(place)).find((name) => name.endsWith('.jsonl.gz'));
    expect(file).toContain(`asana-graph-export-${job}.jsonl.gz`);
    expect(sha256(await store.get(place, file ?? ''))).toBe((await sandbox.exportFile(job)).sha256);
  });

  it('prints a resume command that stores to the same place', async () => {
    const place = await store.newPlace();
    sandbox.configure({ durationMs: 60_000 });
    try {
      const result = await run(place, [
        '--timeout',
        '2s',
        '--storage-class',
        store.kind === 's3' ? 'STANDARD' : 'Cool',
      ]);
      expect(result.code, result.stderr).toBe(5);
      const resume = /resume: (.*)/.exec(result.stderr)?.[1] ?? '';
      expect(resume).toMatch(/^asana-export run --resume \d+ --kind graph /);
      expect(resume).toContain(`--to ${place}`);
      expect(resume).toContain('--storage-class');
      expect(resume).not.toContain('--out');
    } finally {
      sandbox.configure({ durationMs: 300 });
    }
  });

  it('points latest.json at the newer of two exports of one target', async () => {
    const place = await store.newPlace();
    const first = await run(place);
    expect(first.code, first.stderr).toBe(0);
    parent -= 1; // The same target again.
    const second = await run(place);
    expect(second.code, second.stderr).toBe(0);
    const keys = await store.list(place);
    expect(keys.filter((key) => key.endsWith('.jsonl.gz'))).toHaveLength(2);
    const latest = JSON.parse(
      new TextDecoder().decode(await store.get(place, `backups/graph/${second.gid}/latest.json`)),
    );
    const secondManifest = manifestSchema.parse(JSON.parse(second.stdout));
    expect(latest.exportGid).toBe(secondManifest.exportGid);
    expect(latest.object.key).toContain(secondManifest.file.name);
  });

  it('check --to reads latest.json: fresh within --max-age, stale past it, missing elsewhere', async () => {
    const place = await store.newPlace();
    const stored = await run(place);
    expect(stored.code, stored.stderr).toBe(0);
    const manifest = manifestSchema.parse(JSON.parse(stored.stdout));
    const check = (target: string, maxAge: string) =>
      runCli(
        [
          'check',
          '--to',
          place,
          ...store.args,
          '--kind',
          'graph',
          '--target',
          target,
          '--max-age',
          maxAge,
        ],
        store.env,
      );
    const fresh = await check(stored.gid, '1h');
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(fresh.stderr).toMatch(
      new RegExp(
        `^fresh: the last verified graph export ${manifest.exportGid} \\(backups/graph/${stored.gid}/.*asana-graph-export-\\d+\\.jsonl\\.gz, completed .*\\) is \\d+m?s old, within --max-age 1h$`,
        'm',
      ),
    );
    expect(JSON.parse(fresh.stdout)).toMatchObject({
      fresh: true,
      maxAgeSeconds: 3600,
      last: { records: manifest.records.total },
    });

    const stale = await check(stored.gid, '0s');
    expect(stale.code).toBe(10);
    expect(stale.stderr).toMatch(
      /^stale: the last verified graph export .* old, older than --max-age 0s$/m,
    );

    const missing = await check('1999999999999999', '1h');
    expect(missing.code).toBe(10);
    expect(missing.stderr).toMatch(
      /^stale: no verified export found in .*graph\/1999999999999999\/latest\.json$/m,
    );
    for (const result of [fresh, stale, missing]) {
      for (const secret of store.secrets)
        expect(result.stderr + result.stdout).not.toContain(secret);
    }
  });

  it('leaves nothing under the final key when the export fails its check', async () => {
    const place = await store.newPlace();
    sandbox.configure({ corruption: 'truncated' });
    const result = await run(place);
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toMatch(/not intact/);
    expect(await store.list(place)).toEqual([]);
    expect(await store.incomplete(place)).toEqual([]);
  });

  it('resumes a reset transfer into the same upload and stores the whole file', async () => {
    const place = await store.newPlace();
    sandbox.inject({ route: 'download', reset: 'mid-body', afterBytes: 3 * 1024 * 1024 });
    const result = await run(place);
    expect(result.code, result.stderr).toBe(0);
    const manifest: Manifest = manifestSchema.parse(JSON.parse(result.stdout));
    const file = (await store.list(place)).find((name) => name.endsWith('.jsonl.gz'));
    const stored = await store.get(place, file ?? '');
    expect(sha256(stored)).toBe((await sandbox.exportFile(manifest.jobGid ?? '')).sha256);
    expect(gunzipSync(stored).byteLength).toBeGreaterThan(0);
  });

  it('refuses bad destinations before anything is sent to Asana', async () => {
    const before = sandbox.requests.length;
    const cases: Array<[string[], RegExp]> = [
      [['--to', 'gs://bucket/x'], /Invalid --to: the scheme "gs:\/\/"/],
      [
        ['--to', store.kind === 's3' ? 's3://Bad_Bucket' : 'azure://acct/Bad_Container'],
        /Invalid --to/,
      ],
      [
        ['--to', store.kind === 's3' ? 's3://bucket' : 'azure://acct/ctr', '--out', '/tmp'],
        /Invalid --out: cannot be combined with --to/,
      ],
      [['--storage-class', 'COLD'], /Invalid --storage-class: needs --to/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(
        ['run', '--kind', 'graph', '--parent', '1', ...args, '--base-url', sandbox.apiUrl],
        { ASANA_TOKEN: sandbox.token },
      );
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    expect(asanaRequestsSince(before)).toBe(0);
  });

  it.runIf(storeIs('s3'))(
    'keeps the export and its manifest write-once when asked (Object Lock)',
    async () => {
      const place = await store.newPlace({ objectLock: true });
      const result = await run(place, [
        '--retention-mode',
        'governance',
        '--retention-days',
        '3',
        '--sse',
        'aws:kms',
        '--sse-kms-key-id',
        store.kmsKeyId ?? '',
        '--storage-class',
        'STANDARD',
      ]);
      expect(result.code, result.stderr).toBe(0);
      const keys = await store.list(place);
      const now = Date.now();
      for (const key of keys.filter((name) => !name.endsWith('latest.json'))) {
        const retention = await store.retention?.(place, key);
        expect(retention?.mode, key).toBe('GOVERNANCE');
        expect(retention?.encryption, key).toBe('aws:kms');
        const days = ((retention?.until?.getTime() ?? 0) - now) / 86_400_000;
        expect(days).toBeGreaterThan(2.9);
        expect(days).toBeLessThan(3.1);
      }
    },
  );

  it.runIf(storeIs('s3'))(
    'says what to fix when retention is asked of a bucket without Object Lock',
    async () => {
      const before = sandbox.requests.length;
      const place = await store.newPlace();
      const result = await run(place, ['--retention-mode', 'compliance', '--retention-days', '1']);
      expect(result.code, result.stderr).toBe(8);
      expect(result.stderr).toMatch(
        /GetObjectLockConfiguration of t-[0-9a-f]+: the bucket does not have Object Lock enabled/,
      );
      expect(result.stderr).toMatch(/hint: Retention needs Object Lock/);
      expect(asanaRequestsSince(before)).toBe(0);
    },
  );

  it.runIf(storeIs('s3'))(
    'asks the AWS SDK chain for credentials again as they near expiry (credential_process)',
    async () => {
      const dir = await tempDir();
      const calls = join(dir, 'calls');
      const script = join(dir, 'credentials.sh');
      const server = (
        store as TestStore & { server: { accessKeyId: string; secretAccessKey: string } }
      ).server;
      // Credentials that expire within the SDK's five-minute refresh window: every request asks again.
      await writeFile(
        script,
        `#!/bin/sh\necho x >> '${calls}'\nprintf '{"Version":1,"AccessKeyId":"%s","SecretAccessKey":"%s","Expiration":"%s"}' '${server.accessKeyId}' '${server.secretAccessKey}' "$(date -u -d '+2 minutes' +%Y-%m-%dT%H:%M:%SZ)"\n`,
        { mode: 0o700 },
      );
      const config = join(dir, 'config');
      await writeFile(config, `[profile backups]\ncredential_process = ${script}\n`);
      const place = await store.newPlace();
      const result = await run(place, [], {
        AWS_ACCESS_KEY_ID: '',
        AWS_SECRET_ACCESS_KEY: '',
        AWS_PROFILE: 'backups',
        AWS_CONFIG_FILE: config,
      });
      expect(result.code, result.stderr).toBe(0);
      expect((await readFile(calls, 'utf8')).split('\n').filter(Boolean).length).toBeGreaterThan(2);
    },
  );

  it.runIf(storeIs('s3'))('aborts and says what to fix when the store refuses a part', async () => {
    const place = await store.newPlace();
    await store.refuseWritesOver?.(place, 64 * 1024);
    const result = await run(place);
    expect(result.code, result.stderr).toBe(8);
    expect(result.stderr).toMatch(
      /S3 answered 403 QuotaExceeded to UploadPart of t-[0-9a-f]+\/backups\/graph\//,
    );
    expect(result.stderr).toMatch(/hint: .*quota is used up/);
    expect(await store.list(place)).toEqual([]);
    expect(await store.incomplete(place)).toEqual([]);
  });

  it('says when the bucket or container is missing, before the export is created', async () => {
    const before = sandbox.requests.length;
    const place = (await store.newPlace()).replace(/t-[0-9a-f]{12}/, 'missing-place');
    const result = await run(place);
    expect(result.code, result.stderr).toBe(8);
    expect(result.stderr).toMatch(store.kind === 's3' ? /NoSuchBucket/ : /ContainerNotFound/);
    expect(result.stderr).toMatch(/hint: Create the/);
    expect(asanaRequestsSince(before)).toBe(0);
  });

  it('says when the credentials are refused, before the export is created', async () => {
    const before = sandbox.requests.length;
    const place = await store.newPlace();
    const wrong: Record<string, string> =
      store.kind === 's3'
        ? { AWS_SECRET_ACCESS_KEY: 'not-the-secret-0000000000000000000000' }
        : { AZURE_STORAGE_KEY: Buffer.alloc(64, 7).toString('base64') };
    const result = await run(place, [], wrong);
    expect(result.code, result.stderr).toBe(8);
    expect(result.stderr).toMatch(store.kind === 's3' ? /SignatureDoesNotMatch/ : /403/);
    expect(asanaRequestsSince(before)).toBe(0);
    expect(await store.list(place)).toEqual([]);
  });
});
