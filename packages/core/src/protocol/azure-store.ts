/**
 * Azure Blob Storage as a destination, over `StoreHttp`: a block blob is staged block by block
 * (Put Block, each checked by its Content-MD5) and appears only when its block list is committed
 * (Put Block List), with `If-None-Match: *` so an existing blob is never replaced. Staged blocks
 * that are never committed are not a blob: nothing is visible; an abort deletes them.
 *
 * Three ways in: a SAS token (what the n8n node uses; it never leaves the URL's query, and the URL
 * is never printed), the account key (Shared Key, signed here over node:crypto), or an OAuth
 * token from the caller (Microsoft Entra ID: `azure/login`, managed identities).
 * https://learn.microsoft.com/rest/api/storageservices/put-block-list
 */
import { createHmac, randomBytes } from 'node:crypto';
import { decodeBase64, encodeBase64 } from './age-base64.js';
import { md5Base64 } from './hash.js';
import {
  checkedVersionId,
  type ListedKeys,
  type ListingFormat,
  listPages,
  type ObjectRead,
  type ObjectReader,
  type ObjectStore,
  type PartUpload,
  type PutOptions,
  readFromStore,
  type StoredVersion,
  type StoreRequestContext,
  sendToStore,
} from './object-store.js';
import type { StoreRequest, StoreResponse } from './ports.js';
import { uriEncode } from './sigv4.js';
import { azureError } from './store-errors.js';
import { xmlEscape, xmlText } from './xml-text.js';

/** A REST version with access tiers, encryption scopes and version-level immutability. */
export const AZURE_API_VERSION = '2023-11-03';

export type AzureAuth =
  | { readonly type: 'sas'; readonly token: string }
  | { readonly type: 'shared-key'; readonly accountKey: string }
  | { readonly type: 'bearer'; readonly token: () => Promise<string> };

export type AzureAccessTier = 'Hot' | 'Cool' | 'Cold' | 'Archive';

export interface AzureStoreOptions extends StoreRequestContext {
  readonly account: string;
  readonly container: string;
  /** `https://<account>.blob.core.windows.net` unless given (Azurite, sovereign clouds). */
  readonly endpoint?: string | undefined;
  readonly auth: AzureAuth;
  readonly accessTier?: AzureAccessTier | undefined;
  readonly encryptionScope?: string | undefined;
  /** A version-level immutability policy for the export and its manifest. */
  readonly immutability?:
    | { readonly mode: 'Unlocked' | 'Locked'; readonly until: number }
    | undefined;
}

/**
 * Blocks are numbered in fixed width, since Azure requires every id of a blob to be as long:
 * 12 bytes, so their base64 needs no padding.
 */
function blockId(partNumber: number): string {
  return encodeBase64(new TextEncoder().encode(`block-${String(partNumber).padStart(6, '0')}`));
}

export function createAzureStore(options: AzureStoreOptions): ObjectStore & ObjectReader {
  return new AzureStore(options);
}

/** Blobs per List Blobs page: a page of 5,000 would pass the 64 KiB answers hold. */
const LIST_PAGE_BLOBS = 100;

const AZURE_LISTING: ListingFormat = {
  store: 'Azure Blob',
  operation: 'List Blobs',
  root: 'EnumerationResults',
  key: 'Name',
  next: (body) => xmlText(body, 'NextMarker'),
};

class AzureStore implements ObjectStore, ObjectReader {
  readonly label = 'Azure Blob';
  readonly minPartBytes = 1;
  readonly maxParts = 50_000;
  readonly #options: AzureStoreOptions;
  readonly #base: URL;

  constructor(options: AzureStoreOptions) {
    this.#options = options;
    this.#base = new URL(options.endpoint ?? `https://${options.account}.blob.core.windows.net`);
  }

  location(key: string): string {
    return `${this.#options.container}/${key}`;
  }

  objectUrl(key: string): string {
    return this.#url(key).href;
  }

  async probe(key: string, signal: AbortSignal): Promise<void> {
    // A staged block needs write permission and leaves no blob: the same proof S3's aborted
    // upload gives, with nothing to clean up.
    const probeKey = `${key}.asana-export-probe-${randomBytes(6).toString('hex')}`;
    const upload = await this.startUpload(probeKey, 'application/octet-stream');
    await upload.uploadPart(1, new Uint8Array(1), signal);
  }

  async exists(key: string, signal: AbortSignal): Promise<boolean> {
    const response = await this.send('Get Blob Properties', key, 'HEAD', {}, {}, undefined, signal);
    if (response.status === 200) return true;
    if (response.status === 404) return false;
    throw azureError('Get Blob Properties', this.location(key), response);
  }

