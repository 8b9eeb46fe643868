/**
 * Opens the store a `--to` / `destination` names, with the credentials the user already has:
 * for S3 the AWS SDK's default chain (environment, shared profiles and SSO, web identity from
 * `aws-actions/configure-aws-credentials`, container and instance roles); for Azure a SAS token
 * or account key from the Azure CLI's environment variables, else Microsoft Entra ID through
 * `@azure/identity`: a client assertion the front end mints afresh for every token (the action's
 * GitHub OIDC token), else the default chain (`azure/login`, managed identities, `az login`).
 * Never a secret of ours.
 */
import { type Dispatcher, EnvHttpProxyAgent } from 'undici';
import { chooseAzureCredential } from '../protocol/azure-credential.js';
import { type AzureAuth, createAzureStore } from '../protocol/azure-store.js';
import type { Destination } from '../protocol/destination.js';
import { InputError } from '../protocol/errors.js';
import type { ObjectReader, ObjectStore } from '../protocol/object-store.js';
import type { Clock, Random } from '../protocol/ports.js';
import type { RetryPolicy } from '../protocol/retry.js';
import { createS3Store } from '../protocol/s3-store.js';
import type { AwsCredentials } from '../protocol/sigv4.js';
import {
  type AzureTier,
  parseEndpoint,
  parseRegion,
  type StoreSettings,
} from '../protocol/store-settings.js';
import { readAwsCaBundle } from './aws-ca-bundle.js';
import { systemClock } from './clock.js';
import { createUndiciStoreHttp, storeDispatcherTrusting } from './store-http.js';

export type { StoreSettings } from '../protocol/store-settings.js';

/** The input names the front end uses, for messages. */
export interface StoreInputNames {
  readonly destination: string;
  readonly region: string;
  readonly endpoint: string;
}

export interface OpenStoreOptions {
  readonly destination: Destination;
  readonly settings: StoreSettings;
  readonly names: StoreInputNames;
  /** The environment to read credentials and defaults from (untrusted: every value is checked). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly dispatcher: Dispatcher;
  readonly clock: Clock;
  readonly random: Random;
  readonly retry?: RetryPolicy | undefined;
  readonly requestTimeoutMs?: number | undefined;
  /**
   * A fresh client assertion (a federated token) for each Microsoft Entra token request: the
   * GitHub Action passes the job's OIDC token. With AZURE_TENANT_ID and AZURE_CLIENT_ID set, and
   * no SAS or key, Azure's bearer tokens come from it rather than the default chain.
   */
  readonly azureClientAssertion?: (() => Promise<string>) | undefined;
}

const DAY_MS = 24 * 60 * 60_000;

/** Where stored exports are read from, with the credentials' settings and the inputs' names. */
export type StorePlace = Pick<
  OpenStoreOptions,
  'destination' | 'settings' | 'names' | 'env' | 'requestTimeoutMs' | 'azureClientAssertion'
>;

/**
 * Opens the store of `place` for one use (reading back what was stored: `check --to`,
 * `diff --to`) over a dispatcher of its own that honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY, as
 * the export's own requests do, and closes that dispatcher after.
 */
export async function withStore<T>(
  place: StorePlace,
  use: (store: ObjectStore & ObjectReader) => Promise<T>,
): Promise<T> {
  const dispatcher = new EnvHttpProxyAgent();
  try {
    return await use(
      await openStore({ ...place, dispatcher, clock: systemClock, random: Math.random }),
    );
  } finally {
    await dispatcher.close();
  }
}

