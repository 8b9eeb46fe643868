/**
 * Records the JSON bodies POSTed to it, by path: how a test sees what a node inside n8n sent
 * (an HTTP Request node's body, a test-only node's report of a call). Node built-ins: see n8n.mts.
 */
import { createServer } from 'node:http';

export interface Recorder {
  readonly url: string;
  /** The bodies POSTed to `path`, in order. */
  received(path: string): unknown[];
  close(): Promise<void>;
}

export async function startRecorder(): Promise<Recorder> {
  const bodies = new Map<string, unknown[]>();
  const server = createServer(async (request, response) => {
    let text = '';
    for await (const chunk of request) text += String(chunk);
    const path = new URL(request.url ?? '/', 'http://recorder').pathname;
    const list = bodies.get(path) ?? [];
    bodies.set(path, list);
    try {
      list.push(JSON.parse(text));
    } catch {
      list.push(text);
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    received: (path) => [...(bodies.get(path) ?? [])],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
