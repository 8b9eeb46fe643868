import { createHash } from 'node:crypto';
import type { Sandbox } from '@asana-exports/sandbox';
import {
  type AzureBlobServer,
  type EntraIdAzure,
  startAzureStore,
  type TestStore,
} from '@asana-exports/test-stores';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestSchema } from '../src/protocol/manifest.js';
import { runCli, startTestSandbox } from './support/sandbox.js';

// `run --to azure://` with Microsoft Entra ID: no storage key in the environment, only a
// service principal's client secret, which @azure/identity's default chain exchanges at a
// loopback Entra endpoint (AZURE_AUTHORITY_HOST) for bearer tokens. Azurite runs over HTTPS
// with `--oauth basic`, so it checks each token's audience, issuer and lifetime.

let sandbox: Sandbox;
let store: TestStore & { server: AzureBlobServer } & EntraIdAzure;
let parent = 1500000000000000;
beforeAll(async () => {
  sandbox = await startTestSandbox({ contentBytes: 6 * 1024 * 1024 });
  // Tokens that expire inside MSAL's five-minute renewal margin: each request gets a new one.
  store = await startAzureStore({ entraId: true, tokenLifetimeSeconds: 120 });
}, 120_000);
afterAll(async () => {
  await store?.stop();
  await sandbox?.close();
});

const withoutKey = (env: Readonly<Record<string, string>>) => {
  const { AZURE_STORAGE_KEY: _, ...rest } = env;
  return rest;
};

async function run(place: string, env: Record<string, string> = {}) {
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
      '--base-url',
      sandbox.apiUrl,
      '--poll-interval',
      '100ms',
      '--poll-max-interval',
      '300ms',
    ],
    { ASANA_TOKEN: sandbox.token, ...withoutKey(store.env), ...env },
  );
  for (const secret of [sandbox.token, ...store.secrets, ...store.entra.issued]) {
    expect(result.stderr).not.toContain(secret);
    expect(result.stdout).not.toContain(secret);
  }
  return result;
}
const asanaRequests = () => sandbox.requests.filter((r) => r.origin === 'api').length;

describe('run --to azure:// with a Microsoft Entra ID bearer token', () => {
  it('has no storage key to fall back on: the environment names a service principal only', () => {
    expect(store.server.blobEndpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+\//);
    expect(Object.keys(withoutKey(store.env)).sort()).toEqual([
      'AZURE_AUTHORITY_HOST',
      'AZURE_CLIENT_ID',
      'AZURE_CLIENT_SECRET',
      'AZURE_CONFIG_DIR',
      'AZURE_TENANT_ID',
      'NODE_EXTRA_CA_CERTS',
    ]);
  });

  it('stores the export byte for byte with tokens from Entra ID, renewed as they near expiry', async () => {
    const place = await store.newPlace();
    const asked = store.entra.tokenRequests.length;
    const result = await run(place);
    expect(result.code, result.stderr).toBe(0);
    const manifest = manifestSchema.parse(JSON.parse(result.stdout));
    const keys = await store.list(place);
    const file = keys.find((key) => key.endsWith('.jsonl.gz')) ?? '';
    const stored = await store.get(place, file);
    const served = await sandbox.exportFile(manifest.jobGid ?? '');
    expect(createHash('sha256').update(stored).digest('hex')).toBe(served.sha256);
    expect(keys.filter((key) => !key.includes('.asana-export-probe-'))).toHaveLength(3);
    expect(await store.incomplete(place)).toEqual([]);
    const requests = store.entra.tokenRequests.slice(asked);
    // One token for the probe before Asana, then more as the short-lived ones near expiry.
    expect(requests.length).toBeGreaterThan(1);
    for (const request of requests) {
      expect(request).toMatchObject({
        tenant: store.entra.tenantId,
        clientId: store.entra.clientId,
        grantType: 'client_credentials',
        scope: 'https://storage.azure.com/.default',
        secretGiven: true,
        assertion: undefined,
      });
    }
  });

  it('fails when Azurite refuses the token (another audience): its check is real', async () => {
    const place = await store.newPlace();
    store.entra.setAudience('https://vault.azure.net');
    try {
      const before = asanaRequests();
      const result = await run(place);
      expect(result.code).toBe(8);
      expect(result.stderr).toMatch(/Azure Blob answered 403 AuthenticationFailed to Put Block/);
      expect(asanaRequests()).toBe(before);
      expect(await store.list(place)).toEqual([]);
    } finally {
      store.entra.setAudience('https://storage.azure.com');
    }
  });

  it('names what to fix when Entra ID refuses the client secret, before any request to Asana', async () => {
    const place = await store.newPlace();
    const before = asanaRequests();
    const result = await run(place, { AZURE_CLIENT_SECRET: 'not-the-secret-0123456789' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /Invalid --to: no Azure credentials were found \(AADSTS7000215\)/,
    );
    expect(result.stderr).toMatch(/Storage Blob Data Contributor/);
    expect(result.stderr).not.toContain('not-the-secret-0123456789');
    expect(asanaRequests()).toBe(before);
  });
});
