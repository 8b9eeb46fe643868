/**
 * Where an export is stored when it goes to object storage instead of a folder: `s3://bucket/prefix`
 * or `azure://account/container/prefix`, checked here before anything is sent anywhere, against
 * the stores' own naming rules, so that a name the store would refuse after hours of waiting is
 * refused at once, naming the input.
 */
import { InputError } from './errors.js';
import { printable } from './text.js';

export type Destination =
  | { readonly store: 's3'; readonly bucket: string; readonly prefix: string }
  | {
      readonly store: 'azure';
      readonly account: string;
      readonly container: string;
      readonly prefix: string;
    };

const EXAMPLES =
  'Use s3://BUCKET/PREFIX or azure://ACCOUNT/CONTAINER/PREFIX (the prefix is optional).';

/** Longest prefix taken: object keys may be 1024 bytes, and the layout adds about 120. */
export const MAX_PREFIX_LENGTH = 512;

/** Parses a destination URI; every part is validated. */
export function parseDestination(input: string, text: string): Destination {
  const value = text.trim();
  const scheme = /^([a-z0-9+.-]*):\/\//i.exec(value)?.[1];
  if (scheme === undefined) {
    throw new InputError(
      input,
      `"${printable(value, 80)}" is not an s3:// or azure:// URI`,
      EXAMPLES,
    );
  }
  const rest = value.slice(scheme.length + 3);
  switch (scheme.toLowerCase()) {
    case 's3': {
      const [bucket = '', ...path] = rest.split('/');
      checkBucket(input, bucket);
      return { store: 's3', bucket, prefix: checkPrefix(input, path.join('/')) };
    }
    case 'azure': {
      const [account = '', container = '', ...path] = rest.split('/');
      checkAccount(input, account);
      checkContainer(input, container);
      return { store: 'azure', account, container, prefix: checkPrefix(input, path.join('/')) };
    }
    default:
      throw new InputError(
        input,
        `the scheme "${printable(scheme, 20)}://" is not one this tool stores to`,
        `${EXAMPLES} Google Cloud Storage, Cloudflare R2, MinIO and Ceph are reached with s3:// and their S3 endpoint.`,
      );
  }
}

/** `s3://bucket/prefix/`, as the user would type it again. */
export function formatDestination(destination: Destination): string {
  return destination.store === 's3'
    ? `s3://${destination.bucket}/${destination.prefix}`
    : `azure://${destination.account}/${destination.container}/${destination.prefix}`;
}

/**
 * S3's rules for general purpose buckets: 3-63 characters of lower-case letters, digits, dots and
 * hyphens, beginning and ending with a letter or digit, no `..`, not an IP address, and none of
 * the reserved prefixes and suffixes.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 */
export function checkBucket(input: string, bucket: string): void {
  const fail = (problem: string) =>
    new InputError(input, `the bucket name "${printable(bucket, 80)}" ${problem}`, EXAMPLES);
  if (bucket === '') throw fail('is empty');
  if (bucket.length < 3 || bucket.length > 63) throw fail('must be 3 to 63 characters long');
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(bucket)) {
    throw fail(
      'may hold only lower-case letters, digits, dots and hyphens, and must begin and end with a letter or digit',
    );
  }
  if (bucket.includes('..')) throw fail('must not hold two dots in a row');
  if (/^\d+\.\d+\.\d+\.\d+$/.test(bucket)) throw fail('must not look like an IP address');
  if (
    /^(xn--|sthree-|amzn-s3-demo-)/.test(bucket) ||
    /(-s3alias|--ol-s3|--x-s3|--table-s3)$/.test(bucket)
  ) {
    throw fail('uses a prefix or suffix S3 reserves');
  }
}

/** Azure storage account names: 3-24 lower-case letters and digits. */
function checkAccount(input: string, account: string): void {
  if (!/^[a-z0-9]{3,24}$/.test(account)) {
    throw new InputError(
      input,
      `the storage account name "${printable(account, 80)}" must be 3 to 24 lower-case letters and digits`,
      EXAMPLES,
    );
  }
}

/**
 * Azure container names: 3-63 lower-case letters, digits and single hyphens, beginning and
 * ending with a letter or digit.
 */
function checkContainer(input: string, container: string): void {
  if (!/^[a-z0-9](?:[a-z0-9]|-(?!-)){1,61}[a-z0-9]$/.test(container)) {
    throw new InputError(
      input,
      `the container name "${printable(container, 80)}" must be 3 to 63 lower-case letters, digits and single hyphens, beginning and ending with a letter or digit`,
      EXAMPLES,
    );
  }
}

/**
 * The prefix, normalised to end with `/` (or empty). Refused: empty segments (`a//b`), `.` and
 * `..` (some tools resolve them, so a key could escape its folder on restore), control
 * characters and backslashes.
 */
export function checkPrefix(input: string, prefix: string): string {
  if (prefix === '') return '';
  const trimmed = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  const fail = (problem: string) =>
    new InputError(input, `the prefix "${printable(prefix, 80)}" ${problem}`, EXAMPLES);
  if (trimmed.length > MAX_PREFIX_LENGTH)
    throw fail(`is longer than ${MAX_PREFIX_LENGTH} characters`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point.
  if (/[\u0000-\u001f\u007f\\]/.test(trimmed)) {
    throw fail('holds a control character or a backslash');
  }
  for (const segment of trimmed.split('/')) {
    if (segment === '') throw fail('holds an empty segment (two slashes in a row)');
    if (segment === '.' || segment === '..') throw fail('holds a "." or ".." segment');
  }
  return `${trimmed}/`;
}
