/**
 * S3 as a destination, over `StoreHttp` and SigV4 (`sigv4.ts`): Amazon S3 and the stores that
 * speak its API (Cloudflare R2, MinIO, Ceph's radosgw, Google Cloud Storage's XML API). Every
 * request is signed just before it is sent, with credentials asked for anew each time: the
 * provider caches them and refreshes those about to expire, so an OIDC session that lapses during
 * a long export does not fail its upload.
 */
import { randomBytes } from 'node:crypto';
import { ObjectStoreError } from './errors.js';
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
import { type AwsCredentials, EMPTY_SHA256, sha256Hex, signSigV4, uriEncode } from './sigv4.js';
import { s3Error, unusableAnswer } from './store-errors.js';
import { printable } from './text.js';
import { hasXmlElement, xmlEscape, xmlText } from './xml-text.js';

export type S3ServerSideEncryption = 'AES256' | 'aws:kms' | 'aws:kms:dsse';
export type ObjectLockMode = 'GOVERNANCE' | 'COMPLIANCE';

export interface S3StoreOptions extends StoreRequestContext {
  readonly bucket: string;
  readonly region: string;
  /** Origin of an S3-compatible store; Amazon S3's regional endpoint when undefined. */
  readonly endpoint?: string | undefined;
  /** `bucket` in the path rather than the host name: the default with an endpoint. */
  readonly pathStyle?: boolean | undefined;
  readonly credentials: () => Promise<AwsCredentials>;
  readonly serverSideEncryption?: S3ServerSideEncryption | undefined;
  readonly kmsKeyId?: string | undefined;
  readonly storageClass?: string | undefined;
  /** Write-once retention for the export and its manifest (the bucket needs Object Lock). */
  readonly objectLock?: { readonly mode: ObjectLockMode; readonly retainUntil: number } | undefined;
}

const XML_CONTENT_TYPE = 'application/xml';

export function createS3Store(options: S3StoreOptions): ObjectStore & ObjectReader {
  return new S3Store(options);
}

/** Keys per ListObjectsV2 page: a page of 1,000 long keys would pass the 64 KiB answers hold. */
const LIST_PAGE_KEYS = 100;

const S3_LISTING: ListingFormat = {
  store: 'S3',
  operation: 'ListObjectsV2',
  root: 'ListBucketResult',
  key: 'Key',
  next: (body) =>
    xmlText(body, 'IsTruncated') === 'true' ? xmlText(body, 'NextContinuationToken') : undefined,
};

class S3Store implements ObjectStore, ObjectReader {
  readonly label = 'S3';
  readonly minPartBytes = 5 * 1024 * 1024;
  readonly maxParts = 10_000;
  readonly #options: S3StoreOptions;
  readonly #origin: URL;
  readonly #pathStyle: boolean;

  constructor(options: S3StoreOptions) {
    this.#options = options;
    this.#pathStyle =
      options.pathStyle ?? (options.endpoint !== undefined || options.bucket.includes('.'));
    const origin = options.endpoint ?? `https://s3.${options.region}.amazonaws.com`;
    const url = new URL(origin);
    if (!this.#pathStyle) url.hostname = `${options.bucket}.${url.hostname}`;
    this.#origin = url;
  }

  location(key: string): string {
    return `${this.#options.bucket}/${key}`;
  }

  objectUrl(key: string): string {
    return this.#url(key).href;
  }

  async probe(key: string, signal: AbortSignal): Promise<void> {
    // Starting and aborting a multipart upload needs what storing needs (s3:PutObject, the KMS
    // key, Object Lock on the bucket, the right region) and leaves nothing behind, unlike a
    // probe object, which a bucket with Object Lock would keep.
    const probeKey = `${key}.asana-export-probe-${randomBytes(6).toString('hex')}`;
    const upload = await this.startUpload(probeKey, 'application/octet-stream', signal);
    await upload.abort(signal);
    // Some stores take retention headers on an upload to a bucket without Object Lock and
    // refuse them only at the end: ask the bucket itself.
    if (this.#options.objectLock !== undefined) await this.#checkObjectLock(signal);
  }

  async #checkObjectLock(signal: AbortSignal): Promise<void> {
    // The bucket's own URL: an empty key.
    const response = await this.#send(
      'GetObjectLockConfiguration',
      '',
      'GET',
      { 'object-lock': '' },
      {},
      undefined,
      signal,
    );
    if (response.status === 200 && xmlText(response.body, 'ObjectLockEnabled') === 'Enabled')
      return;
    if (response.status === 404 || response.status === 200) {
      throw new ObjectStoreError({
        store: 'S3',
        reason: 'rejected',
        operation: 'GetObjectLockConfiguration',
        location: this.#options.bucket,
        status: response.status,
        code:
          xmlText(response.body, 'Code') === undefined
            ? undefined
            : printable(xmlText(response.body, 'Code') ?? '', 64),
        problem: 'the bucket does not have Object Lock enabled',
        hint: 'Retention needs Object Lock enabled on the bucket (at its creation, or with put-object-lock-configuration on a versioned bucket): enable it, or drop the retention options.',
      });
    }
    throw s3Error(
      'GetObjectLockConfiguration',
      this.#options.bucket,
      response,
      this.#options.region,
    );
  }