/** The store, with credentials found (or a clear InputError): nothing is sent yet. */
export async function openStore(options: OpenStoreOptions): Promise<ObjectStore & ObjectReader> {
  const { destination, settings, clock } = options;
  // The AWS tools' private-CA setting applies to S3 only, and is read before any request.
  const ca = destination.store === 's3' ? await readAwsCaBundle(options.env) : undefined;
  const context = {
    http: createUndiciStoreHttp({
      dispatcher: ca === undefined ? options.dispatcher : storeDispatcherTrusting(ca),
      certificateHint: certificateHint(destination.store, ca !== undefined),
      ...(options.requestTimeoutMs === undefined ? {} : { timeoutMs: options.requestTimeoutMs }),
    }),
    clock,
    random: options.random,
    retry: options.retry,
  };
  const retainUntil =
    settings.retention === undefined ? undefined : clock.now() + settings.retention.days * DAY_MS;
  if (destination.store === 's3') {
    const endpoint = s3Endpoint(options);
    const region = s3Region(options, endpoint);
    const credentials = await awsCredentials(options.names.destination);
    return createS3Store({
      ...context,
      bucket: destination.bucket,
      region,
      endpoint,
      pathStyle: settings.pathStyle,
      credentials,
      serverSideEncryption: settings.serverSideEncryption,
      kmsKeyId: settings.kmsKeyId,
      storageClass: settings.storageClass,
      objectLock:
        settings.retention === undefined || retainUntil === undefined
          ? undefined
          : {
              mode: settings.retention.mode === 'compliance' ? 'COMPLIANCE' : 'GOVERNANCE',
              retainUntil,
            },
    });
  }
  const endpoint =
    settings.endpoint ??
    envValue(options.env, 'AZURE_STORAGE_BLOB_ENDPOINT', (value) =>
      parseEndpoint('AZURE_STORAGE_BLOB_ENDPOINT', value),
    );
  return createAzureStore({
    ...context,
    account: destination.account,
    container: destination.container,
    endpoint,
    auth: await azureAuth(options),
    accessTier: settings.storageClass as AzureTier | undefined,
    encryptionScope: settings.encryptionScope,
    immutability:
      settings.retention === undefined || retainUntil === undefined
        ? undefined
        : {
            mode: settings.retention.mode === 'compliance' ? 'Locked' : 'Unlocked',
            until: retainUntil,
          },
  });
}

function certificateHint(store: Destination['store'], bundled: boolean): string {
  if (store === 'azure') {
    return "The endpoint's TLS certificate is not trusted: set NODE_EXTRA_CA_CERTS to the PEM file of the CA that issued it.";
  }
  return bundled
    ? "The S3 endpoint's TLS certificate is not issued by a CA in AWS_CA_BUNDLE: add that CA's PEM certificate to the file."
    : "The S3 endpoint's TLS certificate is not trusted: set AWS_CA_BUNDLE to the PEM file of the CA that issued it.";
}

function s3Endpoint(options: OpenStoreOptions): string | undefined {
  if (options.settings.endpoint !== undefined) return options.settings.endpoint;
  for (const name of ['AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL']) {
    const value = envValue(options.env, name, (text) => parseEndpoint(name, text));
    if (value !== undefined) return value;
  }
  return undefined;
}

function s3Region(options: OpenStoreOptions, endpoint: string | undefined): string {
  if (options.settings.region !== undefined) return options.settings.region;
  for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION']) {
    const value = envValue(options.env, name, (text) => parseRegion(name, text));
    if (value !== undefined) return value;
  }
  // S3-compatible stores mostly ignore the region; us-east-1 is what their SDK examples sign for.
  if (endpoint !== undefined) return 'us-east-1';
  throw new InputError(
    options.names.region,
    'no AWS region is set',
    `Set the bucket's region with ${options.names.region}, or AWS_REGION (aws-actions/configure-aws-credentials sets it).`,
  );
}

/**
 * The SDK's default chain, asked again before each request: it caches what it found and
 * refreshes temporary credentials in their last five minutes. Asked once here, so that a run
 * without any fails before the export is created.
 */
async function awsCredentials(input: string): Promise<() => Promise<AwsCredentials>> {
  const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
  const provider = defaultProvider();
  const read = async (): Promise<AwsCredentials> => {
    const found = await provider();
    return {
      accessKeyId: found.accessKeyId,
      secretAccessKey: found.secretAccessKey,
      sessionToken: found.sessionToken,
      expiresAt: found.expiration?.getTime(),
    };
  };
  try {
    await read();
  } catch {
    // The SDK's message may quote a profile file or a token endpoint: ours says what to do.
    throw new InputError(
      input,
      'no AWS credentials were found',
      'Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or (in GitHub Actions) run aws-actions/configure-aws-credentials with role-to-assume first.',
    );
  }
  return read;
}

