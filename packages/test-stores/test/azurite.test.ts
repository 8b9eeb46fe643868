/**
 * What the Azure destination relies on, checked against a real Azurite (one server for the
 * file): block staging with transactional checksums, commit by block list, conditional create,
 * container SAS and SharedKey on raw REST requests, and which optional headers Azurite takes.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  BlobServiceClient,
  type ContainerClient,
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  RestError,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AzureBlobServer, startAzurite } from '../src/azurite.js';
import { crc64Bytes, crc64Nvme } from './support/crc64.js';
import { signSharedKey } from './support/shared-key.js';

/** The REST version our own requests send (the SDK sends its newer one). */
const X_MS_VERSION = '2021-08-06';

let server: AzureBlobServer;
let credential: StorageSharedKeyCredential;
let container: ContainerClient;

beforeAll(async () => {
  server = await startAzurite();
  console.info(`Azurite blob service started in ${server.startMs} ms`);
  credential = new StorageSharedKeyCredential(server.account, server.accountKey);
  const service = new BlobServiceClient(server.blobEndpoint, credential);
  container = service.getContainerClient(`exports-${Date.now()}`);
  await container.create();
});

afterAll(async () => {
  await server?.stop();
});

describe('Azurite (Azure Blob emulator)', () => {
  it('serves on loopback with the well-known development account', () => {
    expect(server.blobEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);
    expect(server.account).toBe('devstoreaccount1');
    expect(server.startMs).toBeLessThan(30_000);
  });

  it('creates a container, and refuses to create it twice', async () => {
    const service = new BlobServiceClient(server.blobEndpoint, credential);
    const other = service.getContainerClient(`created-${Date.now()}`);
    expect(await other.exists()).toBe(false);
    await other.create();
    expect(await other.exists()).toBe(true);
    expect(await failure(() => other.create())).toEqual({
      status: 409,
      code: 'ContainerAlreadyExists',
    });
  });

  it('Put Block checks transactionalContentMD5 and refuses a wrong one (400 Md5Mismatch)', async () => {
    const blob = container.getBlockBlobClient('md5/part');
    const bytes = randomBytes(1000);
    await blob.stageBlock(blockId(0), bytes, bytes.length, { transactionalContentMD5: md5(bytes) });
    expect(
      await failure(() =>
        blob.stageBlock(blockId(1), bytes, bytes.length, {
          transactionalContentMD5: md5(bytes.subarray(1)),
        }),
      ),
    ).toEqual({ status: 400, code: 'Md5Mismatch' });
    const blocks = await blob.getBlockList('uncommitted');
    expect(blocks.uncommittedBlocks?.map((block) => block.name)).toEqual([blockId(0)]);
  });

  it('Put Block checks transactionalContentCrc64 (CRC-64/NVME) and refuses a wrong one (400 Crc64Mismatch)', async () => {
    // The catalogue check value of CRC-64/NVME: our implementation is the right one.
    expect(crc64Nvme(Buffer.from('123456789'))).toBe(0xae8b14860a799888n);
    const blob = container.getBlockBlobClient('crc64/part');
    const bytes = randomBytes(1000);
    // Azurite (like Azure) echoes the CRC64 it computed, in x-ms-content-crc64.
    const staged = await blob.stageBlock(blockId(0), bytes, bytes.length, {
      transactionalContentCrc64: crc64Bytes(bytes),
    });
    expect(Buffer.from(staged.xMsContentCrc64 ?? [])).toEqual(Buffer.from(crc64Bytes(bytes)));
    expect(
      await failure(() =>
        blob.stageBlock(blockId(1), bytes, bytes.length, {
          transactionalContentCrc64: crc64Bytes(bytes.subarray(1)),
        }),
      ),
    ).toEqual({ status: 400, code: 'Crc64Mismatch' });
  });

  it('Put Block List commits the blocks in list order; before that there is no blob (404 BlobNotFound)', async () => {
    const blob = container.getBlockBlobClient('commit/archive.bin');
    const parts = [randomBytes(700), randomBytes(1), randomBytes(4096)];
    // Staged out of order, as parallel uploads finish.
    for (const index of [2, 0, 1]) {
      const part = parts[index] ?? Buffer.alloc(0);
      await blob.stageBlock(blockId(index), part, part.length, {
        transactionalContentMD5: md5(part),
      });
    }
    expect(await failure(() => blob.getProperties())).toEqual({
      status: 404,
      code: 'BlobNotFound',
    });
    expect(await blob.exists()).toBe(false);

    await blob.commitBlockList(parts.map((_, index) => blockId(index)));
    expect(await blob.downloadToBuffer()).toEqual(Buffer.concat(parts));
    const blocks = await blob.getBlockList('all');
    expect(blocks.committedBlocks?.map((block) => block.size)).toEqual(
      parts.map((part) => part.length),
    );
    expect(blocks.uncommittedBlocks).toEqual([]);
  });

  it('a commit with ifNoneMatch "*" creates a new blob, and is refused when the blob exists (409 BlobAlreadyExists)', async () => {
    const blob = container.getBlockBlobClient('conditional/manifest.json');
    const first = Buffer.from('{"first":true}');
    await blob.stageBlock(blockId(0), first, first.length);
    await blob.commitBlockList([blockId(0)], { conditions: { ifNoneMatch: '*' } });

    const second = Buffer.from('{"second":true}');
    await blob.stageBlock(blockId(1), second, second.length);
    expect(
      await failure(() => blob.commitBlockList([blockId(1)], { conditions: { ifNoneMatch: '*' } })),
    ).toEqual({ status: 409, code: 'BlobAlreadyExists' });
    expect(await blob.downloadToBuffer()).toEqual(first);
  });

  describe('raw REST requests (how the n8n node talks to Azure)', () => {
    it('a container SAS with create and write lets plain fetch Put Block and Put Block List', async () => {
      const sas = containerSas('cw');
      const name = 'sas/archive.bin';
      const parts = [randomBytes(3000), randomBytes(20)];
      // One block with Content-MD5, one with x-ms-content-crc64: Azure takes either, not both.
      const checksums: Record<string, string>[] = [
        { 'content-md5': md5(parts[0] ?? Buffer.alloc(0)).toString('base64') },
        {
          'x-ms-content-crc64': Buffer.from(crc64Bytes(parts[1] ?? Buffer.alloc(0))).toString(
            'base64',
          ),
        },
      ];
      for (const [index, part] of parts.entries()) {
        const put = await rest(
          'PUT',
          blobUrl(name, { comp: 'block', blockid: blockId(index) }, sas),
          {
            headers: { 'x-ms-version': X_MS_VERSION, ...checksums[index] },
            body: part,
          },
        );
        expect(put.status, put.text).toBe(201);
      }
      // Azurite 3.37 echoes no Content-MD5 on Put Block (Azure does), but the CRC64 it computed.
      const echo = await rest('PUT', blobUrl(name, { comp: 'block', blockid: blockId(1) }, sas), {
        headers: { 'x-ms-version': X_MS_VERSION },
        body: parts[1],
      });
      expect(echo.headers.get('x-ms-content-crc64')).toBe(checksums[1]?.['x-ms-content-crc64']);
      const wrongCrc = await rest(
        'PUT',
        blobUrl(name, { comp: 'block', blockid: blockId(9) }, sas),
        {
          headers: {
            'x-ms-version': X_MS_VERSION,
            'x-ms-content-crc64': checksums[1]?.['x-ms-content-crc64'] ?? '',
          },
          body: parts[0],
        },
      );
      expect([wrongCrc.status, wrongCrc.code]).toEqual([400, 'Crc64Mismatch']);
      const wrong = await rest('PUT', blobUrl(name, { comp: 'block', blockid: blockId(9) }, sas), {
        headers: {
          'x-ms-version': X_MS_VERSION,
          'content-md5': md5(Buffer.from('x')).toString('base64'),
        },
        body: parts[0],
      });
      expect([wrong.status, wrong.code]).toEqual([400, 'Md5Mismatch']);

      const commit = await rest('PUT', blobUrl(name, { comp: 'blocklist' }, sas), {
        headers: {
          'x-ms-version': X_MS_VERSION,
          'content-type': 'application/xml',
          'x-ms-blob-content-type': 'application/octet-stream',
          'if-none-match': '*',
        },
        body: blockListXml(parts.map((_, index) => blockId(index))),
      });
      expect(commit.status, commit.text).toBe(201);
      const blob = container.getBlockBlobClient(name);
      expect(await blob.downloadToBuffer()).toEqual(Buffer.concat(parts));
      expect((await blob.getProperties()).contentType).toBe('application/octet-stream');
    });

    it('a read-only SAS cannot write (403 AuthorizationPermissionMismatch)', async () => {
      const put = await rest(
        'PUT',
        blobUrl('sas/refused', { comp: 'block', blockid: blockId(0) }, containerSas('r')),
        {
          headers: { 'x-ms-version': X_MS_VERSION },
          body: Buffer.from('nope'),
        },
      );
      expect([put.status, put.code]).toEqual([403, 'AuthorizationPermissionMismatch']);
    });

    it('a SAS signed with another key is refused (403 AuthorizationFailure)', async () => {
      const forged = containerSas(
        'cw',
        new StorageSharedKeyCredential(server.account, randomBytes(64).toString('base64')),
      );
      const put = await rest(
        'PUT',
        blobUrl('sas/forged', { comp: 'block', blockid: blockId(0) }, forged),
        { headers: { 'x-ms-version': X_MS_VERSION }, body: Buffer.from('nope') },
      );
      expect([put.status, put.code]).toEqual([403, 'AuthorizationFailure']);
    });

    it('SharedKey signed with node:crypto works; a wrong key is refused (403, AuthorizationFailure in Azurite)', async () => {
      const name = 'shared-key/archive.bin';
      const part = randomBytes(2048);
      const put = await sharedKeyRest(
        'PUT',
        blobUrl(name, { comp: 'block', blockid: blockId(0) }),
        {
          headers: { 'x-ms-version': X_MS_VERSION, 'content-md5': md5(part).toString('base64') },
          body: part,
        },
      );
      expect(put.status, put.text).toBe(201);
      const commit = await sharedKeyRest('PUT', blobUrl(name, { comp: 'blocklist' }), {
        headers: {
          'x-ms-version': X_MS_VERSION,
          'content-type': 'application/xml',
          'if-none-match': '*',
        },
        body: blockListXml([blockId(0)]),
      });
      expect(commit.status, commit.text).toBe(201);
      const get = await sharedKeyRest('GET', blobUrl(name), {
        headers: { 'x-ms-version': X_MS_VERSION },
      });
      expect(get.status).toBe(200);
      expect(get.body).toEqual(part);

      const wrongKey = randomBytes(64).toString('base64');
      const refused = await sharedKeyRest(
        'PUT',
        blobUrl('shared-key/refused', { comp: 'block', blockid: blockId(0) }),
        { headers: { 'x-ms-version': X_MS_VERSION }, body: part },
        wrongKey,
      );
      // Azure answers 403 AuthenticationFailed; Azurite 3.37 answers 403 AuthorizationFailure.
      expect([refused.status, refused.code]).toEqual([403, 'AuthorizationFailure']);
      expect(refused.text).toContain('Server failed to authenticate the request');
      // The SDK with the wrong key is refused the same way.
      const wrongClient = new BlobServiceClient(
        server.blobEndpoint,
        new StorageSharedKeyCredential(server.account, wrongKey),
      );
      expect(
        await failure(() =>
          wrongClient.getContainerClient(container.containerName).getProperties(),
        ),
      ).toEqual({ status: 403, code: 'AuthorizationFailure' });
    });
  });

  describe('optional headers on Put Block List', () => {
    it('x-ms-access-tier: Cool', async () => {
      const result = await commitWith('tier/cool.bin', { 'x-ms-access-tier': 'Cool' });
      expect(result.status, result.text).toBe(201);
      expect((await container.getBlockBlobClient('tier/cool.bin').getProperties()).accessTier).toBe(
        'Cool',
      );
    });

    it('x-ms-encryption-scope is accepted and ignored (201, the blob has no encryption scope)', async () => {
      const result = await commitWith('scope/scoped.bin', { 'x-ms-encryption-scope': 'backups' });
      expect(result.status, result.text).toBe(201);
      expect(result.headers.get('x-ms-encryption-scope')).toBeNull();
      const properties = await container.getBlockBlobClient('scope/scoped.bin').getProperties();
      expect(properties.encryptionScope).toBeUndefined();
    });

    it('immutability policy headers are accepted and ignored (201, no policy, the blob can be deleted)', async () => {
      const name = 'immutable/kept.bin';
      const result = await commitWith(name, {
        'x-ms-immutability-policy-until-date': new Date(Date.now() + 86_400_000).toUTCString(),
        'x-ms-immutability-policy-mode': 'Unlocked',
      });
      expect(result.status, result.text).toBe(201);
      const blob = container.getBlockBlobClient(name);
      const properties = await blob.getProperties();
      expect(properties.immutabilityPolicyExpiresOn).toBeUndefined();
      expect(properties.immutabilityPolicyMode).toBeUndefined();
      // Azure would refuse this (409) while the policy runs: Azurite cannot test retention.
      await blob.delete();
      expect(await blob.exists()).toBe(false);
    });
  });
});

