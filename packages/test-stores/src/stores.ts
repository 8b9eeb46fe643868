/**
 * The real stores the destination tests write to, behind one small interface to look at what
 * was stored: radosgw read back with the AWS SDK's S3 client, Azurite with Azure's SDK. Both are
 * independent of our own clients, so a test sees what any other tool would.
 */
import { randomBytes } from 'node:crypto';
import {
  CreateBucketCommand,
  GetObjectCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { type AzureBlobServer, startAzurite } from './azurite.js';
import { type FakeEntra, startFakeEntra } from './fake-entra.js';
import { hasRadosgw, type Radosgw, startRadosgw } from './radosgw.js';
import { makeTestCertificate, type TestCertificate, trustInThisProcess } from './tls.js';

export interface TestStore {
  readonly name: string;
  readonly kind: 's3' | 'azure';
  /** A fresh bucket or container; its `--to` URI with `prefix`. */
  newPlace(options?: { objectLock?: boolean }): Promise<string>;
  /** The CLI's environment and options to reach the store. */
  readonly env: Readonly<Record<string, string>>;
  readonly args: readonly string[];
  /** The secrets that must never be printed. */
  readonly secrets: readonly string[];
  list(place: string): Promise<string[]>;
  get(place: string, key: string): Promise<Uint8Array>;
  /** Writes (or replaces) an object, as a user or another tool could: what a run reads back. */
  put(place: string, key: string, bytes: Uint8Array): Promise<void>;
  /** Uploads started and neither completed nor aborted (S3), or staged blobs never committed. */
  incomplete(place: string): Promise<string[]>;
  retention?(
    place: string,
    key: string,
  ): Promise<{ mode: string | undefined; until: Date | undefined; encryption: string | undefined }>;
  /** Makes the store refuse writes once `place` holds `maxBytes` (S3 only: a bucket quota). */
  refuseWritesOver?(place: string, maxBytes: number): Promise<void>;
  /** radosgw's testing KMS key, for SSE-KMS. */
  readonly kmsKeyId?: string;
  stop(): Promise<void>;
}

function placeName(): string {
  return `t-${randomBytes(6).toString('hex')}`;
}

/** `s3://bucket/prefix` → `bucket`; `azure://account/container/prefix` → `container`. */
function bucketOf(place: string): string {
  const parts = place.replace(/^[a-z0-9]+:\/\//, '').split('/');
  return (place.startsWith('azure:') ? parts[1] : parts[0]) ?? '';
}

export async function startS3Store(): Promise<TestStore & { server: Radosgw }> {
  const server = await startRadosgw();
  const client = new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    name: 'S3 (Ceph radosgw)',
    kind: 's3',
    server,
    env: {
      AWS_ACCESS_KEY_ID: server.accessKeyId,
      AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
      AWS_REGION: server.region,
      // No profile files or instance metadata: only what this test gives.
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      AWS_EC2_METADATA_DISABLED: 'true',
    },
    args: ['--s3-endpoint', server.endpoint],
    secrets: [server.secretAccessKey],
    kmsKeyId: server.kmsKeyId,
    refuseWritesOver: (place, maxBytes) => server.setBucketQuota(bucketOf(place), maxBytes),
    async newPlace(options = {}) {
      const bucket = placeName();
      await client.send(
        new CreateBucketCommand({
          Bucket: bucket,
          ObjectLockEnabledForBucket: options.objectLock === true,
        }),
      );
      return `s3://${bucket}/backups`;
    },
    async list(place) {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: bucketOf(place) }));
      return (listed.Contents ?? []).map((object) => object.Key ?? '').sort();
    },
    async get(place, key) {
      const got = await client.send(new GetObjectCommand({ Bucket: bucketOf(place), Key: key }));
      return await (
        got.Body as { transformToByteArray(): Promise<Uint8Array> }
      ).transformToByteArray();
    },
    async put(place, key, bytes) {
      await client.send(new PutObjectCommand({ Bucket: bucketOf(place), Key: key, Body: bytes }));
    },
    async incomplete(place) {
      const listed = await client.send(
        new ListMultipartUploadsCommand({ Bucket: bucketOf(place) }),
      );
      return (listed.Uploads ?? []).map((upload) => upload.Key ?? '');
    },
    async retention(place, key) {
      const got = await client.send(
        new GetObjectRetentionCommand({ Bucket: bucketOf(place), Key: key }),
      );
      const head = await client.send(new HeadObjectCommand({ Bucket: bucketOf(place), Key: key }));
      return {
        mode: got.Retention?.Mode,
        until: got.Retention?.RetainUntilDate,
        encryption: head.ServerSideEncryption,
      };
    },
    async stop() {
      client.destroy();
      await server.stop();
    },
  };
}

