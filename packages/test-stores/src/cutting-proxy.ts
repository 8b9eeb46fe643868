/**
 * A loopback proxy in front of a store that breaks the first whole read of an export mid-body,
 * once, and notes the ranged requests it forwards: what a client's resumed read is tested with.
 * Requests pass unchanged (Host and signatures included), so the store behind it serves and
 * checks them. For a client that talks TLS, put `startTlsFront` in front of it.
 */
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RangedRequest {
  readonly range: string;
  readonly ifMatch: string | undefined;
}

export interface CuttingProxy {
  /** The store's endpoint with the proxy's origin (its path, such as Azurite's account, kept). */
  readonly endpoint: string;
  /** The Range (and If-Match) of each ranged request forwarded, in order. */
  readonly ranged: readonly RangedRequest[];
  /** Reads cut: at most one. */
  readonly cuts: () => number;
  /** The ETag the store gave the read that was cut. */
  readonly cutEtag: () => string | undefined;
  close(): Promise<void>;
}

/**
 * Proxies to `upstream` (`http://host:port[/path]`), cutting the first un-ranged GET of a
 * `.jsonl.gz` object after half its body (its Content-Length).
 */
export async function startCuttingProxy(upstream: string): Promise<CuttingProxy> {
  const target = new URL(upstream);
  const ranged: RangedRequest[] = [];
  let cuts = 0;
  let cutEtag: string | undefined;
  const server = createServer((request, response) => {
    const { range, 'if-match': ifMatch } = request.headers;
    if (range !== undefined) ranged.push({ range, ifMatch });
    const path = new URL(request.url ?? '/', 'http://proxy').pathname;
    const cut =
      cuts === 0 && request.method === 'GET' && range === undefined && path.endsWith('.jsonl.gz');
    const forward = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        const length = Number(answer.headers['content-length']);
        if (!cut || answer.statusCode !== 200 || !(length > 1)) {
          answer.pipe(response);
          return;
        }
        const cutAt = Math.floor(length / 2);
        let sent = 0;
        answer.on('data', (chunk: Buffer) => {
          if (sent >= cutAt) return;
          const part = chunk.subarray(0, cutAt - sent);
          sent += part.byteLength;
          if (sent < cutAt) {
            response.write(part);
            return;
          }
          cuts += 1;
          cutEtag = answer.headers.etag;
          answer.destroy();
          // Closed once the head and the bytes are on the wire: destroyed at once, a socket
          // drops what it still holds, and the client sees no answer rather than a broken body.
          response.write(part, () => response.socket?.destroy());
        });
      },
    );
    forward.on('error', () => response.socket?.destroy());
    request.pipe(forward);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const path = target.pathname.replace(/\/$/, '');
  return {
    endpoint: `http://127.0.0.1:${port}${path}`,
    ranged,
    cuts: () => cuts,
    cutEtag: () => cutEtag,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