async function azureAuth(options: OpenStoreOptions): Promise<AzureAuth> {
  const assertion = options.azureClientAssertion;
  const choice = chooseAzureCredential(options.env, {
    assertionAvailable: assertion !== undefined,
  });
  if (choice.type === 'sas') return { type: 'sas', token: choice.token };
  if (choice.type === 'shared-key') return { type: 'shared-key', accountKey: choice.accountKey };
  const { ClientAssertionCredential, DefaultAzureCredential } = await import('@azure/identity');
  // An authority the user names is trusted as given: instance discovery would ask
  // login.microsoftonline.com to vouch for a host it does not know (a private cloud).
  const authority =
    choice.authorityHost === undefined
      ? {}
      : { authorityHost: choice.authorityHost, disableInstanceDiscovery: true };
  const credential =
    choice.type === 'client-assertion' && assertion !== undefined
      ? new ClientAssertionCredential(choice.tenantId, choice.clientId, assertion, authority)
      : new DefaultAzureCredential(authority);
  const token = cachedToken(() => credential.getToken(STORAGE_SCOPE), options.clock);
  try {
    await token();
  } catch (error) {
    throw noAzureToken(options.names.destination, choice.type, error);
  }
  return { type: 'bearer', token };
}

const STORAGE_SCOPE = 'https://storage.azure.com/.default';
/** Renewed this long before it expires, as MSAL does: a request never leaves with a stale one. */
const RENEW_BEFORE_MS = 5 * 60_000;

/**
 * The token until it nears expiry, then a new one; concurrent requests share one renewal. Held
 * here because MSAL asks for a new client assertion (a GitHub ID token) on every call, even when
 * it answers from its cache: hundreds of part uploads must not mean hundreds of ID tokens.
 */
function cachedToken(
  get: () => Promise<{ token: string; expiresOnTimestamp: number; refreshAfterTimestamp?: number }>,
  clock: Clock,
): () => Promise<string> {
  let held: { token: string; renewAt: number } | undefined;
  let renewing: Promise<string> | undefined;
  return async () => {
    if (held !== undefined && clock.now() < held.renewAt) return held.token;
    renewing ??= get()
      .then((found) => {
        const renewAt = Math.min(
          found.refreshAfterTimestamp ?? Number.POSITIVE_INFINITY,
          found.expiresOnTimestamp - RENEW_BEFORE_MS,
        );
        held = { token: found.token, renewAt };
        return found.token;
      })
      .finally(() => {
        renewing = undefined;
      });
    return await renewing;
  };
}

function noAzureToken(input: string, type: 'client-assertion' | 'default', error: unknown) {
  // Entra's AADSTS code says what is wrong (no federated credential for this subject, a wrong
  // tenant) without the rest of its message, which may quote request details.
  const code = /AADSTS\d{5,7}/.exec(String((error as { message?: unknown })?.message))?.[0];
  const because = code === undefined ? '' : ` (${code})`;
  if (type === 'client-assertion') {
    return new InputError(
      input,
      `no Azure token could be had with the GitHub OIDC token for AZURE_CLIENT_ID in AZURE_TENANT_ID${because}`,
      "Add a federated credential to that app registration or managed identity for this repository's subject (e.g. repo:OWNER/REPO:ref:refs/heads/main, audience api://AzureADTokenExchange), and give the job permissions: id-token: write; or set AZURE_STORAGE_SAS_TOKEN instead.",
    );
  }
  return new InputError(
    input,
    `no Azure credentials were found${because}`,
    'Set AZURE_STORAGE_SAS_TOKEN or AZURE_STORAGE_KEY, sign in with az login, or (in GitHub Actions) run azure/login first; the identity needs the Storage Blob Data Contributor role on the container.',
  );
}

function envValue<T>(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  parse: (value: string) => T,
): T | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : parse(value);
}