/** Azurite over HTTPS checking bearer tokens, and the Entra endpoint that issues them. */
export interface EntraIdAzure {
  readonly entra: FakeEntra;
  readonly certificate: TestCertificate;
}

export async function startAzureStore(): Promise<TestStore & { server: AzureBlobServer }>;
export async function startAzureStore(options: {
  entraId: true;
  tokenLifetimeSeconds?: number;
}): Promise<TestStore & { server: AzureBlobServer } & EntraIdAzure>;
/**
 * With `entraId`, the store is reached the way Microsoft Entra ID users reach it: the CLI's
 * environment holds no storage key, only a service principal's client secret, which
 * `@azure/identity` exchanges at the loopback Entra endpoint (AZURE_AUTHORITY_HOST) for a bearer
 * token that Azurite checks. Both speak HTTPS with a certificate made for the test, which the
 * CLI trusts through NODE_EXTRA_CA_CERTS and this process through `trustInThisProcess`.
 */
export async function startAzureStore(
  options: { entraId?: boolean; tokenLifetimeSeconds?: number } = {},
): Promise<TestStore & { server: AzureBlobServer } & Partial<EntraIdAzure>> {
  const certificate = options.entraId ? await makeTestCertificate() : undefined;
  if (certificate !== undefined) trustInThisProcess(certificate);
  let entra: FakeEntra | undefined;
  let server: AzureBlobServer | undefined;
  try {
    entra =
      certificate === undefined
        ? undefined
        : await startFakeEntra(certificate, { expiresInSeconds: options.tokenLifetimeSeconds });
    server = await startAzurite(
      certificate === undefined ? {} : { https: { certificate, oauth: true } },
    );
  } catch (error) {
    await entra?.close();
    await certificate?.remove();
    throw error;
  }
  const running = server;
  // The test reads back with the account key, which Azurite accepts beside bearer tokens.
  const service = new BlobServiceClient(
    running.blobEndpoint,
    new StorageSharedKeyCredential(running.account, running.accountKey),
  );
  const env: Record<string, string> =
    entra === undefined || certificate === undefined
      ? { AZURE_STORAGE_KEY: running.accountKey }
      : {
          NODE_EXTRA_CA_CERTS: certificate.certPath,
          AZURE_AUTHORITY_HOST: entra.authorityHost,
          AZURE_TENANT_ID: entra.tenantId,
          AZURE_CLIENT_ID: entra.clientId,
          AZURE_CLIENT_SECRET: entra.clientSecret,
          // No Azure CLI login or managed identity of the machine: only what this test gives.
          AZURE_CONFIG_DIR: '/nonexistent',
        };
  return {
    name: entra === undefined ? 'Azure Blob (Azurite)' : 'Azure Blob (Azurite, Entra ID)',
    kind: 'azure',
    server: running,
    ...(entra === undefined || certificate === undefined ? {} : { entra, certificate }),
    env,
    args: ['--azure-endpoint', running.blobEndpoint],
    secrets: entra === undefined ? [running.accountKey] : [running.accountKey, entra.clientSecret],
    async newPlace() {
      const container = placeName();
      await service.getContainerClient(container).create();
      return `azure://${server.account}/${container}/backups`;
    },
    async list(place) {
      const names: string[] = [];
      for await (const blob of service.getContainerClient(bucketOf(place)).listBlobsFlat())
        names.push(blob.name);
      return names.sort();
    },
    async get(place, key) {
      return await service
        .getContainerClient(bucketOf(place))
        .getBlobClient(key)
        .downloadToBuffer();
    },
    async put(place, key, bytes) {
      await service.getContainerClient(bucketOf(place)).getBlockBlobClient(key).uploadData(bytes);
    },
    async incomplete(place) {
      // Blobs with only staged blocks are listed as uncommitted: none may carry the export's name.
      const container = service.getContainerClient(bucketOf(place));
      const names: string[] = [];
      const committed = new Set<string>();
      for await (const blob of container.listBlobsFlat({ includeUncommitedBlobs: true })) {
        names.push(blob.name);
      }
      for await (const blob of container.listBlobsFlat()) committed.add(blob.name);
      return names.filter((name) => !committed.has(name) && !name.includes('.asana-export-probe-'));
    },
    async stop() {
      await running.stop();
      await entra?.close();
      await certificate?.remove();
    },
  };
}

/**
 * The stores a destination test runs against, for `describe.each`: Azurite always; radosgw where
 * Debian's Ceph is installed (scripts/install-ceph.sh), and always under CI=true, where a missing
 * Ceph is a broken setup that must fail rather than skip.
 */
export function storesUnderTest(): Array<[string, () => Promise<TestStore>]> {
  return [
    ['Azure Blob (Azurite)', startAzureStore],
    ...(hasRadosgw() || process.env.CI === 'true'
      ? [['S3 (Ceph radosgw)', startS3Store] as [string, () => Promise<TestStore>]]
      : []),
  ];
}
