import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sandbox } from '@asana-exports/sandbox';
import {
  hasRadosgw,
  makeTestCertificate,
  startS3Store,
  startTlsFront,
  type TestCertificate,
  type TestStore,
  type TlsFront,
} from '@asana-exports/test-stores';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestSchema } from '../src/protocol/manifest.js';
import { runCli, startTestSandbox, tempDir } from './support/sandbox.js';

// AWS_CA_BUNDLE: a real S3 server (Ceph's radosgw) behind TLS with a certificate no default root
// vouches for, as a store inside a company network is. The CLI trusts it only through the bundle.
const RUN = hasRadosgw() || process.env.CI === 'true';

describe.runIf(RUN)('run --to s3:// over TLS with a private CA (AWS_CA_BUNDLE)', () => {
  let sandbox: Sandbox;
  let store: TestStore;
  let certificate: TestCertificate;
  let front: TlsFront;
  let parent = 1490000000000000;
  beforeAll(async () => {
    sandbox = await startTestSandbox({ contentBytes: 3 * 1024 * 1024 });
    store = await startS3Store();
    certificate = await makeTestCertificate();
    const server = (store as TestStore & { server: { endpoint: string } }).server;
    front = await startTlsFront(server.endpoint, certificate);
  }, 180_000);
  afterAll(async () => {
    await front?.close();
    await certificate?.remove();
    await store?.stop();
    await sandbox?.close();
  });

  async function run(place: string, env: Record<string, string>) {
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
        '--s3-endpoint',
        front.endpoint,
        '--base-url',
        sandbox.apiUrl,
        '--poll-interval',
        '100ms',
        '--poll-max-interval',
        '300ms',
      ],
      { ASANA_TOKEN: sandbox.token, ...store.env, ...env },
    );
    for (const secret of [sandbox.token, ...store.secrets]) {
      expect(result.stderr).not.toContain(secret);
      expect(result.stdout).not.toContain(secret);
    }
    return result;
  }
  const asanaRequests = () => sandbox.requests.filter((r) => r.origin === 'api').length;

  it('stores the export through the TLS endpoint the bundle vouches for', async () => {
    const place = await store.newPlace();
    const handshakes = front.handshakes();
    const result = await run(place, { AWS_CA_BUNDLE: certificate.certPath });
    expect(result.code, result.stderr).toBe(0);
    const manifest = manifestSchema.parse(JSON.parse(result.stdout));
    const file = (await store.list(place)).find((key) => key.endsWith('.jsonl.gz')) ?? '';
    const stored = await store.get(place, file);
    const served = await sandbox.exportFile(manifest.jobGid ?? '');
    expect(createHash('sha256').update(stored).digest('hex')).toBe(served.sha256);
    // The bytes went through the TLS front, not around it.
    expect(front.handshakes()).toBeGreaterThan(handshakes);
    expect(await store.incomplete(place)).toEqual([]);
  });

  it('refuses the endpoint without the bundle: the default roots do not vouch for it', async () => {
    const place = await store.newPlace();
    const before = asanaRequests();
    const refused = front.refusedHandshakes();
    const result = await run(place, {});
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Object storage request failed \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
    expect(result.stderr).toMatch(/set AWS_CA_BUNDLE to the PEM file of the CA that issued it/);
    // One handshake: an untrusted certificate is not retried (it would be the same again).
    expect(front.refusedHandshakes()).toBe(refused + 1);
    expect(asanaRequests()).toBe(before);
    expect(await store.list(place)).toEqual([]);
  });

  it('names AWS_CA_BUNDLE when its file cannot be read or holds no certificate', async () => {
    const place = await store.newPlace();
    const before = asanaRequests();
    const missing = await run(place, { AWS_CA_BUNDLE: '/nonexistent/ca.pem' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /Invalid AWS_CA_BUNDLE: the file it names cannot be read \(ENOENT\)/,
    );
    expect(missing.stderr).toMatch(/path of a readable PEM file/);
    const notPem = join(await tempDir(), 'ca.der');
    await writeFile(notPem, Buffer.from([0x30, 0x82, 0x01, 0x0a]));
    const wrong = await run(place, { AWS_CA_BUNDLE: notPem });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(
      /Invalid AWS_CA_BUNDLE: the file it names holds no PEM certificate/,
    );
    expect(asanaRequests()).toBe(before);
  });
});
