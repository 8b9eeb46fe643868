/**
 * Opens the store a `--to` / `destination` names, with the credentials the user already has:
 * for S3 the AWS SDK's default chain (environment, shared profiles and SSO, web identity from
 * `aws-actions/configure-aws-credentials`, container and instance roles); for Azure a SAS token
 * or account key from the Azure CLI's environment variables, else Microsoft Entra ID through
 * `@azure/identity` (`azure/login`, managed identities, `az login`). Never a secret of ours.
 */
import type { Dispatcher } from 'undici';
import { type AzureAuth, createAzureStore } from '../protocol/azure-store.js';
import type { Destination } from '../protocol/destination.js';
import { InputError } from '../protocol/errors.js';
import type { ObjectStore } from '../protocol/object-store.js';
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
}

const DAY_MS = 24 * 60 * 60_000;

/** The store, with credentials found (or a clear InputError): nothing is sent yet. */
export async function openStore(options: OpenStoreOptions): Promise<ObjectStore> {
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
  const { env } = options;
  const sas = envValue(env, 'AZURE_STORAGE_SAS_TOKEN', (value) =>
    checkSas('AZURE_STORAGE_SAS_TOKEN', value),
  );
  if (sas !== undefined) return { type: 'sas', token: sas };
  const key = envValue(env, 'AZURE_STORAGE_KEY', (value) =>
    checkAccountKey('AZURE_STORAGE_KEY', value),
  );
  if (key !== undefined) return { type: 'shared-key', accountKey: key };
  const { DefaultAzureCredential } = await import('@azure/identity');
  const credential = new DefaultAzureCredential();
  const token = async () => {
    const found = await credential.getToken('https://storage.azure.com/.default');
    return found.token;
  };
  try {
    await token();
  } catch {
    throw new InputError(
      options.names.destination,
      'no Azure credentials were found',
      'Set AZURE_STORAGE_SAS_TOKEN or AZURE_STORAGE_KEY, sign in with az login, or (in GitHub Actions) run azure/login first; the identity needs the Storage Blob Data Contributor role on the container.',
    );
  }
  return { type: 'bearer', token };
}

function envValue<T>(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  parse: (value: string) => T,
): T | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : parse(value);
}

/** A SAS is a query string of printable characters: anything else would corrupt the URL. */
function checkSas(input: string, value: string): string {
  const token = value.trim().replace(/^\?/, '');
  if (!/^[\x21-\x7e]+$/.test(token) || !/(^|&)sig=/.test(token)) {
    throw new InputError(
      input,
      'is not a SAS token (a query string with sig=...)',
      'Copy the SAS token as the portal or az storage container generate-sas gives it.',
    );
  }
  return token;
}

function checkAccountKey(input: string, value: string): string {
  const key = value.trim();
  if (!/^[A-Za-z0-9+/]{20,}={0,2}$/.test(key)) {
    throw new InputError(
      input,
      'is not a storage account key (base64)',
      "Copy one of the account's access keys as the portal shows it.",
    );
  }
  return key;
}
