import { describe, expect, it } from 'vitest';
import { createAzureStore } from '../../src/protocol/azure-store.js';
import { ObjectStoreError, TransportError } from '../../src/protocol/errors.js';
import type { ObjectReader } from '../../src/protocol/object-store.js';
import type {
  Clock,
  DownloadResponse,
  StoreHttp,
  StoreRequest,
  StoreResponse,
} from '../../src/protocol/ports.js';
import { createS3Store } from '../../src/protocol/s3-store.js';

// Reading back what was stored, over a scripted StoreHttp: a streamed GET retried as every store
// request is (each answer retried released first), 404 as absence, an error answer read for its
// code; listings paged until their end or past the limit. The real stores: the n8n node's
// compare-stored.test.ts, against radosgw and Azurite.
const clock: Clock = { now: () => 0, sleep: async () => {} };
const SAS = 'sv=2022-11-02&sr=c&sp=rl&sig=c2VjcmV0';

type Answer = { status: number; body: string; headers?: Record<string, string> };

function scripted(answers: Answer[]) {
  const sent: StoreRequest[] = [];
  let released = 0;
  const next = (request: StoreRequest) => {
    sent.push(request);
    const answer = answers.shift();
    if (answer === undefined) throw new TransportError('Object storage request', 'ECONNRESET');
    return answer;
  };
  const http: StoreHttp = {
    async send(request): Promise<StoreResponse> {
      const answer = next(request);
      return { status: answer.status, headers: answer.headers ?? {}, body: answer.body };
    },
    async stream(request): Promise<DownloadResponse> {
      const answer = next(request);
      const bytes = new TextEncoder().encode(answer.body);
      return {
        status: answer.status,
        headers: { 'content-length': String(bytes.byteLength), ...answer.headers },
        body: (async function* () {
          yield bytes;
        })(),
        cancel: async () => {
          released += 1;
        },
      };
    },
  };
  return { http, sent, released: () => released };
}

const stores: Array<[string, (http: StoreHttp) => ObjectReader]> = [
  [
    'S3',
    (http) =>
      createS3Store({
        http,
        clock,
        random: () => 0,
        bucket: 'b',
        region: 'us-east-1',
        endpoint: 'http://127.0.0.1:9',
        credentials: async () => ({ accessKeyId: 'AKIA', secretAccessKey: 'secret' }),
      }),
  ],
  [
    'Azure Blob',
    (http) =>
      createAzureStore({
        http,
        clock,
        random: () => 0,
        account: 'a',
        container: 'b',
        endpoint: 'http://127.0.0.1:9/a',
        auth: { type: 'sas', token: SAS },
      }),
  ],
];

async function text(body: AsyncIterable<Uint8Array>): Promise<string> {
  let all = '';
  for await (const chunk of body) all += new TextDecoder().decode(chunk);
  return all;
}

describe.each(stores)('reading back from %s', (name, open) => {
  const signal = new AbortController().signal;

  it('streams an object, after releasing the answers it retried', async () => {
    const { http, sent, released } = scripted([
      { status: 503, body: 'busy' },
      { status: 200, body: 'the export' },
    ]);
    const read = await open(http).read('p/x.jsonl.gz', signal);
    expect(read?.bytes).toBe(10);
    if (read === undefined) throw new Error('no object');
    expect(await text(read.body)).toBe('the export');
    expect(sent.map((request) => request.method)).toEqual(['GET', 'GET']);
    expect(new URL(sent[0]?.url ?? '').pathname).toMatch(/\/b\/p\/x\.jsonl\.gz$/);
    expect(released()).toBe(1);
  });

  it('says an object is absent on 404, and fails on a refusal with the store’s code', async () => {
    expect(await open(scripted([{ status: 404, body: '' }]).http).read('k', signal)).toBe(
      undefined,
    );
    const refused = open(
      scripted([
        {
          status: 403,
          body: '<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>no</Message></Error>',
          headers: { 'x-ms-error-code': 'AuthorizationPermissionMismatch' },
        },
      ]).http,
    ).read('k', signal);
    await expect(refused).rejects.toThrow(ObjectStoreError);
    await expect(refused).rejects.not.toThrow(/sig=|c2VjcmV0|secret/);
  });

  it('lists page by page, and says when there were more than the limit', async () => {
    const page = (keys: string[], next?: string) =>
      name === 'S3'
        ? `<ListBucketResult>${keys.map((key) => `<Contents><Key>${key}</Key></Contents>`).join('')}<IsTruncated>${next !== undefined}</IsTruncated>${next === undefined ? '' : `<NextContinuationToken>${next}</NextContinuationToken>`}</ListBucketResult>`
        : `<EnumerationResults><Blobs>${keys.map((key) => `<Blob><Name>${key}</Name></Blob>`).join('')}</Blobs><NextMarker>${next ?? ''}</NextMarker></EnumerationResults>`;
    const two = scripted([
      { status: 200, body: page(['a', 'b'], 't1') },
      { status: 200, body: page(['c&amp;d']) },
    ]);
    expect(await open(two.http).list('p/', 10, signal)).toEqual({
      keys: ['a', 'b', 'c&d'],
      truncated: false,
    });
    const second = new URL(two.sent[1]?.url ?? '');
    expect(second.searchParams.get(name === 'S3' ? 'continuation-token' : 'marker')).toBe('t1');
    expect(second.searchParams.get('prefix')).toBe('p/');
    const more = scripted([{ status: 200, body: page(['a', 'b', 'c'], 't1') }]);
    expect(await open(more.http).list('p/', 2, signal)).toEqual({
      keys: ['a', 'b'],
      truncated: true,
    });
    expect(
      new URL(more.sent[0]?.url ?? '').searchParams.get(name === 'S3' ? 'max-keys' : 'maxresults'),
    ).toBe('3');
    // An answer cut short (past the 64 KiB an answer is read to) is not taken for the end.
    const cut = scripted([{ status: 200, body: page(['a']).slice(0, -5) }]);
    await expect(open(cut.http).list('p/', 2, signal)).rejects.toThrow(/not a whole listing/);
  });
});
