/**
 * A destination and its options as a front end's inputs give them, read and checked in one place
 * for the CLI (`--to`, `--storage-class`...) and the action (`destination`, `storage-class`...):
 * each front end only says what its inputs are called.
 */
import { type Destination, parseDestination } from './destination.js';
import { InputError } from './errors.js';
import { checkLayout, DEFAULT_LAYOUT } from './object-layout.js';
import {
  parseEncryptionScope,
  parseEndpoint,
  parseKmsKeyId,
  parseRegion,
  parseRetentionDays,
  parseRetentionMode,
  parseS3Encryption,
  parseStorageClass,
  type StoreSettings,
} from './store-settings.js';

export const DESTINATION_OPTIONS = [
  'to',
  'layout',
  'storage-class',
  'retention-mode',
  'retention-days',
  's3-region',
  's3-endpoint',
  's3-path-style',
  'sse',
  'sse-kms-key-id',
  'azure-endpoint',
  'azure-encryption-scope',
] as const;
export type DestinationOption = (typeof DESTINATION_OPTIONS)[number];

const S3_ONLY: readonly DestinationOption[] = [
  's3-region',
  's3-endpoint',
  's3-path-style',
  'sse',
  'sse-kms-key-id',
];
const AZURE_ONLY: readonly DestinationOption[] = ['azure-endpoint', 'azure-encryption-scope'];

export interface DestinationInputs {
  readonly destination: Destination;
  readonly settings: StoreSettings;
  readonly layout: string;
}

/**
 * Reads `to` and its options: `read` gives an option's value (undefined or empty when not given;
 * `'true'` for a boolean that is set), `nameOf` what the front end calls it, for messages.
 * Undefined when no destination is given, and then no other destination option may be.
 */
export function readDestinationInputs(
  read: (option: DestinationOption) => string | undefined,
  nameOf: (option: DestinationOption) => string,
): DestinationInputs | undefined {
  const text = (option: DestinationOption) => {
    const value = read(option)?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const to = text('to');
  if (to === undefined) {
    const stray = DESTINATION_OPTIONS.find((option) => text(option) !== undefined);
    if (stray !== undefined) {
      throw new InputError(
        nameOf(stray),
        `needs ${nameOf('to')}`,
        `Name the bucket or container with ${nameOf('to')}: s3://BUCKET/PREFIX or azure://ACCOUNT/CONTAINER/PREFIX.`,
      );
    }
    return undefined;
  }
  const destination = parseDestination(nameOf('to'), to);
  const foreign = (destination.store === 's3' ? AZURE_ONLY : S3_ONLY).find(
    (option) => text(option) !== undefined,
  );
  if (foreign !== undefined) {
    throw new InputError(
      nameOf(foreign),
      `does not apply to ${destination.store === 's3' ? 'S3' : 'Azure Blob'}`,
      'Remove it, or store to the other kind of destination.',
    );
  }
  const mode = text('retention-mode');
  const days = text('retention-days');
  if ((mode === undefined) !== (days === undefined)) {
    throw new InputError(
      nameOf(mode === undefined ? 'retention-mode' : 'retention-days'),
      'is required with the other retention option',
      `Give both: ${nameOf('retention-mode')} (governance or compliance) and ${nameOf('retention-days')}.`,
    );
  }
  const kmsKey = text('sse-kms-key-id');
  const sse = text('sse');
  const serverSideEncryption =
    sse === undefined
      ? kmsKey === undefined
        ? undefined
        : 'aws:kms'
      : parseS3Encryption(nameOf('sse'), sse);
  if (kmsKey !== undefined && serverSideEncryption === 'AES256') {
    throw new InputError(
      nameOf('sse-kms-key-id'),
      'applies to aws:kms only',
      `Set ${nameOf('sse')} to aws:kms with a KMS key, or remove the key.`,
    );
  }
  const optional = <T>(option: DestinationOption, parse: (input: string, value: string) => T) => {
    const value = text(option);
    return value === undefined ? undefined : parse(nameOf(option), value);
  };
  const pathStyle = text('s3-path-style');
  if (pathStyle !== undefined && pathStyle !== 'true' && pathStyle !== 'false') {
    throw new InputError(nameOf('s3-path-style'), 'must be true or false');
  }
  const storageClass = text('storage-class');
  const layout = text('layout');
  return {
    destination,
    settings: {
      region: optional('s3-region', parseRegion),
      endpoint: optional('s3-endpoint', parseEndpoint) ?? optional('azure-endpoint', parseEndpoint),
      pathStyle: pathStyle === undefined ? undefined : pathStyle === 'true',
      storageClass:
        storageClass === undefined
          ? undefined
          : parseStorageClass(nameOf('storage-class'), destination.store, storageClass),
      serverSideEncryption,
      kmsKeyId: kmsKey === undefined ? undefined : parseKmsKeyId(nameOf('sse-kms-key-id'), kmsKey),
      encryptionScope: optional('azure-encryption-scope', parseEncryptionScope),
      retention:
        mode === undefined || days === undefined
          ? undefined
          : {
              mode: parseRetentionMode(nameOf('retention-mode'), mode),
              days: parseRetentionDays(nameOf('retention-days'), days),
            },
    },
    layout: layout === undefined ? DEFAULT_LAYOUT : checkLayout(nameOf('layout'), layout),
  };
}