interface RestResult {
  readonly status: number;
  /** `x-ms-error-code`, also sent on HEAD, where there is no body. */
  readonly code: string | undefined;
  readonly headers: Headers;
  readonly body: Buffer;
  readonly text: string;
}

interface RestRequest {
  readonly headers: Record<string, string>;
  readonly body?: Uint8Array | undefined;
}

async function rest(method: string, url: URL, request: RestRequest): Promise<RestResult> {
  const response = await fetch(url, {
    method,
    headers: request.headers,
    ...(request.body ? { body: request.body } : {}),
    signal: AbortSignal.timeout(10_000),
  });
  const body = Buffer.from(await response.arrayBuffer());
  return {
    status: response.status,
    code: response.headers.get('x-ms-error-code') ?? undefined,
    headers: response.headers,
    body,
    text: body.toString('utf8'),
  };
}

function sharedKeyRest(
  method: string,
  url: URL,
  request: RestRequest,
  accountKey = server.accountKey,
): Promise<RestResult> {
  const headers = signSharedKey(
    { method, url, headers: request.headers, contentLength: request.body?.length ?? 0 },
    server.account,
    accountKey,
  );
  return rest(method, url, { ...request, headers });
}

/** Stages one block and commits it with `headers` added to the Put Block List request. */
async function commitWith(name: string, headers: Record<string, string>): Promise<RestResult> {
  const part = randomBytes(100);
  const put = await sharedKeyRest('PUT', blobUrl(name, { comp: 'block', blockid: blockId(0) }), {
    headers: { 'x-ms-version': X_MS_VERSION },
    body: part,
  });
  expect(put.status, put.text).toBe(201);
  return sharedKeyRest('PUT', blobUrl(name, { comp: 'blocklist' }), {
    headers: { 'x-ms-version': X_MS_VERSION, 'content-type': 'application/xml', ...headers },
    body: blockListXml([blockId(0)]),
  });
}

