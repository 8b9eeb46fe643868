/**
 * PostgreSQL and Redis on free loopback ports, one pair per test file, for n8n's queue mode.
 * scripts/install-services.sh installs them from Debian's packages; this starts throwaway
 * instances (a fresh data folder, no persistence, no fsync) and removes them on stop.
 */
import { spawnSync } from 'node:child_process';
import { chown, mkdtemp, readdir, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, spawnLogged, stopProcess, waitUntilServing } from '@asana-exports/test-stores';

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
  const [program = '', ...args] = [
    ...asUser,
    join(bin, 'initdb'),
    `--pgdata=${data}`,
    `--username=${POSTGRES_USER}`,
    '--auth=trust',
    '--encoding=UTF8',
    '--no-sync',
  ];
  const initdb = spawnSync(program, args, { encoding: 'utf8' });
  if (initdb.status !== 0) throw new Error(`initdb failed:\n${initdb.stdout}${initdb.stderr}`);

  const port = await freePort();
  const server = spawnLogged('PostgreSQL', [
    ...asUser,
    join(bin, 'postgres'),
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
  await waitUntilServing(server, () => accepts(port), 30_000);
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
  const server = spawnLogged('Redis', [
    'redis-server',
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
  ]);
  await waitUntilServing(server, () => accepts(port), 30_000);
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
