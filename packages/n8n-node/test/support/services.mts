/**
 * PostgreSQL and Redis on free loopback ports, one pair per test file, for n8n's queue mode.
 * scripts/install-services.sh installs them from Debian's packages; this starts throwaway
 * instances (a fresh data folder, no persistence, no fsync) and removes them on stop.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './n8n.mts';

export interface LoopbackService {
  readonly port: number;
  stop(): Promise<void>;
}

export interface Postgres extends LoopbackService {
  readonly user: string;
  readonly database: string;
}

const POSTGRES_USER = 'n8n';

/** The newest PostgreSQL that Debian's packages installed, or undefined. */
export async function findPostgresBin(): Promise<string | undefined> {
  const versions = await readdir('/usr/lib/postgresql').catch(() => []);
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  return newest === undefined ? undefined : join('/usr/lib/postgresql', newest, 'bin');
}

export function hasRedis(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0;
}

export async function startPostgres(): Promise<Postgres> {
  const bin = await findPostgresBin();
  if (bin === undefined) throw new Error('PostgreSQL is missing: run scripts/install-services.sh');
  const home = await mkdtemp(join(tmpdir(), 'n8n-postgres-'));
  // PostgreSQL refuses to run as root; Debian's package made a `postgres` user for it.
  const asUser = process.getuid?.() === 0 ? await postgresUser(home) : [];
  const data = join(home, 'data');
  const initdb = spawnSync(
    asUser[0] ?? join(bin, 'initdb'),
    [
      ...asUser.slice(1),
      ...(asUser.length > 0 ? [join(bin, 'initdb')] : []),
      `--pgdata=${data}`,
      `--username=${POSTGRES_USER}`,
      '--auth=trust',
      '--encoding=UTF8',
      '--no-sync',
    ],
    { encoding: 'utf8' },
  );
  if (initdb.status !== 0) throw new Error(`initdb failed:\n${initdb.stdout}${initdb.stderr}`);

  const port = await freePort();
  const server = startLogged(asUser, join(bin, 'postgres'), [
    `-D${data}`,
    `-p${port}`,
    `-k${home}`,
    '-clisten_addresses=127.0.0.1',
    // Throwaway data: durability only slows the tests down.
    '-cfsync=off',
    '-cfull_page_writes=off',
    '-csynchronous_commit=off',
    '-cmax_connections=200',
  ]);
  await waitForPort(port, server, 'PostgreSQL');
  return {
    port,
    user: POSTGRES_USER,
    database: 'postgres',
    stop: async () => {
      await stopProcess(server.child, 'SIGINT');
      await rm(home, { recursive: true, force: true });
    },
  };
}

export async function startRedis(): Promise<LoopbackService> {
  const port = await freePort();
  const server = startLogged([], 'redis-server', [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
  ]);
  await waitForPort(port, server, 'Redis');
  return { port, stop: () => stopProcess(server.child, 'SIGTERM') };
}

/** `setpriv` as the postgres user (it execs, so signals reach the server itself). */
async function postgresUser(home: string): Promise<string[]> {
  const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  if (!Number.isInteger(uid) || uid <= 0) {
    throw new Error('No postgres user: install PostgreSQL with scripts/install-services.sh');
  }
  await chown(home, uid, gid);
  return ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--init-groups', '--'];
}

interface LoggedProcess {
  readonly child: ChildProcess;
  readonly output: () => string;
}

function startLogged(prefix: readonly string[], command: string, args: readonly string[]) {
  const [program, ...rest] = prefix.length > 0 ? [...prefix, command] : [command];
  const child = spawn(program ?? command, [...rest, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return { child, output: () => output } satisfies LoggedProcess;
}

async function waitForPort(port: number, server: LoggedProcess, name: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) {
      throw new Error(`${name} exited (${server.child.exitCode}):\n${server.output()}`);
    }
    if (await accepts(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${name} did not listen on 127.0.0.1:${port} within 30 s:\n${server.output()}`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Signals the process and waits for it to exit; SIGKILL if it takes longer than 10 s. */
export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
