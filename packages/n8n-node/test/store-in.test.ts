import { NodeOperationError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { AsanaExport } from '../nodes/AsanaExport/AsanaExport.node';
import { fakeContext } from './support/fakeContext.mts';

/**
 * Store In's fields are read and checked before anything is sent: a typo in a bucket name, a
 * prefix or a retention setting must fail at once, naming the field, rather than after the
 * export has been created and waited for. Nothing listens on the Asana URL: every request the
 * node sends is recorded first, so none may be there.
 */
const node = new AsanaExport();
const ASANA_PATH = '/api/1.0';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SAS_SIGNATURE = 'c2VjcmV0LXNpZ25hdHVyZQ%3D%3D';

const s3Credential = {
  endpoint: 'http://127.0.0.1:9',
  region: 'us-east-1',
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: SECRET,
  sessionToken: '',
  forcePathStyle: true,
};
const azureCredential = {
  account: 'devstoreaccount1',
  blobEndpoint: 'http://127.0.0.1:9/devstoreaccount1',
  sasToken: `sv=2022-11-02&sr=c&sp=cw&se=2030-01-01T00%3A00%3A00Z&sig=${SAS_SIGNATURE}`,
};

const download = { operation: 'download', kind: 'graph', gid: '1830000000000001' };
const create = {
  operation: 'create',
  kind: 'graph',
  parent: '1830000000000001',
  waitForCompletion: true,
  download: true,
};

async function failure(parameters: Record<string, unknown>) {
  const fake = await fakeContext({
    parameters: { resource: 'export', authentication: 'accessToken', ...parameters },
    credentials: {
      accessToken: 'asana-token-never-shown',
      baseUrl: `http://127.0.0.1:9${ASANA_PATH}`,
    },
    otherCredentials: {
      asanaExportsS3Api: s3Credential,
      asanaExportsAzureBlobApi: azureCredential,
    },
  });
  try {
    const error = await node.execute.call(fake.context).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(Error);
    const text = JSON.stringify({
      message: (error as Error).message,
      description: (error as NodeOperationError).description,
    });
    for (const secret of [SECRET, SAS_SIGNATURE, 'asana-token-never-shown']) {
      expect(text).not.toContain(secret);
    }
    return { error: error as NodeOperationError, requests: fake.requests };
  } finally {
    await fake.close();
  }
}

describe.each([
  ['Download', download],
  ['Create with download', create],
])('Store In on %s', (_name, operation) => {
  const s3 = { ...operation, storeIn: 's3', bucket: 'acme-backups', prefix: 'asana' };
  const azure = { ...operation, storeIn: 'azure', container: 'backups', prefix: 'asana' };

  it.each([
    ['a bucket name with capitals', { ...s3, bucket: 'Acme_Backups' }, /Bucket/],
    ['a bucket name with a slash', { ...s3, bucket: 'acme/backups' }, /Bucket.*slash/],
    ['a container name with capitals', { ...azure, container: 'Backups' }, /Container/],
    ['a prefix with two slashes in a row', { ...s3, prefix: 'a//b' }, /Prefix.*empty segment/],
    ['a prefix with ..', { ...azure, prefix: 'a/../b' }, /Prefix/],
    [
      'a layout with an unknown placeholder',
      { ...s3, storageOptions: { layout: '{kind}/{nope}' } },
      /Layout.*\{nope\} is not a placeholder/,
    ],
    [
      'retention days out of range',
      { ...s3, storageOptions: { retentionMode: 'compliance', retentionDays: 0 } },
      /Retention Days/,
    ],
    [
      'an S3 storage class in lower case',
      { ...s3, storageOptions: { storageClass: 'standard_ia' } },
      /Storage Class/,
    ],
    [
      'an Azure access tier that does not exist',
      { ...azure, storageOptions: { storageClass: 'Frozen' } },
      /Storage Class/,
    ],
    [
      'Decompress, which applies to binary data only',
      { ...s3, options: { decompress: true } },
      /Decompress/,
    ],
    [
      'a key that is not an age recipient',
      { ...azure, options: { encryptTo: 'age1notakey' } },
      /Encrypt To/,
    ],
  ])('refuses %s before any request', async (_case, parameters, message) => {
    const { error, requests } = await failure(parameters);
    expect(error).toBeInstanceOf(NodeOperationError);
    expect(error.message).toMatch(message);
    expect(error.context.itemIndex).toBe(0);
    expect(requests).toEqual([]);
  });

  it('probes the store before asking Asana anything, and says when it cannot be reached', async () => {
    const { error, requests } = await failure(s3);
    // n8n words ECONNREFUSED its own way; what failed is kept in the description.
    expect(error.description).toMatch(/^Object storage request failed \(ECONNREFUSED\)/);
    expect(`${error.message} ${error.description ?? ''}`).not.toMatch(/127\.0\.0\.1:9/);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((request) => request.url.startsWith(ASANA_PATH))).toEqual([]);
  });
});
