/**
 * The options of a destination (region, endpoint, storage class, server-side encryption,
 * retention), each checked here for every front end before anything is sent: the CLI's flags, the
 * action's inputs and the n8n node's fields all name their input in the error.
 */
import type { Destination } from './destination.js';
import { InputError } from './errors.js';
import { printable } from './text.js';

export type RetentionMode = 'governance' | 'compliance';

export interface Retention {
  readonly mode: RetentionMode;
  readonly days: number;
}

export const MAX_RETENTION_DAYS = 36_500;

/** S3 storage classes are upper-case words (`STANDARD_IA`, `GLACIER_IR`; R2 and others add theirs). */
const S3_STORAGE_CLASS = /^[A-Z][A-Z0-9_]{0,39}$/;
const AZURE_TIERS = ['Hot', 'Cool', 'Cold', 'Archive'] as const;
export type AzureTier = (typeof AZURE_TIERS)[number];

/** An S3 storage class, or an Azure access tier, as the store takes it. */
export function parseStorageClass(
  input: string,
  store: Destination['store'],
  text: string,
): string {
  const value = text.trim();
  if (store === 'azure') {
    const tier = AZURE_TIERS.find((name) => name.toLowerCase() === value.toLowerCase());
    if (tier === undefined) {
      throw new InputError(
        input,
        `"${printable(value, 40)}" is not an Azure access tier`,
        `Use one of ${AZURE_TIERS.join(', ')}.`,
      );
    }
    return tier;
  }
  if (!S3_STORAGE_CLASS.test(value)) {
    throw new InputError(
      input,
      `"${printable(value, 40)}" is not an S3 storage class`,
      "Use the store's name for it in capitals, such as STANDARD, STANDARD_IA, INTELLIGENT_TIERING, GLACIER_IR or DEEP_ARCHIVE.",
    );
  }
  return value;
}

export function parseRetentionMode(input: string, text: string): RetentionMode {
  const value = text.trim().toLowerCase();
  if (value === 'governance' || value === 'compliance') return value;
  throw new InputError(
    input,
    `"${printable(text, 40)}" is not a retention mode`,
    "Use governance (users with a special permission can still remove it) or compliance (nobody can, not even the account's root user, until it expires).",
  );
}

export function parseRetentionDays(input: string, text: string): number {
  const value = text.trim();
  const days = /^\d{1,6}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS) {
    throw new InputError(
      input,
      `"${printable(value, 40)}" is not a number of days from 1 to ${MAX_RETENTION_DAYS}`,
      'Give how many days each stored export must be kept, such as 90.',
    );
  }
  return days;
}

/** `https://host[:port][/path]` of an S3-compatible store or an Azure blob endpoint. */
export function parseEndpoint(input: string, text: string): string {
  const value = text.trim();
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new InputError(
      input,
      `"${printable(value, 80)}" is not an http(s) URL`,
      "Give the store's endpoint, such as https://<account id>.r2.cloudflarestorage.com or https://storage.googleapis.com.",
    );
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new InputError(
      input,
      'it holds a user name, password, query or fragment',
      'Give the endpoint alone; credentials come from the environment, never from the URL.',
    );
  }
  return url.href.replace(/\/$/, '');
}

export function parseRegion(input: string, text: string): string {
  const value = text.trim();
  if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(value)) {
    throw new InputError(
      input,
      `"${printable(value, 40)}" is not a region name`,
      "Use the bucket's region, such as eu-west-1 (auto for Cloudflare R2).",
    );
  }
  return value;
}

export type S3Encryption = 'AES256' | 'aws:kms' | 'aws:kms:dsse';

/** A destination's options, each already checked. */
export interface StoreSettings {
  readonly region?: string | undefined;
  readonly endpoint?: string | undefined;
  readonly pathStyle?: boolean | undefined;
  /** S3 storage class or Azure access tier. */
  readonly storageClass?: string | undefined;
  readonly serverSideEncryption?: S3Encryption | undefined;
  readonly kmsKeyId?: string | undefined;
  readonly encryptionScope?: string | undefined;
  readonly retention?: Retention | undefined;
}

export function parseS3Encryption(input: string, text: string): S3Encryption {
  const value = text.trim();
  const known: Readonly<Record<string, S3Encryption>> = {
    aes256: 'AES256',
    s3: 'AES256',
    'sse-s3': 'AES256',
    'aws:kms': 'aws:kms',
    kms: 'aws:kms',
    'sse-kms': 'aws:kms',
    'aws:kms:dsse': 'aws:kms:dsse',
  };
  const mode = known[value.toLowerCase()];
  if (mode === undefined) {
    throw new InputError(
      input,
      `"${printable(value, 40)}" is not a server-side encryption`,
      'Use AES256 (SSE-S3), aws:kms (SSE-KMS) or aws:kms:dsse.',
    );
  }
  return mode;
}

/** A KMS key id, alias or ARN. */
export function parseKmsKeyId(input: string, text: string): string {
  const value = text.trim();
  if (!/^[\x21-\x7e]{1,2048}$/.test(value)) {
    throw new InputError(
      input,
      'is not a KMS key id, alias or ARN',
      "Give the key's id, alias/NAME or ARN.",
    );
  }
  return value;
}

/** An Azure encryption scope: 3-63 letters and digits. */
export function parseEncryptionScope(input: string, text: string): string {
  const value = text.trim();
  if (!/^[A-Za-z0-9]{3,63}$/.test(value)) {
    throw new InputError(
      input,
      `"${printable(value, 70)}" is not an encryption scope name`,
      "Give the scope's name as the storage account lists it: 3 to 63 letters and digits.",
    );
  }
  return value;
}