  /**
   * Makes sure the version just stored carries the retention asked for: some stores (Ceph
   * before Quincy) drop Object Lock headers given to a multipart upload. Applied again with
   * PutObjectRetention, which only ever lengthens a retention, then read back.
   */
  async ensureRetention(
    key: string,
    versionId: string | undefined,
    signal: AbortSignal,
  ): Promise<void> {
    const lock = this.#options.objectLock;
    if (lock === undefined) return;
    const version: Record<string, string> = versionId === undefined ? {} : { versionId };
    const head = await this.#send('HeadObject', key, 'HEAD', version, {}, undefined, signal);
    this.#check('HeadObject', key, head);
    const until = new Date(lock.retainUntil).toISOString();
    const kept = (response: StoreResponse) =>
      response.headers['x-amz-object-lock-mode'] === lock.mode &&
      Date.parse(response.headers['x-amz-object-lock-retain-until-date'] ?? '') >=
        lock.retainUntil - 1000;
    if (kept(head)) return;
    const body = new TextEncoder().encode(
      `<Retention xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Mode>${lock.mode}</Mode><RetainUntilDate>${until}</RetainUntilDate></Retention>`,
    );
    const put = await this.#send(
      'PutObjectRetention',
      key,
      'PUT',
      { retention: '', ...version },
      { 'content-type': XML_CONTENT_TYPE, 'content-md5': md5Base64(body) },
      body,
      signal,
    );
    this.#check('PutObjectRetention', key, put);
    const again = await this.#send('HeadObject', key, 'HEAD', version, {}, undefined, signal);
    this.#check('HeadObject', key, again);
    if (!kept(again)) {
      throw unusableAnswer(
        'S3',
        'PutObjectRetention',
        this.location(key),
        put.status,
        'the stored version still does not carry the retention asked for',
      );
    }
  }

  async exists(key: string, signal: AbortSignal): Promise<boolean> {
    const response = await this.#send('HeadObject', key, 'HEAD', undefined, {}, undefined, signal);
    if (response.status === 200) return true;
    if (response.status === 404) return false;
    throw s3Error('HeadObject', this.location(key), response, this.#options.region);
  }

  async readText(key: string, signal: AbortSignal): Promise<string | undefined> {
    const response = await this.#send('GetObject', key, 'GET', undefined, {}, undefined, signal);
    if (response.status === 404) return undefined;
    this.#check('GetObject', key, response);
    return response.body;
  }

  async read(key: string, signal: AbortSignal): Promise<ObjectRead | undefined> {
    const options = this.#options;
    const url = this.#url(key);
    return await readFromStore(
      options,
      `GetObject of ${this.location(key)}`,
      async (headers) => this.#signed('GET', url, headers, EMPTY_SHA256, undefined, signal),
      signal,
      (answer) => s3Error('GetObject', this.location(key), answer, options.region),
    );
  }

  async list(prefix: string, limit: number, signal: AbortSignal): Promise<ListedKeys> {
    return await listPages(
      S3_LISTING,
      this.location(prefix),
      limit,
      LIST_PAGE_KEYS,
      async (max, token) => {
        const query: Record<string, string> = {
          'list-type': '2',
          prefix,
          'max-keys': String(max),
          ...(token === undefined ? {} : { 'continuation-token': token }),
        };
        const response = await this.#send('ListObjectsV2', '', 'GET', query, {}, undefined, signal);
        this.#check('ListObjectsV2', prefix, response);
        return response;
      },
    );
  }

  async startUpload(key: string, contentType: string, signal: AbortSignal): Promise<PartUpload> {
    const response = await this.#send(
      'CreateMultipartUpload',
      key,
      'POST',
      { uploads: '' },
      { 'content-type': contentType, ...this.#objectHeaders(true) },
      undefined,
      signal,
    );
    this.#check('CreateMultipartUpload', key, response);
    const uploadId = xmlText(response.body, 'UploadId');
    if (uploadId === undefined || !/^[\x21-\x7e]{1,1024}$/.test(uploadId)) {
      throw unusableAnswer(
        'S3',
        'CreateMultipartUpload',
        this.location(key),
        response.status,
        'it holds no usable UploadId',
      );
    }
    return new S3PartUpload(this, key, uploadId);
  }

  async put(
    key: string,
    bytes: Uint8Array,
    options: PutOptions,
    signal: AbortSignal,
  ): Promise<StoredVersion> {
    const headers: Record<string, string> = {
      'content-type': options.contentType,
      // Object Lock requires an integrity header on PutObject; the store checks it either way.
      'content-md5': md5Base64(bytes),
      ...this.#objectHeaders(options.retain),
    };
    if (!options.replace) headers['if-none-match'] = '*';
    const response = await this.#send('PutObject', key, 'PUT', undefined, headers, bytes, signal);
    this.#check('PutObject', key, response);
    const versionId = versionOf(response);
    if (options.retain) await this.ensureRetention(key, versionId, signal);
    return { versionId };
  }

  /** Headers every new object gets: encryption and storage class, and retention when asked. */
  #objectHeaders(retain: boolean): Record<string, string> {
    const options = this.#options;
    const headers: Record<string, string> = {};
    if (options.serverSideEncryption !== undefined) {
      headers['x-amz-server-side-encryption'] = options.serverSideEncryption;
      if (options.kmsKeyId !== undefined) {
        headers['x-amz-server-side-encryption-aws-kms-key-id'] = options.kmsKeyId;
      }
    }
    if (options.storageClass !== undefined) headers['x-amz-storage-class'] = options.storageClass;
    if (retain && options.objectLock !== undefined) {
      headers['x-amz-object-lock-mode'] = options.objectLock.mode;
      headers['x-amz-object-lock-retain-until-date'] = new Date(
        options.objectLock.retainUntil,
      ).toISOString();
    }
    return headers;
  }

  #url(key: string, query?: Readonly<Record<string, string>>): URL {
    const url = new URL(this.#origin.href);
    const base = url.pathname.replace(/\/$/, '');
    const bucket = this.#pathStyle ? `/${this.#options.bucket}` : '';
    url.pathname = `${base}${bucket}/${key.split('/').map(uriEncode).join('/')}`;
    for (const [name, value] of Object.entries(query ?? {})) url.searchParams.set(name, value);
    return url;
  }

  /** Sends one operation, signed afresh on every attempt. */
  async #send(
    operation: string,
    key: string,
    method: StoreRequest['method'],
    query: Readonly<Record<string, string>> | undefined,
    headers: Readonly<Record<string, string>>,
    body: Uint8Array | undefined,
    signal: AbortSignal,
    payloadSha256?: string,
  ): Promise<StoreResponse> {
    const options = this.#options;
    const url = this.#url(key, query);
    // Parts are checked by their Content-MD5; hashing them again for the signature would cost a
    // second pass over every byte. Small bodies (XML, manifests) are signed with their hash.
    const payload = payloadSha256 ?? (body === undefined ? EMPTY_SHA256 : sha256Hex(body));
    return await sendToStore(
      options,
      `${operation} of ${this.location(key)}`,
      async () => this.#signed(method, url, headers, payload, body, signal),
      signal,
      // S3 may answer 200 to CompleteMultipartUpload and still fail it, in the body.
      (response) =>
        response.status === 429 ||
        response.status >= 500 ||
        (response.status === 200 && xmlText(response.body, 'Code') === 'InternalError'),
    );
  }

  async #signed(
    method: StoreRequest['method'],
    url: URL,
    headers: Readonly<Record<string, string>>,
    payloadSha256: string,
    body: Uint8Array | undefined,
    signal: AbortSignal,
  ): Promise<StoreRequest> {
    const options = this.#options;
    return {
      method,
      url: url.href,
      headers: signSigV4(
        { method, url, headers, payloadSha256 },
        {
          region: options.region,
          service: 's3',
          credentials: await options.credentials(),
          now: options.clock.now(),
        },
      ),
      body,
      signal,
    };
  }

  #check(operation: string, key: string, response: StoreResponse): void {
    if (response.status >= 200 && response.status < 300 && !hasXmlElement(response.body, 'Error'))
      return;
    throw s3Error(operation, this.location(key), response, this.#options.region);
  }

  /** What a part upload needs of its store. */
  get operations() {
    return {
      send: this.#send.bind(this),
      check: this.#check.bind(this),
      location: this.location.bind(this),
      ensureRetention: this.ensureRetention.bind(this),
    };
  }
}

