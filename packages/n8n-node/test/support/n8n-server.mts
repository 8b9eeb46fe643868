/**
 * A started n8n (`n8n start`, regular mode, SQLite) over an instance of n8n.mts: what the editor
 * talks to. Unlike `n8n execute`, it runs published workflows from their webhooks and resumes
 * parked executions (its wait tracker); the owner account it sets up calls the editor's REST API.
 * Node built-ins: see n8n.mts.
 */

import {
  freePort,
  type LoggedProcess,
  spawnLogged,
  stopProcess,
  waitUntilServing,
} from '@asana-exports/test-stores';
import type { N8nInstance } from './n8n.mts';

export interface RestAnswer {
  readonly status: number;
  readonly body: unknown;
}

export interface ExecutionSummary {
  readonly id: string;
  readonly status: string;
  readonly waitTill?: string | null;
  readonly workflowId: string;
}

export interface N8nServer {
  readonly url: string;
  readonly process: LoggedProcess;
  /** The editor's REST API (`/rest/…`), signed in as the owner. */
  rest(method: string, path: string, body?: object): Promise<RestAnswer>;
  /** POSTs to a published workflow's production webhook. */
  webhook(path: string, body: object): Promise<RestAnswer>;
  /** The workflow's executions as n8n's database has them, newest first. */
  executions(workflowId: string): Promise<ExecutionSummary[]>;
  close(): Promise<void>;
}

export const OWNER = {
  email: 'owner@example.com',
  firstName: 'E2E',
  lastName: 'Owner',
  password: 'E2e-owner-2026',
};
/** The editor sends one; a session cookie is bound to it. */
const BROWSER_ID = 'asana-exports-e2e';

/**
 * Publishes `publish` (workflows already imported into `instance`), starts n8n on a free port and
 * sets up the owner (or signs in, when the instance was started before). `env` adds to the instance's environment (log level, concurrency…).
 */
export async function startN8nServer(
  bin: string,
  instance: N8nInstance,
  options: { publish?: readonly string[]; env?: Record<string, string> } = {},
): Promise<N8nServer> {
  for (const id of options.publish ?? []) {
    const published = await instance.run(['publish:workflow', `--id=${id}`]);
    if (published.code !== 0) {
      throw new Error(`n8n publish:workflow failed:\n${published.stdout}\n${published.stderr}`);
    }
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const process = spawnLogged('n8n', [bin, 'start'], {
    env: {
      ...instance.env,
      N8N_PORT: String(port),
      N8N_LISTEN_ADDRESS: '127.0.0.1',
      N8N_SECURE_COOKIE: 'false',
      N8N_RUNNERS_BROKER_PORT: String(await freePort()),
      ...options.env,
    },
  });
  let cookie = '';
  const call = async (method: string, path: string, body?: object): Promise<RestAnswer> => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        'browser-id': BROWSER_ID,
        ...(cookie ? { cookie } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    const setCookie = response.headers.get('set-cookie');
    const auth = setCookie === null ? null : /n8n-auth=[^;]+/.exec(setCookie);
    if (auth !== null) cookie = auth[0];
    return { status: response.status, body: parseJson(text) };
  };
  const close = () => stopProcess(process.child, 'SIGTERM');
  try {
    await waitUntilServing(
      process,
      () =>
        fetch(`${url}/healthz/readiness`).then(
          (response) => response.status === 200,
          () => false,
        ),
      120_000,
    );
    // The owner once per instance; a later start of the same instance signs in.
    const setup = await call('POST', '/rest/owner/setup', OWNER);
    const signedIn =
      setup.status === 200
        ? setup
        : await call('POST', '/rest/login', {
            emailOrLdapLoginId: OWNER.email,
            password: OWNER.password,
          });
    if (signedIn.status !== 200) throw new Error(`Owner sign-in failed: ${JSON.stringify(setup)}`);
  } catch (error) {
    await close();
    throw error;
  }

  return {
    url,
    process,
    rest: call,
    async webhook(path, body) {
      // A published workflow's webhook registers shortly after n8n reports ready.
      const deadline = Date.now() + 30_000;
      for (;;) {
        const answer = await call('POST', `/webhook/${path}`, body);
        if (answer.status !== 404 || Date.now() > deadline) return answer;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    },
    async executions(workflowId) {
      const filter = encodeURIComponent(JSON.stringify({ workflowId }));
      const answer = await call('GET', `/rest/executions?filter=${filter}`);
      if (answer.status !== 200) throw new Error(`Executions: ${JSON.stringify(answer)}`);
      return (answer.body as { data: { results: ExecutionSummary[] } }).data.results;
    },
    close,
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
