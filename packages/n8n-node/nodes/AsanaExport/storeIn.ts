import {
  checkPrefix,
  createAzureStore,
  createS3Store,
  type DestinationInputs,
  type DestinationOption,
  InputError,
  type ObjectReader,
  type ObjectStore,
  parseEndpoint,
  parseRegion,
  readDestinationInputs,
} from '@asana-exports/core/protocol';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import type { Runtime } from './transport/runtime';
import { createStoreHttp } from './transport/storeHttp';

export type StoreIn = 'binary' | 's3' | 'azure';

/** What the node's fields are called, for messages that name the field to fix. */
const FIELD_NAMES: Readonly<Record<DestinationOption, string>> = {
  to: 'Bucket',
  layout: 'Layout',
  'storage-class': 'Storage Class',
  'retention-mode': 'Retention Mode',
  'retention-days': 'Retention Days',
  's3-region': 'Region',
  's3-endpoint': 'Endpoint',
  's3-path-style': 'Force Path Style',
  sse: 'Server-Side Encryption',
  'sse-kms-key-id': 'KMS Key ID',
  'azure-endpoint': 'Blob Endpoint',
  'azure-encryption-scope': 'Encryption Scope',
};

export function readStoreIn(context: IExecuteFunctions, itemIndex: number): StoreIn {
  const value = context.getNodeParameter('storeIn', itemIndex, 'binary');
  return value === 's3' || value === 'azure' ? value : 'binary';
}

export interface OpenedDestination extends DestinationInputs {
  readonly store: ObjectStore & ObjectReader;
}

/**
 * The store Store In names, from the node's fields and this package's storage credentials, each
 * checked by the core's rules before anything is sent. The node signs its own requests (SigV4,
 * or the container's SAS), over n8n's HTTP helper.
 */
export async function openDestination(
  context: IExecuteFunctions,
  itemIndex: number,
  storeIn: 's3' | 'azure',
  runtime: Pick<Runtime, 'clock' | 'random'>,
  timeoutMs: number,
): Promise<OpenedDestination> {
  const field = (name: string) =>
    String(context.getNodeParameter(name, itemIndex, '') ?? '').trim();
  const options = context.getNodeParameter('storageOptions', itemIndex, {}) as IDataObject;
  const option = (name: string) => {
    const value = options[name];
    return value === undefined || value === null ? undefined : String(value);
  };
  // Checked on their own first, so a message names the field to fix (in the core's `to` the
  // prefix follows the bucket, and a slash in the bucket would silently start the prefix).
  const prefix = checkPrefix('Prefix', field('prefix').replace(/^\/+/, ''));
  const place = field(storeIn === 's3' ? 'bucket' : 'container');
  if (place.includes('/')) {
    throw new InputError(
      storeIn === 's3' ? 'Bucket' : 'Container',
      `"${place.slice(0, 80)}" holds a slash`,
      'Give only the name here, and the folder under Prefix.',
    );
  }
  const common = {
    http: createStoreHttp(context, timeoutMs),
    clock: runtime.clock,
    random: runtime.random,
  };
  if (storeIn === 's3') {
    const credentials = await context.getCredentials('asanaExportsS3Api', itemIndex);
    const endpointText = String(credentials.endpoint ?? '').trim();
    const inputs = read(
      {
        to: `s3://${place}/${prefix}`,
        layout: option('layout'),
        'storage-class': option('storageClass'),
        'retention-mode': option('retentionMode'),
        'retention-days': option('retentionDays'),
        sse: option('serverSideEncryption'),
        'sse-kms-key-id': option('kmsKeyId'),
      },
      'Bucket',
    );
    const accessKeyId = String(credentials.accessKeyId ?? '').trim();
    const secretAccessKey = String(credentials.secretAccessKey ?? '');
    if (accessKeyId === '' || secretAccessKey === '') {
      throw new InputError(
        'S3-Compatible Storage credential',
        'has no access key',
        'Fill in Access Key ID and Secret Access Key.',
      );
    }
    const sessionToken = String(credentials.sessionToken ?? '').trim();
    const retainUntil = retentionUntil(inputs, runtime);
    const store = createS3Store({
      ...common,
      bucket: inputs.destination.store === 's3' ? inputs.destination.bucket : '',
      region: parseRegion('Region', String(credentials.region ?? 'us-east-1')),
      endpoint: endpointText === '' ? undefined : parseEndpoint('Endpoint', endpointText),
      pathStyle: credentials.forcePathStyle === true ? true : undefined,
      credentials: async () => ({
        accessKeyId,
        secretAccessKey,
        sessionToken: sessionToken || undefined,
      }),
      serverSideEncryption: inputs.settings.serverSideEncryption,
      kmsKeyId: inputs.settings.kmsKeyId,
      storageClass: inputs.settings.storageClass,
      objectLock:
        retainUntil === undefined || inputs.settings.retention === undefined
          ? undefined
          : {
              mode: inputs.settings.retention.mode === 'compliance' ? 'COMPLIANCE' : 'GOVERNANCE',
              retainUntil,
            },
    });
    return { ...inputs, store };
  }
  const credentials = await context.getCredentials('asanaExportsAzureBlobApi', itemIndex);
  const account = String(credentials.account ?? '').trim();
  const sas = String(credentials.sasToken ?? '')
    .trim()
    .replace(/^\?/, '');
  if (!/^[\x21-\x7e]+$/.test(sas) || !/(^|&)sig=/.test(sas)) {
    throw new InputError(
      'Azure Blob Storage credential',
      'has no usable SAS token (a query string with sig=...)',
      'Paste the SAS token as az storage container generate-sas prints it.',
    );
  }
  const endpointText = String(credentials.blobEndpoint ?? '').trim();
  const inputs = read(
    {
      to: `azure://${account}/${place}/${prefix}`,
      layout: option('layout'),
      'storage-class': option('storageClass'),
      'retention-mode': option('retentionMode'),
      'retention-days': option('retentionDays'),
      'azure-encryption-scope': option('encryptionScope'),
    },
    'Container',
  );
  const retainUntil = retentionUntil(inputs, runtime);
  const store = createAzureStore({
    ...common,
    account,
    container: inputs.destination.store === 'azure' ? inputs.destination.container : '',
    endpoint: endpointText === '' ? undefined : parseEndpoint('Blob Endpoint', endpointText),
    auth: { type: 'sas', token: sas },
    accessTier: inputs.settings.storageClass as 'Hot' | 'Cool' | 'Cold' | 'Archive' | undefined,
    encryptionScope: inputs.settings.encryptionScope,
    immutability:
      retainUntil === undefined || inputs.settings.retention === undefined
        ? undefined
        : {
            mode: inputs.settings.retention.mode === 'compliance' ? 'Locked' : 'Unlocked',
            until: retainUntil,
          },
  });
  return { ...inputs, store };
}

function read(
  values: Partial<Record<DestinationOption, string>>,
  toName: string,
): DestinationInputs {
  const inputs = readDestinationInputs(
    (option) => values[option],
    (option) => (option === 'to' ? toName : FIELD_NAMES[option]),
  );
  if (inputs === undefined) throw new InputError(toName, 'is required');
  return inputs;
}

const DAY_MS = 24 * 60 * 60_000;

function retentionUntil(
  inputs: DestinationInputs,
  runtime: Pick<Runtime, 'clock'>,
): number | undefined {
  const retention = inputs.settings.retention;
  return retention === undefined ? undefined : runtime.clock.now() + retention.days * DAY_MS;
}
