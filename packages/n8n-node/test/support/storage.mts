import type { TestStore } from '@asana-exports/test-stores';
import {
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';

/**
 * What the node's storage credential holds to reach a test store: radosgw's keys, or a SAS of
 * `container` (read, create, write, delete and list) made with Azurite's account key. The SAS's
 * signature joins the store's secrets, which no output or message may hold.
 */
export function storageCredentialData(store: TestStore, container: string) {
  if (store.kind === 's3') {
    const { server } = store as TestStore & {
      server: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string };
    };
    return {
      endpoint: server.endpoint,
      region: server.region,
      accessKeyId: server.accessKeyId,
      secretAccessKey: server.secretAccessKey,
      sessionToken: '',
      forcePathStyle: true,
    };
  }
  const { server } = store as TestStore & {
    server: { blobEndpoint: string; account: string; accountKey: string };
  };
  const sas = generateBlobSASQueryParameters(
    {
      containerName: container,
      permissions: ContainerSASPermissions.parse('rcwdl'),
      expiresOn: new Date(Date.now() + 3_600_000),
    },
    new StorageSharedKeyCredential(server.account, server.accountKey),
  ).toString();
  (store.secrets as string[]).push(decodeURIComponent(sas.replace(/.*sig=([^&]*).*/, '$1')));
  return { account: server.account, sasToken: sas, blobEndpoint: server.blobEndpoint };
}
