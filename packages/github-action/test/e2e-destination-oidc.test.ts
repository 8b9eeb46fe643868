/**
 * `destination: azure://…` with GitHub OIDC and no azure/login: the built action asks the
 * runner's ID-token service (a loopback stand-in) for a fresh GitHub token each time
 * @azure/identity needs a Storage token from Entra ID (a loopback token endpoint), and Azurite,
 * over HTTPS with `--oauth basic`, checks every bearer token it gets. Tokens live two minutes,
 * inside MSAL's five-minute renewal margin, so every store request needs a new one: what a run
 * past azure/login's one-hour session needs too.
 */
import { createHash } from 'node:crypto';
import {
  type AzureBlobServer,
  type EntraIdAzure,
  startAzureStore,
  type TestStore,
} from '@asana-exports/test-stores';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorLine, expectNoSecrets, startWorld, type World } from './support/fixtures.js';
import { type IdTokenService, startIdTokenService } from './support/id-token-service.js';
import { REPOSITORY } from './support/runner.js';

let world: World;
let store: TestStore & { server: AzureBlobServer } & EntraIdAzure;
let ids: IdTokenService;
beforeAll(async () => {
  world = await startWorld({ contentBytes: 3 * 1024 * 1024 });
  store = await startAzureStore({ entraId: true, tokenLifetimeSeconds: 120 });
  ids = await startIdTokenService(`repo:${REPOSITORY}:ref:refs/heads/main`);
}, 120_000);
afterAll(async () => {
  await ids?.close();
  await store?.stop();
  await world?.close();
});

/** The job's environment: the ids of the identity and the runner's OIDC variables, no secret. */
function oidcEnv(extra: Record<string, string> = {}): Record<string, string> {
  const { AZURE_STORAGE_KEY: _key, AZURE_CLIENT_SECRET: _secret, ...rest } = store.env;
  return { ...rest, ...ids.env, ...extra };
}

async function act(place: string, env: Record<string, string>) {
  const result = await world.act(
    world.newRun(),
    {
      kind: 'graph',
      parent: world.newGid(),
      destination: place,
      'azure-endpoint': store.server.blobEndpoint,
    },
    { env },
  );
  expectNoSecrets(result, [
    world.sandbox.token,
    ...store.secrets,
    ids.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN,
    ...ids.issued,
    ...store.entra.issued,
  ]);
  return result;
}
const asanaRequests = () => world.sandbox.requests.length;

describe('destination: Azure with GitHub OIDC, renewed for every token', () => {
  it('stores the export with tokens that each came from a fresh GitHub ID token', async () => {
    const place = await store.newPlace();
    const asked = ids.requests.length;
    const exchanged = store.entra.tokenRequests.length;
    store.entra.acceptAssertion((assertion) => ids.issued.includes(assertion));
    const result = await act(place, oidcEnv());
    expect(result.code, result.stdout).toBe(0);
    const key = result.outputs['object-key'] ?? '';
    const served = await world.sandbox.exportFile(result.outputs['job-gid'] ?? '');
    const stored = await store.get(place, key);
    expect(createHash('sha256').update(stored).digest('hex')).toBe(served.sha256);
    expect(await store.incomplete(place)).toEqual([]);

    const idRequests = ids.requests.slice(asked);
    const tokenRequests = store.entra.tokenRequests.slice(exchanged);
    // The probe's token before Asana, then new ones as they near expiry, each with a GitHub ID
    // token of its own, asked for then (MSAL also asks for one it does not send: not counted).
    expect(tokenRequests.length).toBeGreaterThan(1);
    expect(idRequests.length).toBeGreaterThanOrEqual(tokenRequests.length);
    for (const request of idRequests) {
      expect(request).toEqual({ audience: 'api://AzureADTokenExchange', authorized: true });
    }
    const fresh = ids.issued.slice(asked);
    const assertions = tokenRequests.map((request) => request.assertion ?? '');
    for (const assertion of assertions) expect(fresh).toContain(assertion);
    expect(new Set(assertions).size).toBe(assertions.length);
    for (const request of tokenRequests) {
      expect(request).toMatchObject({
        tenant: store.entra.tenantId,
        clientId: store.entra.clientId,
        grantType: 'client_credentials',
        scope: 'https://storage.azure.com/.default',
        secretGiven: false,
      });
    }
    // Each GitHub ID token is masked as soon as it is had.
    for (const token of ids.issued.slice(asked)) {
      expect(result.stdout).toContain(`::add-mask::${token}`);
    }
  });

  it('asks Entra ID once for a run its token outlasts: no ID token per part upload', async () => {
    const place = await store.newPlace();
    store.entra.setTokenLifetime(3600);
    try {
      const asked = ids.requests.length;
      const exchanged = store.entra.tokenRequests.length;
      const result = await act(place, oidcEnv());
      expect(result.code, result.stdout).toBe(0);
      expect(store.entra.tokenRequests.length - exchanged).toBe(1);
      expect(ids.requests.length - asked).toBeLessThanOrEqual(2);
      // The run did make many requests with that one token: the probe, blocks, commits.
      expect(await store.list(place)).toHaveLength(3);
    } finally {
      store.entra.setTokenLifetime(120);
    }
  });

  it('falls back to the default chain without the OIDC variables (a client secret here)', async () => {
    const place = await store.newPlace();
    const asked = ids.requests.length;
    const exchanged = store.entra.tokenRequests.length;
    const {
      ACTIONS_ID_TOKEN_REQUEST_URL: _url,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: _token,
      ...env
    } = oidcEnv({ AZURE_CLIENT_SECRET: store.entra.clientSecret });
    const result = await act(place, env);
    expect(result.code, result.stdout).toBe(0);
    expect(ids.requests.length).toBe(asked);
    const tokenRequests = store.entra.tokenRequests.slice(exchanged);
    expect(tokenRequests.length).toBeGreaterThan(0);
    for (const request of tokenRequests) {
      expect(request).toMatchObject({ secretGiven: true, assertion: undefined });
    }
  });

  it('fails before any request to Asana when Entra ID has no federated credential for the token', async () => {
    const place = await store.newPlace();
    store.entra.acceptAssertion(() => false);
    try {
      const before = asanaRequests();
      const result = await act(place, oidcEnv());
      expect(result.code).toBe(1);
      expect(errorLine(result)).toMatch(
        /Invalid destination: no Azure token could be had with the GitHub OIDC token for AZURE_CLIENT_ID in AZURE_TENANT_ID \(AADSTS700213\)/,
      );
      expect(result.stdout).toMatch(/federated credential/);
      expect(result.stdout).toMatch(/id-token: write/);
      expect(result.stdout).toContain('Nothing was sent to Asana');
      expect(asanaRequests()).toBe(before);
      expect(await store.list(place)).toEqual([]);
    } finally {
      store.entra.acceptAssertion((assertion) => ids.issued.includes(assertion));
    }
  });
});
