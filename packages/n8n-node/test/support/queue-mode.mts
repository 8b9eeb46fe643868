/**
 * n8n in queue mode, as large installations run it: one main process that receives webhooks and
 * enqueues executions in Redis, workers that run them, PostgreSQL shared by all. Everything on
 * loopback, started per test file and removed after. The package's dist/ is loaded as a custom
 * extension by every process, as an installed community package would be.
 */
import { readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  type LoggedProcess,
  pollUntil,
  spawnLogged,
  stopProcess,
  waitUntilServing,
} from '@asana-exports/test-stores';
import { distDir, inheritedEnv, runProcess } from './n8n.mts';
import { type LoopbackService, type Postgres, startPostgres, startRedis } from './services.mts';

export interface QueueModeOptions {
  readonly workers?: number;
  /** Executions each worker runs at once (`n8n worker --concurrency`). */
  readonly concurrency?: number;
  /** Extra environment for every process, e.g. the binary data mode and its size limit. */
  readonly env?: Record<string, string>;
}

export interface N8nProcess extends LoggedProcess {
  /** Peak resident set size so far (VmHWM), in KiB; undefined once the process has exited. */
  peakRssKiB(): number | undefined;
}

export interface WebhookAnswer {
  readonly status: number;
  readonly body: unknown;
}

export interface QueueMode {
  readonly main: N8nProcess;
  readonly workers: readonly N8nProcess[];
  /** POSTs `body` to a published workflow's production webhook and returns its answer. */
  webhook(path: string, body: object, signal?: AbortSignal): Promise<WebhookAnswer>;
  close(): Promise<void>;
}

/**
 * Imports the credentials and workflows, publishes the workflows, then starts the main process
 * and the workers, and resolves once all of them are ready.
 */
