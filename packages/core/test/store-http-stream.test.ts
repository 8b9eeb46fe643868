import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EnvHttpProxyAgent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUndiciStoreHttp } from '../src/node/store-http.js';
import { TransportError } from '../src/protocol/errors.js';

// The streamed read a stored export is compared from (`diff --to`): a store that stops sending
// halfway fails the read after the request timeout, over real loopback HTTP, instead of holding it.
let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((request, response) => {
    response.writeHead(200, { 'content-length': '1000' });
    response.write(Buffer.alloc(100, 120));
    if (request.url === '/whole') response.end(Buffer.alloc(900, 121));
    // '/stalls' sends nothing more.
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function readAll(path: string): Promise<number> {
  const http = createUndiciStoreHttp({ dispatcher: new EnvHttpProxyAgent(), timeoutMs: 300 });
  const stream = http.stream;
  if (stream === undefined) throw new Error('the undici store transport streams');
  const response = await stream({
    method: 'GET',
    url: `${url}${path}`,
    headers: {},
    signal: new AbortController().signal,
  });
  expect(response.status).toBe(200);
  let bytes = 0;
  for await (const chunk of response.body) bytes += chunk.byteLength;
  return bytes;
}

describe('createUndiciStoreHttp().stream', () => {
  it('streams a whole body', async () => {
    expect(await readAll('/whole')).toBe(1000);
  });

  it('fails a body that stops coming after the request timeout, as a transport error', async () => {
    const error = await readAll('/stalls').then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(TransportError);
    expect((error as Error).message).toMatch(/^Object storage read/);
  });
});