function blobUrl(name: string, query: Record<string, string> = {}, sas?: string): URL {
  const url = new URL(`${server.blobEndpoint}/${container.containerName}/${name}`);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  if (sas) for (const [key, value] of new URLSearchParams(sas)) url.searchParams.set(key, value);
  return url;
}

function containerSas(permissions: string, signer = credential): string {
  return generateBlobSASQueryParameters(
    {
      containerName: container.containerName,
      permissions: ContainerSASPermissions.parse(permissions),
      startsOn: new Date(Date.now() - 60_000),
      expiresOn: new Date(Date.now() + 3_600_000),
    },
    signer,
  ).toString();
}

function blockListXml(ids: readonly string[]): Buffer {
  const latest = ids.map((id) => `<Latest>${id}</Latest>`).join('');
  return Buffer.from(`<?xml version="1.0" encoding="utf-8"?><BlockList>${latest}</BlockList>`);
}

/** Block ids must be base64 and, within a blob, all of the same length. */
function blockId(index: number): string {
  return Buffer.from(`block-${String(index).padStart(6, '0')}`).toString('base64');
}

function md5(bytes: Uint8Array): Buffer {
  return createHash('md5').update(bytes).digest();
}

/** The status and Azure error code of a call that must fail. */
async function failure(
  call: () => Promise<unknown>,
): Promise<{ status: number; code: string | undefined }> {
  try {
    await call();
  } catch (error) {
    if (!(error instanceof RestError)) throw error;
    const details = error.details as { errorCode?: string } | undefined;
    return { status: error.statusCode ?? 0, code: details?.errorCode ?? error.code };
  }
  throw new Error('expected the call to fail');
}
