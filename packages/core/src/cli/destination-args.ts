import type { ParseArgsConfig } from 'node:util';
import type { StoreSettings } from '../node/destination-store.js';
import { type Destination, parseDestination } from '../protocol/destination.js';
import { InputError } from '../protocol/errors.js';
import { checkLayout, DEFAULT_LAYOUT } from '../protocol/object-layout.js';
import {
  parseEncryptionScope,
  parseEndpoint,
  parseKmsKeyId,
  parseRegion,
  parseRetentionDays,
  parseRetentionMode,
  parseS3Encryption,
  parseStorageClass,
} from '../protocol/store-settings.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** The options of `run` and `download` that store the export in object storage (`--to`). */
export const DESTINATION_OPTIONS: Options = {
  to: { type: 'string' },
  layout: { type: 'string' },
  'storage-class': { type: 'string' },
  'retention-mode': { type: 'string' },
  'retention-days': { type: 'string' },
  's3-region': { type: 'string' },
  's3-endpoint': { type: 'string' },
  's3-path-style': { type: 'boolean' },
  sse: { type: 'string' },
  'sse-kms-key-id': { type: 'string' },
  'azure-endpoint': { type: 'string' },
  'azure-encryption-scope': { type: 'string' },
};

const S3_ONLY = ['s3-region', 's3-endpoint', 's3-path-style', 'sse', 'sse-kms-key-id'];
const AZURE_ONLY = ['azure-endpoint', 'azure-encryption-scope'];

export interface DestinationArgs {
  readonly destination: Destination;
  readonly settings: StoreSettings;
  readonly layout: string;
  /** The options as typed, for the resume command printed on failure. */
  readonly words: readonly string[];
}

/** `--to` and its options, every one checked; undefined without `--to` (a folder, `--out`). */
export function destinationArgs(values: Values): DestinationArgs | undefined {
  const text = (name: string) => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  const to = text('to');
  if (to === undefined) {
    const stray = Object.keys(DESTINATION_OPTIONS).find((name) => values[name] !== undefined);
    if (stray !== undefined) {
      throw new InputError(
        `--${stray}`,
        'needs --to',
        'Name the bucket or container with --to s3://BUCKET/PREFIX or --to azure://ACCOUNT/CONTAINER/PREFIX.',
      );
    }
    return undefined;
  }
  if (values.out !== undefined) {
    throw new InputError(
      '--out',
      'cannot be combined with --to',
      'An export goes to one place: a folder (--out) or object storage (--to).',
    );
  }
  const destination = parseDestination('--to', to);
  const foreign = (destination.store === 's3' ? AZURE_ONLY : S3_ONLY).find(
    (name) => values[name] !== undefined,
  );
  if (foreign !== undefined) {
    throw new InputError(
      `--${foreign}`,
      `does not apply to ${destination.store === 's3' ? 'S3' : 'Azure Blob'}`,
      'Drop it, or store to the other kind of destination.',
    );
  }
  const mode = text('retention-mode');
  const days = text('retention-days');
  if ((mode === undefined) !== (days === undefined)) {
    throw new InputError(
      mode === undefined ? '--retention-mode' : '--retention-days',
      'is required with the other retention option',
      'Give both: --retention-mode governance|compliance --retention-days N.',
    );
  }
  const kmsKey = text('sse-kms-key-id');
  const sse = text('sse');
  const serverSideEncryption =
    sse === undefined
      ? kmsKey === undefined
        ? undefined
        : 'aws:kms'
      : parseS3Encryption('--sse', sse);
  if (kmsKey !== undefined && serverSideEncryption === 'AES256') {
    throw new InputError(
      '--sse-kms-key-id',
      'applies to aws:kms only',
      'Use --sse aws:kms with a KMS key, or drop the key.',
    );
  }
  const optional = <T>(name: string, parse: (input: string, value: string) => T) => {
    const value = text(name);
    return value === undefined ? undefined : parse(`--${name}`, value);
  };
  const storageClass = text('storage-class');
  const settings: StoreSettings = {
    region: optional('s3-region', parseRegion),
    endpoint: optional('s3-endpoint', parseEndpoint) ?? optional('azure-endpoint', parseEndpoint),
    pathStyle: values['s3-path-style'] === true ? true : undefined,
    storageClass:
      storageClass === undefined
        ? undefined
        : parseStorageClass('--storage-class', destination.store, storageClass),
    serverSideEncryption,
    kmsKeyId: kmsKey === undefined ? undefined : parseKmsKeyId('--sse-kms-key-id', kmsKey),
    encryptionScope: optional('azure-encryption-scope', parseEncryptionScope),
    retention:
      mode === undefined || days === undefined
        ? undefined
        : {
            mode: parseRetentionMode('--retention-mode', mode),
            days: parseRetentionDays('--retention-days', days),
          },
  };
  const layoutText = text('layout');
  const words: string[] = [];
  for (const name of Object.keys(DESTINATION_OPTIONS)) {
    const value = values[name];
    if (value === true) words.push(`--${name}`);
    else if (typeof value === 'string') words.push(`--${name}`, value);
  }
  return {
    destination,
    settings,
    layout: layoutText === undefined ? DEFAULT_LAYOUT : checkLayout('--layout', layoutText),
    words,
  };
}
