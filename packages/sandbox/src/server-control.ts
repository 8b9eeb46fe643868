/**
 * The control plane under `/_sandbox/` on the API origin, for tests and demos in other processes.
 * It needs no token and is not recorded in the request log: it is not part of the API being
 * imitated. Answers are plain JSON, without Asana's envelope.
 */
import type { SandboxContext } from './context.js';
import { parseFault } from './faults.js';
import { type Exchange, readBody, sendJson } from './http-io.js';
import { SandboxInputError } from './scenario.js';

export async function handleControlRequest(
  context: SandboxContext,
  exchange: Exchange,
): Promise<void> {
  const { pathname } = exchange.url;
  const method = exchange.req.method;
  try {
    if (method === 'POST' && pathname === '/_sandbox/configure') {
      const scenario = context.configure(await readJsonBody(exchange));
      return sendJson(exchange, 200, scenario);
    }
    if (method === 'POST' && pathname === '/_sandbox/inject') {
      const fault = parseFault(await readJsonBody(exchange));
      context.faults.add(fault);
      return sendJson(exchange, 200, fault);
    }
    if (method === 'GET' && pathname === '/_sandbox/requests') {
      return sendJson(exchange, 200, context.log.all);
    }
    const file = /^\/_sandbox\/files\/([^/]+)$/.exec(pathname);
    if (method === 'GET' && file !== null) {
      const gid = decodeURIComponent(file[1] ?? '');
      const info = await context.fileInfo(gid);
      if (info === undefined) return sendJson(exchange, 404, { error: `Unknown export: ${gid}` });
      return sendJson(exchange, 200, info);
    }
    return sendJson(exchange, 404, { error: `No control endpoint ${method} ${pathname}` });
  } catch (error) {
    const status = error instanceof SandboxInputError ? 400 : 500;
    return sendJson(exchange, status, { error: (error as Error).message });
  }
}

async function readJsonBody(exchange: Exchange): Promise<unknown> {
  const text = (await readBody(exchange.req)).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SandboxInputError('body must be JSON');
  }
}
