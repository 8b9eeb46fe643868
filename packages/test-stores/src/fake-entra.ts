/**
 * A loopback Microsoft Entra ID token endpoint, for the one part of the Azure bearer path no
 * emulator provides: `@azure/identity` (through MSAL) asks it for a Storage token by client
 * secret or client assertion, exactly as it asks login.microsoftonline.com. The tokens are JWTs
 * of the shape Azurite's `--oauth basic` checks (audience, issuer, lifetime; not the signature).
 * HTTPS only, as MSAL requires of an authority.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { TestCertificate } from './tls.js';

export interface TokenRequest {
  readonly tenant: string;
  readonly clientId: string;
  readonly grantType: string;
  readonly scope: string;
  /** The client assertion (a federated token) it carried, if any. */
  readonly assertion: string | undefined;
  readonly secretGiven: boolean;
}

export interface FakeEntraOptions {
  /** The token's lifetime: under MSAL's five-minute refresh margin, every request asks again. */
  readonly expiresInSeconds?: number;
}

export interface FakeEntra {
  /** `https://127.0.0.1:PORT`, for AZURE_AUTHORITY_HOST. */
  readonly authorityHost: string;
  readonly tenantId: string;
  readonly clientId: string;
  /** The client secret it accepts (a test value, still treated as a secret). */
  readonly clientSecret: string;
  readonly tokenRequests: TokenRequest[];
  /** Access tokens it issued, to look for in logs. */
  readonly issued: string[];
  /** The audience of the tokens it issues from now on (Storage's by default). */
  setAudience(audience: string): void;
  /** The lifetime of the tokens it issues from now on. */
  setTokenLifetime(seconds: number): void;
  /** Assertions it accepts; any other is refused as Entra refuses an unknown federated token. */
  acceptAssertion(check: (assertion: string) => boolean): void;
  close(): Promise<void>;
}

const STORAGE_AUDIENCE = 'https://storage.azure.com';

export async function startFakeEntra(
  certificate: TestCertificate,
  options: FakeEntraOptions = {},
): Promise<FakeEntra> {
  const tenantId = randomUUID();
  const clientId = randomUUID();
  const clientSecret = `entra-secret-${randomBytes(12).toString('hex')}`;
  const signingKey = randomBytes(32);
  const tokenRequests: TokenRequest[] = [];
  const issued: string[] = [];
  let audience = STORAGE_AUDIENCE;
  let lifetime = options.expiresInSeconds ?? 3600;
  let assertionOk: (assertion: string) => boolean = () => true;
  let base = '';

  const jwt = (claims: Record<string, unknown>): string => {
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
    return `${unsigned}.${createHmac('sha256', signingKey).update(unsigned).digest('base64url')}`;
  };

  const answer = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    response.end(JSON.stringify(body));
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', base);
    const [tenant, ...rest] = url.pathname.split('/').filter(Boolean);
    const path = rest.join('/');
    if (request.method === 'GET' && path === 'v2.0/.well-known/openid-configuration') {
      answer(response, 200, {
        issuer: `${base}/${tenant}/v2.0`,
        authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/authorize`,
        token_endpoint: `${base}/${tenant}/oauth2/v2.0/token`,
        jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`,
        end_session_endpoint: `${base}/${tenant}/oauth2/v2.0/logout`,
      });
      return;
    }
    if (request.method !== 'POST' || path !== 'oauth2/v2.0/token') {
      answer(response, 404, { error: 'not_found' });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > 64 * 1024) {
        answer(response, 413, { error: 'invalid_request' });
        return;
      }
      chunks.push(chunk as Buffer);
    }
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const assertion = form.get('client_assertion') ?? undefined;
    const record: TokenRequest = {
      tenant: tenant ?? '',
      clientId: form.get('client_id') ?? '',
      grantType: form.get('grant_type') ?? '',
      scope: form.get('scope') ?? '',
      assertion,
      secretGiven: form.has('client_secret'),
    };
    tokenRequests.push(record);
    const authenticated =
      record.tenant === tenantId &&
      record.clientId === clientId &&
      record.grantType === 'client_credentials' &&
      (assertion === undefined
        ? form.get('client_secret') === clientSecret
        : form.get('client_assertion_type') ===
            'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' && assertionOk(assertion));
    if (!authenticated) {
      // Entra's own codes: an unknown federated token, or a wrong secret.
      const [code, text] =
        assertion === undefined
          ? [7000215, 'Invalid client secret provided.']
          : [700213, 'No matching federated identity record found for presented assertion.'];
      answer(response, 401, {
        error: 'invalid_client',
        error_description: `AADSTS${code}: ${text}`,
        error_codes: [code],
      });
      return;
    }
    const now = Math.floor(Date.now() / 1000);
    const expiresIn = lifetime;
    const token = jwt({
      aud: audience,
      iss: `https://sts.windows.net/${tenantId}/`,
      iat: now - 5,
      nbf: now - 5,
      exp: now + expiresIn,
      tid: tenantId,
      appid: clientId,
      oid: clientId,
      sub: clientId,
      uti: randomBytes(8).toString('hex'),
      ver: '1.0',
    });
    issued.push(token);
    answer(response, 200, {
      token_type: 'Bearer',
      expires_in: expiresIn,
      ext_expires_in: expiresIn,
      access_token: token,
    });
  };

  const server = createServer(
    { cert: certificate.cert, key: certificate.key },
    (request, response) => {
      handle(request, response).catch(() => {
        if (!response.headersSent) answer(response, 500, { error: 'server_error' });
        else response.destroy();
      });
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fake Entra has no port');
  base = `https://127.0.0.1:${address.port}`;
  return {
    authorityHost: base,
    tenantId,
    clientId,
    clientSecret,
    tokenRequests,
    issued,
    setAudience: (value) => {
      audience = value;
    },
    setTokenLifetime: (seconds) => {
      lifetime = seconds;
    },
    acceptAssertion: (check) => {
      assertionOk = check;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