export async function startQueueMode(
  bin: string,
  setup: { credentials: readonly object[]; workflows: readonly object[] },
  options: QueueModeOptions = {},
): Promise<QueueMode> {
  const home = await mkdtemp(join(tmpdir(), 'n8n-queue-'));
  const started: LoopbackService[] = [];
  const processes: N8nProcess[] = [];
  const close = async () => {
    await Promise.all(processes.map((process) => stopProcess(process.child, 'SIGTERM')));
    for (const service of started.reverse()) await service.stop();
    await rm(home, { recursive: true, force: true });
  };

  try {
    const postgres = await startPostgres();
    started.push(postgres);
    const redis = await startRedis();
    started.push(redis);
    const extension = join(home, 'extension');
    await cp(distDir, extension, { recursive: true });
    const shared = sharedEnv(extension, postgres, redis.port, options.env ?? {});

    const cli = async (name: string, args: readonly string[]) => {
      const result = await runProcess(bin, args, {
        ...shared,
        N8N_USER_FOLDER: join(home, 'cli'),
        N8N_RUNNERS_BROKER_PORT: String(await freePort()),
      });
      if (result.code !== 0) {
        throw new Error(`n8n ${name} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
      }
    };
    await writeFile(join(home, 'credentials.json'), JSON.stringify(setup.credentials));
    await writeFile(join(home, 'workflows.json'), JSON.stringify(setup.workflows));
    await cli('import:credentials', [
      'import:credentials',
      `--input=${join(home, 'credentials.json')}`,
    ]);
    await cli('import:workflow', ['import:workflow', `--input=${join(home, 'workflows.json')}`]);
    for (const workflow of setup.workflows) {
      const { id } = workflow as { id: string };
      await cli('publish:workflow', ['publish:workflow', `--id=${id}`]);
    }

    const mainPort = await freePort();
    const main = await startProcess(bin, 'main', ['start'], home, {
      ...shared,
      N8N_PORT: String(mainPort),
    });
    processes.push(main);
    const workerPorts: number[] = [];
    for (let index = 0; index < (options.workers ?? 2); index++) {
      const port = await freePort();
      workerPorts.push(port);
      const args = ['worker', `--concurrency=${options.concurrency ?? 5}`];
      processes.push(
        await startProcess(bin, `worker-${index + 1}`, args, home, {
          ...shared,
          QUEUE_HEALTH_CHECK_ACTIVE: 'true',
          QUEUE_HEALTH_CHECK_PORT: String(port),
        }),
      );
    }
    await Promise.all([
      waitUntilReady(main, `http://127.0.0.1:${mainPort}/healthz/readiness`),
      ...workerPorts.map((port, index) =>
        waitUntilReady(
          processes[index + 1] as N8nProcess,
          `http://127.0.0.1:${port}/healthz/readiness`,
        ),
      ),
    ]);

    return {
      main,
      workers: processes.slice(1),
      webhook: (path, body, signal) => callWebhook(mainPort, path, body, signal),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** What every process of the installation shares: database, queue, key, extension. */
function sharedEnv(
  extension: string,
  postgres: Postgres,
  redisPort: number,
  extra: Record<string, string>,
): Record<string, string> {
  return {
    ...inheritedEnv(),
    EXECUTIONS_MODE: 'queue',
    QUEUE_BULL_REDIS_HOST: '127.0.0.1',
    QUEUE_BULL_REDIS_PORT: String(redisPort),
    DB_TYPE: 'postgresdb',
    DB_POSTGRESDB_HOST: '127.0.0.1',
    DB_POSTGRESDB_PORT: String(postgres.port),
    DB_POSTGRESDB_DATABASE: postgres.database,
    DB_POSTGRESDB_USER: postgres.user,
    DB_POSTGRESDB_PASSWORD: '',
    N8N_ENCRYPTION_KEY: 'asana-exports-queue-key',
    N8N_CUSTOM_EXTENSIONS: extension,
    N8N_LISTEN_ADDRESS: '127.0.0.1',
    N8N_LOG_LEVEL: 'info',
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_TEMPLATES_ENABLED: 'false',
    N8N_PERSONALIZATION_ENABLED: 'false',
    N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
    ...extra,
  };
}

async function startProcess(
  bin: string,
  name: string,
  args: readonly string[],
  home: string,
  env: Record<string, string>,
): Promise<N8nProcess> {
  const userFolder = join(home, name);
  await mkdir(userFolder, { recursive: true });
  const spawned = spawnLogged(name, [bin, ...args], {
    env: {
      ...env,
      N8N_USER_FOLDER: userFolder,
      // Each process starts a task broker: a port of its own, so that they never collide.
      N8N_RUNNERS_BROKER_PORT: String(await freePort()),
    },
  });
  return { ...spawned, peakRssKiB: () => readPeakRss(spawned.child.pid) };
}

/** The first of `processes` to log a line matching `pattern` after `offsets` (log lengths). */
export async function waitForLogLine(
  processes: readonly N8nProcess[],
  offsets: readonly number[],
  pattern: RegExp,
  timeoutMs: number,
): Promise<{ process: N8nProcess; match: RegExpExecArray }> {
  return await pollUntil(
    () => {
      for (const [index, process] of processes.entries()) {
        const match = pattern.exec(process.log().slice(offsets[index]));
        if (match !== null) return { process, match };
      }
      return undefined;
    },
    {
      timeoutMs,
      intervalMs: 200,
      failure: () => `No process logged ${pattern} within ${timeoutMs / 1000} s`,
    },
  );
}

function readPeakRss(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+) kB/m.exec(status);
    return match?.[1] === undefined ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}

/** Waits until the process's readiness endpoint (main or worker) answers 200. */
async function waitUntilReady(process: N8nProcess, url: string): Promise<void> {
  const answers200 = () =>
    fetch(url).then(
      (response) => response.status === 200,
      () => false,
    );
  await waitUntilServing(process, answers200, 120_000);
}

/**
 * Published workflows' webhooks register shortly after the main process reports ready, so a 404
 * is retried for a while before it counts as the answer. Plain node:http, not fetch: an export
 * may keep the answer waiting longer than fetch's five-minute header timeout.
 */
async function callWebhook(
  port: number,
  path: string,
  body: object,
  signal?: AbortSignal,
): Promise<WebhookAnswer> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const answer = await post(`http://127.0.0.1:${port}/webhook/${path}`, body, signal);
    if (answer.status !== 404 || Date.now() > deadline) return answer;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function post(url: string, body: object, signal?: AbortSignal): Promise<WebhookAnswer> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const request = httpRequest(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      ...(signal ? { signal } : {}),
    });
    request.once('error', reject);
    request.once('response', async (response) => {
      let text = '';
      try {
        for await (const chunk of response) text += String(chunk);
        resolve({ status: response.statusCode ?? 0, body: parseJson(text) });
      } catch (error) {
        reject(error);
      }
    });
    request.end(payload);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
