/**
 * The runner's OIDC token service, as a job with `permissions: id-token: write` sees it: GET
 * ACTIONS_ID_TOKEN_REQUEST_URL&audience=… with ACTIONS_ID_TOKEN_REQUEST_TOKEN as a bearer token
 * answers `{ "value": "<GitHub ID token>" }`. Each answer is a new token, recorded, so a test can
 * tell a renewal with a fresh token from a cached one.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { closeServer, listenOnLoopback } from './loopback-server.js';

export interface IdTokenRequest {
  readonly audience: string | null;
  readonly authorized: boolean;
}

export interface IdTokenService {
  /** The environment the runner gives the job. */
  readonly env: { ACTIONS_ID_TOKEN_REQUEST_URL: string; ACTIONS_ID_TOKEN_REQUEST_TOKEN: string };
  readonly requests: IdTokenRequest[];
  /** Every ID token it gave out, in order. */
  readonly issued: string[];
  close(): Promise<void>;
}

export async function startIdTokenService(subject: string): Promise<IdTokenService> {
  const requestToken = `id-request-${randomBytes(16).toString('hex')}`;
  const requests: IdTokenRequest[] = [];
  const issued: string[] = [];
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const { server, origin } = await listenOnLoopback((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const authorized = request.headers.authorization === `Bearer ${requestToken}`;
    const audience = url.searchParams.get('audience');
    requests.push({ audience, authorized });
    if (request.method !== 'GET' || url.pathname !== '/idtoken' || !authorized) {
      response.writeHead(authorized ? 404 : 401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: 'Unauthorized' }));
      return;
    }
    const now = Math.floor(Date.now() / 1000);
    // The claims Entra ID matches a federated credential on; the signature is not checked here.
    const token = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({
      iss: 'https://token.actions.githubusercontent.com',
      sub: subject,
      aud: audience ?? 'https://github.com/owner',
      iat: now,
      nbf: now,
      exp: now + 300,
      jti: randomBytes(8).toString('hex'),
    })}.${randomBytes(32).toString('base64url')}`;
    issued.push(token);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ count: issued.length, value: token }));
  });
  return {
    env: {
      ACTIONS_ID_TOKEN_REQUEST_URL: `${origin}/idtoken?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
    },
    requests,
    issued,
    close: () => closeServer(server as Server),
  };
}