class S3PartUpload implements PartUpload {
  readonly #store: S3Store;
  readonly #key: string;
  readonly #uploadId: string;
  readonly #etags = new Map<number, string>();

  constructor(store: S3Store, key: string, uploadId: string) {
    this.#store = store;
    this.#key = key;
    this.#uploadId = uploadId;
  }

  async uploadPart(partNumber: number, bytes: Uint8Array, signal: AbortSignal): Promise<void> {
    const { send, check, location } = this.#store.operations;
    const response = await send(
      'UploadPart',
      this.#key,
      'PUT',
      { partNumber: String(partNumber), uploadId: this.#uploadId },
      { 'content-md5': md5Base64(bytes) },
      bytes,
      signal,
      'UNSIGNED-PAYLOAD',
    );
    check('UploadPart', this.#key, response);
    const etag = response.headers.etag;
    if (etag === undefined || !/^[\x21-\x7e]{1,200}$/.test(etag)) {
      throw unusableAnswer(
        'S3',
        'UploadPart',
        location(this.#key),
        response.status,
        'it holds no usable ETag',
      );
    }
    this.#etags.set(partNumber, etag);
  }

  async complete(partCount: number, signal: AbortSignal): Promise<StoredVersion> {
    const { send, check, location, ensureRetention } = this.#store.operations;
    const parts: string[] = [];
    for (let number = 1; number <= partCount; number += 1) {
      const etag = this.#etags.get(number);
      if (etag === undefined) throw new RangeError(`part ${number} was never uploaded`);
      parts.push(`<Part><PartNumber>${number}</PartNumber><ETag>${xmlEscape(etag)}</ETag></Part>`);
    }
    const body = new TextEncoder().encode(
      `<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${parts.join('')}</CompleteMultipartUpload>`,
    );
    const response = await send(
      'CompleteMultipartUpload',
      this.#key,
      'POST',
      { uploadId: this.#uploadId },
      // Never replaces an object that appeared meanwhile (where the store honours it).
      { 'content-type': XML_CONTENT_TYPE, 'if-none-match': '*' },
      body,
      signal,
    );
    check('CompleteMultipartUpload', this.#key, response);
    if (!hasXmlElement(response.body, 'CompleteMultipartUploadResult')) {
      throw unusableAnswer(
        'S3',
        'CompleteMultipartUpload',
        location(this.#key),
        response.status,
        'it does not say the upload completed',
      );
    }
    const versionId = versionOf(response);
    await ensureRetention(this.#key, versionId, signal);
    return { versionId };
  }

  async abort(signal: AbortSignal): Promise<void> {
    const { send, check } = this.#store.operations;
    const response = await send(
      'AbortMultipartUpload',
      this.#key,
      'DELETE',
      { uploadId: this.#uploadId },
      {},
      undefined,
      signal,
    );
    // Already gone is what was wanted.
    if (response.status === 404) return;
    check('AbortMultipartUpload', this.#key, response);
  }
}

function versionOf(response: StoreResponse): string | undefined {
  return checkedVersionId(response.headers['x-amz-version-id']);
}
