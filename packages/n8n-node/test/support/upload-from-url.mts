/**
 * A stand-in for an object store's upload-from-URL API (Azure's Put Blob From URL, say): it pulls
 * the file from the URL it is given and answers with what it received. For the pattern where the
 * export is too large for n8n's binary data store and never passes through n8n at all.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface UploadFromUrl {
  readonly url: string;
  close(): Promise<void>;
}

export async function startUploadFromUrl(): Promise<UploadFromUrl> {
  const server = createServer(async (request, response) => {
    try {
      let text = '';
      for await (const chunk of request) text += String(chunk);
      const { source } = JSON.parse(text) as { source?: string };
      const download = await fetch(String(source));
      if (!download.ok || download.body === null) {
        response
          .writeHead(502)
          .end(JSON.stringify({ error: `source answered ${download.status}` }));
        return;
      }
      const hash = createHash('sha256');
      let bytes = 0;
      await pipeline(Readable.fromWeb(download.body), async (chunks: AsyncIterable<Buffer>) => {
        for await (const chunk of chunks) {
          hash.update(chunk);
          bytes += chunk.length;
        }
      });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ sha256: hash.digest('hex'), bytes }));
    } catch (error) {
      response.writeHead(500).end(JSON.stringify({ error: String(error) }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/upload`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
