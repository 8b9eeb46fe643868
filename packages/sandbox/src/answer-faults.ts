/**
 * Faults that let the API do its work and then spoil the answer on its way out: values rewritten
 * (a gid that is a path, a URL with another scheme, a state holding escape sequences), or the
 * body garbled as a misbehaving proxy does. The status and the work done are the route's own.
 */
import { type Exchange, sendJson, writeHead } from './http-io.js';
import { applyRewrite } from './rewrite.js';
import type { Fault, Garble } from './types.js';

export type AnswerFault = Extract<Fault, { rewrite: unknown } | { garble: unknown }>;

export function isAnswerFault(fault: Fault): fault is AnswerFault {
  return 'rewrite' in fault || 'garble' in fault;
}

/** A rewrite that waits for an answer about a finished or failed export. */
export function isFinalOnly(fault: Fault): boolean {
  return 'rewrite' in fault && fault.final === true;
}

/** Sends `body` as JSON, as spoiled by `fault` when there is one. */
export function sendAnswer(
  exchange: Exchange,
  status: number,
  body: unknown,
  fault: AnswerFault | undefined,
  pretty: boolean,
): void {
  if (fault === undefined || 'rewrite' in fault) {
    const sent = fault === undefined ? body : applyRewrite(body, fault.rewrite);
    sendJson(exchange, status, sent, { pretty });
    return;
  }
  const [contentType, text] = garbled(fault.garble, body, pretty);
  writeHead(exchange, status, { 'Content-Type': contentType, 'Content-Length': text.length });
  exchange.res.end(text);
}

function garbled(garble: Garble, body: unknown, pretty: boolean): [string, Buffer] {
  if (garble === 'html') return ['text/html', Buffer.from(PROXY_PAGE)];
  const json = Buffer.from(`${JSON.stringify(body, null, pretty ? 2 : undefined)}\n`);
  // Half of a JSON object never closes its outermost brace, so it never parses.
  return ['application/json; charset=UTF-8', json.subarray(0, Math.floor(json.length / 2))];
}

/** What a corporate proxy or captive portal sends in place of the answer it swallowed. */
const PROXY_PAGE = `<!DOCTYPE html>
<html>
<head><title>Network notice</title></head>
<body>
<h1>This request was intercepted by your network's proxy</h1>
<p>The page you requested could not be delivered. Please sign in to the network and try again.</p>
<hr><address>proxy.sandbox.invalid</address>
</body>
</html>
`;