  async readText(key: string, signal: AbortSignal): Promise<string | undefined> {
    const response = await this.send('Get Blob', key, 'GET', {}, {}, undefined, signal);
    if (response.status === 404) return undefined;
    this.check('Get Blob', key, response);
    return response.body;
  }

  async read(key: string, signal: AbortSignal): Promise<ObjectRead | undefined> {
    return await readFromStore(
      this.#options,
      `Get Blob of ${this.location(key)}`,
      async (headers) => await this.#request(key, 'GET', {}, headers, undefined, signal),
      signal,
      (answer) => azureError('Get Blob', this.location(key), answer),
    );
  }

  async list(prefix: string, limit: number, signal: AbortSignal): Promise<ListedKeys> {
    return await listPages(
      AZURE_LISTING,
      this.location(prefix),
      limit,
      LIST_PAGE_BLOBS,
      async (max, marker) => {
        const query: Record<string, string> = {
          restype: 'container',
          comp: 'list',
          prefix,
          maxresults: String(max),
          ...(marker === undefined ? {} : { marker }),
        };
        const response = await this.send('List Blobs', '', 'GET', query, {}, undefined, signal);
        this.check('List Blobs', prefix, response);
        return response;
      },
    );
  }

  async startUpload(key: string, contentType: string): Promise<PartUpload> {
    return new AzureBlockUpload(this, key, contentType);
  }

  async put(
    key: string,
    bytes: Uint8Array,
    options: PutOptions,
    signal: AbortSignal,
  ): Promise<StoredVersion> {
    const headers: Record<string, string> = {
      'x-ms-blob-type': 'BlockBlob',
      'content-type': options.contentType,
      'content-md5': md5Base64(bytes),
      ...this.blobHeaders(options.retain),
    };
    if (!options.replace) headers['if-none-match'] = '*';
    const response = await this.send('Put Blob', key, 'PUT', {}, headers, bytes, signal);
    this.check('Put Blob', key, response);
    return { versionId: checkedVersionId(response.headers['x-ms-version-id']) };
  }

  /** Headers a committed blob gets: tier, encryption scope, and immutability when asked. */
  blobHeaders(retain: boolean): Record<string, string> {
    const options = this.#options;
    const headers: Record<string, string> = {};
    if (options.accessTier !== undefined) headers['x-ms-access-tier'] = options.accessTier;
    if (options.encryptionScope !== undefined)
      headers['x-ms-encryption-scope'] = options.encryptionScope;
    if (retain && options.immutability !== undefined) {
      headers['x-ms-immutability-policy-until-date'] = new Date(
        options.immutability.until,
      ).toUTCString();
      headers['x-ms-immutability-policy-mode'] = options.immutability.mode;
    }
    return headers;
  }

  /** Every request but Put Block List's names the encryption scope only where it applies. */
  get encryptionScope(): string | undefined {
    return this.#options.encryptionScope;
  }

  async send(
    operation: string,
    key: string,
    method: StoreRequest['method'],
    query: Readonly<Record<string, string>>,
    headers: Readonly<Record<string, string>>,
    body: Uint8Array | undefined,
    signal: AbortSignal,
  ): Promise<StoreResponse> {
    return await sendToStore(
      this.#options,
      `${operation} of ${this.location(key)}`,
      async () => await this.#request(key, method, query, headers, body, signal),
      signal,
    );
  }

  async #request(
    key: string,
    method: StoreRequest['method'],
    query: Readonly<Record<string, string>>,
    headers: Readonly<Record<string, string>>,
    body: Uint8Array | undefined,
    signal: AbortSignal,
  ): Promise<StoreRequest> {
    const options = this.#options;
    const url = this.#url(key, query);
    const all: Record<string, string> = {
      ...headers,
      'x-ms-version': AZURE_API_VERSION,
      'x-ms-date': new Date(options.clock.now()).toUTCString(),
      'content-length': String(body?.byteLength ?? 0),
    };
    const auth = options.auth;
    if (auth.type === 'sas') {
      for (const [name, value] of new URLSearchParams(auth.token.replace(/^\?/, ''))) {
        url.searchParams.append(name, value);
      }
    } else if (auth.type === 'shared-key') {
      all.authorization = sharedKey(options.account, auth.accountKey, method, url, all);
    } else {
      all.authorization = `Bearer ${await auth.token()}`;
    }
    return { method, url: url.href, headers: all, body, signal };
  }

  check(operation: string, key: string, response: StoreResponse): void {
    if (response.status >= 200 && response.status < 300) return;
    throw azureError(operation, this.location(key), response);
  }

  #url(key: string, query?: Readonly<Record<string, string>>): URL {
    const url = new URL(this.#base.href);
    const base = url.pathname.replace(/\/$/, '');
    // The container itself (a listing) has no trailing slash: `/container/` names a blob.
    const blob = key === '' ? '' : `/${key.split('/').map(uriEncode).join('/')}`;
    url.pathname = `${base}/${this.#options.container}${blob}`;
    for (const [name, value] of Object.entries(query ?? {})) url.searchParams.set(name, value);
    return url;
  }
}

class AzureBlockUpload implements PartUpload {
  readonly #store: AzureStore;
  readonly #key: string;
  readonly #contentType: string;

  constructor(store: AzureStore, key: string, contentType: string) {
    this.#store = store;
    this.#key = key;
    this.#contentType = contentType;
  }

  async uploadPart(partNumber: number, bytes: Uint8Array, signal: AbortSignal): Promise<void> {
    const scope = this.#store.encryptionScope;
    const response = await this.#store.send(
      'Put Block',
      this.#key,
      'PUT',
      { comp: 'block', blockid: blockId(partNumber) },
      {
        'content-md5': md5Base64(bytes),
        ...(scope === undefined ? {} : { 'x-ms-encryption-scope': scope }),
      },
      bytes,
      signal,
    );
    this.#store.check('Put Block', this.#key, response);
  }

  async complete(partCount: number, signal: AbortSignal): Promise<StoredVersion> {
    const ids = Array.from(
      { length: partCount },
      (_, index) => `<Latest>${xmlEscape(blockId(index + 1))}</Latest>`,
    );
    const body = new TextEncoder().encode(
      `<?xml version="1.0" encoding="utf-8"?><BlockList>${ids.join('')}</BlockList>`,
    );
    const response = await this.#store.send(
      'Put Block List',
      this.#key,
      'PUT',
      { comp: 'blocklist' },
      {
        'content-type': 'application/xml',
        'content-md5': md5Base64(body),
        'x-ms-blob-content-type': this.#contentType,
        'if-none-match': '*',
        ...this.#store.blobHeaders(true),
      },
      body,
      signal,
    );
    this.#store.check('Put Block List', this.#key, response);
    return { versionId: checkedVersionId(response.headers['x-ms-version-id']) };
  }

  /**
   * Deletes the staged blocks: a blob that has only uncommitted blocks is deleted with them.
   * `If-None-Match: *` keeps the delete off a committed blob of that name, which is not ours.
   * Without the delete permission the blocks stay; they are no blob, and Azure drops them after
   * a week.
   */
  async abort(signal: AbortSignal): Promise<void> {
    const response = await this.#store.send(
      'Delete Blob',
      this.#key,
      'DELETE',
      {},
      { 'if-none-match': '*' },
      undefined,
      signal,
    );
    if (response.status === 404 || response.status === 412) return;
    this.#store.check('Delete Blob', this.#key, response);
  }
}

/**
 * Shared Key authorization, as the Blob service defines it for version 2015-02-21 and later.
 * https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key
 */
export function sharedKey(
  account: string,
  accountKey: string,
  method: string,
  url: URL,
  headers: Readonly<Record<string, string>>,
): string {
  const header = (name: string) => headers[name] ?? '';
  const length = header('content-length');
  const canonicalHeaders = Object.keys(headers)
    .filter((name) => name.startsWith('x-ms-'))
    .sort()
    .map((name) => `${name}:${String(headers[name]).trim()}\n`)
    .join('');
  const params = new Map<string, string[]>();
  for (const [name, value] of url.searchParams) {
    const key = name.toLowerCase();
    params.set(key, [...(params.get(key) ?? []), value]);
  }
  const canonicalQuery = [...params.keys()]
    .sort()
    .map((name) => `\n${name}:${(params.get(name) ?? []).sort().join(',')}`)
    .join('');
  const stringToSign = [
    method,
    header('content-encoding'),
    header('content-language'),
    length === '0' ? '' : length,
    header('content-md5'),
    header('content-type'),
    '', // Date: x-ms-date is used instead.
    header('if-modified-since'),
    header('if-match'),
    header('if-none-match'),
    header('if-unmodified-since'),
    header('range'),
    `${canonicalHeaders}/${account}${url.pathname}${canonicalQuery}`,
  ].join('\n');
  const key = decodeBase64(accountKey.replace(/=+$/, ''));
  if (key === undefined) throw new RangeError('the account key is not base64');
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('base64');
  return `SharedKey ${account}:${signature}`;
}
