/**
 * A real S3 server for the tests: Ceph's radosgw (Debian's Pacific packages, installed by
 * scripts/install-ceph.sh) on a throwaway one-node cluster — one mon, one OSD on memstore, no
 * mgr — all in one mkdtemp folder, on free loopback ports, killed and removed on stop. The config
 * is in ceph-config.ts. Every step has a bound; a failed start names the daemon and shows the last
 * lines of the logs, which are otherwise never printed.
 *
 * A start takes 0.7–0.9 s on the 2-core machine and the three daemons hold about 130 MB, so each
 * test file starts its own in beforeAll and stops it in afterAll; no vitest globalSetup sharing
 * one instance across files is needed (it would also couple the files through bucket names).
 * Runs as root or as any other user: everything is in the folder, every port is above 1024.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cephConfig } from './ceph-config.js';
import { freePort, type LoggedProcess, pollUntil, spawnLogged, stopProcess } from './processes.js';
import { dieWithParent, runCommand } from './run-command.js';

/** What an S3 client needs to reach a test store, and how to remove it. */
export interface S3Server {
  /** `http://127.0.0.1:PORT`; use path-style addressing. */
  readonly endpoint: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  stop(): Promise<void>;
}

export interface Radosgw extends S3Server {
  /** A key of radosgw's testing KMS, for `x-amz-server-side-encryption: aws:kms`. */
  readonly kmsKeyId: string;
  /**
   * Caps what a bucket may hold (radosgw-admin's bucket quota): writes past it are refused with
   * 403 QuotaExceeded, a real store refusing a part in the middle of an upload.
   */
  setBucketQuota(bucket: string, maxBytes: number): Promise<void>;
  /** From the first command to a served S3 request with the user created. */
  readonly startupMs: number;
}

export interface RadosgwOptions {
  /** Bound on the whole start; default 90 s. */
  readonly timeoutMs?: number;
  /** What the in-memory OSD may hold; default 1 GiB (benchmarks of large exports need more). */
  readonly memoryBytes?: number;
}

const PROGRAMS = ['monmaptool', 'ceph-mon', 'ceph-osd', 'ceph', 'radosgw', 'radosgw-admin'];
const KMS_KEY_ID = 'testkey-1';
const COMMAND_TIMEOUT_MS = 30_000;
// The log files ceph.conf names ($name.log) for each daemon, for failure messages.
const LOG_NAMES = { 'ceph-mon': 'mon.a', 'ceph-osd': 'osd.0', radosgw: 'client.rgw' } as const;

/** Whether Debian's Ceph packages are installed (scripts/install-ceph.sh). */
export function hasRadosgw(): boolean {
  return PROGRAMS.every((program) => existsSync(join('/usr/bin', program)));
}

export async function startRadosgw(options: RadosgwOptions = {}): Promise<Radosgw> {
  const missing = PROGRAMS.filter((program) => !existsSync(join('/usr/bin', program)));
  if (missing.length > 0) {
    throw new Error(`Ceph is missing (${missing.join(', ')}): run scripts/install-ceph.sh`);
  }
  const started = Date.now();
  const deadline = started + (options.timeoutMs ?? 90_000);
  const home = await mkdtemp(join(tmpdir(), 'radosgw-'));
  const daemons: LoggedProcess[] = [];
  const stop = async () => {
    await Promise.all(daemons.map((daemon) => stopProcess(daemon.child, 'SIGKILL')));
    await rm(home, { recursive: true, force: true });
  };
  try {
    const server = await startCluster(home, deadline, daemons, options.memoryBytes ?? 1024 ** 3);
    return { ...server, startupMs: Date.now() - started, stop };
  } catch (error) {
    const logs = await logTails(home, daemons);
    await stop();
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${logs}`);
  }
}

async function startCluster(
  home: string,
  deadline: number,
  daemons: LoggedProcess[],
  memoryBytes: number,
): Promise<Omit<Radosgw, 'startupMs' | 'stop'>> {
  for (const folder of ['mon', 'osd', 'rgw', 'run', 'log']) await mkdir(join(home, folder));
  const fsid = randomUUID();
  const monPort = await freePort();
  const rgwPort = await freePort();
  const conf = join(home, 'ceph.conf');
  const kmsKeys = { [KMS_KEY_ID]: randomBytes(32).toString('base64') };
  await writeFile(conf, cephConfig({ fsid, home, monPort, rgwPort, kmsKeys, memoryBytes }));
  const run = (step: string, command: readonly string[]) => mustRun(step, command, deadline);

  const monmap = join(home, 'monmap');
  await run('monmaptool', [
    'monmaptool',
    '--create',
    '--fsid',
    fsid,
    '--addv',
    'a',
    `[v2:127.0.0.1:${monPort}]`,
    monmap,
  ]);
  await run('ceph-mon --mkfs', ['ceph-mon', '-c', conf, '-i', 'a', '--mkfs', '--monmap', monmap]);
  const daemon = (name: string, command: readonly string[]) => {
    const started = spawnLogged(name, [...dieWithParent(), ...command]);
    daemons.push(started);
    return started;
  };
  daemon('ceph-mon', ['ceph-mon', '-c', conf, '-i', 'a', '-f']);

  // The OSD needs an id in the mon's map before it can make its store; this also waits for the mon.
  await run('ceph osd create', ['ceph', '-c', conf, '--connect-timeout', '20', 'osd', 'create']);
  await run('ceph-osd --mkfs', ['ceph-osd', '-c', conf, '-i', '0', '--mkfs']);
  daemon('ceph-osd', ['ceph-osd', '-c', conf, '-i', '0', '-f']);
  // Pools that radosgw creates before the OSD is active get their placement groups only at the
  // mon's next 5 s tick: waiting for the OSD first keeps the start under a second. Its own log
  // says so at once; asking the mon would cost a Python CLI start per poll.
  const osdLog = join(home, 'log', `${LOG_NAMES['ceph-osd']}.log`);
  await waitFor('ceph-osd to become active', daemons, deadline, async () => {
    const log = await readFile(osdLog, 'utf8').catch(() => '');
    return log.includes('state: booting -> active');
  });

  daemon('radosgw', ['radosgw', '-c', conf, '-n', 'client.rgw', '-f']);
  const endpoint = `http://127.0.0.1:${rgwPort}`;
  await waitFor(`radosgw to serve S3 on ${endpoint}`, daemons, deadline, () => servesS3(endpoint));

  // Only now: radosgw-admin racing radosgw's own first start could make two default zones.
  const accessKeyId = randomBytes(10).toString('hex').toUpperCase();
  const secretAccessKey = randomBytes(30).toString('base64url');
  await run('radosgw-admin user create', [
    'radosgw-admin',
    '-c',
    conf,
    'user',
    'create',
    '--uid=tests',
    '--display-name=tests',
    `--access-key=${accessKeyId}`,
    `--secret-key=${secretAccessKey}`,
  ]);
  const setBucketQuota = async (bucket: string, maxBytes: number) => {
    const admin = ['radosgw-admin', '-c', conf, 'quota'];
    const scope = ['--quota-scope=bucket', `--bucket=${bucket}`];
    const bound = Date.now() + COMMAND_TIMEOUT_MS;
    await mustRun(
      'radosgw-admin quota set',
      [...admin, 'set', ...scope, `--max-size=${maxBytes}`],
      bound,
    );
    await mustRun('radosgw-admin quota enable', [...admin, 'enable', ...scope], bound);
  };
  return {
    endpoint,
    region: 'us-east-1',
    accessKeyId,
    secretAccessKey,
    kmsKeyId: KMS_KEY_ID,
    setBucketQuota,
  };
}

/** Polls `isDone` until the deadline; fails at once, naming it, if any daemon has exited. */
async function waitFor(
  what: string,
  daemons: readonly LoggedProcess[],
  deadline: number,
  isDone: () => Promise<boolean>,
): Promise<void> {
  const boundMs = Math.max(0, deadline - Date.now());
  await pollUntil(
    async () => {
      const dead = daemons.find(hasExited);
      if (dead) throw new Error(`${dead.name} exited (${exitStatus(dead)}) waiting for ${what}`);
      return (await isDone()) ? true : undefined;
    },
    {
      timeoutMs: boundMs,
      intervalMs: 50,
      failure: () => `timed out after ${boundMs / 1000} s waiting for ${what}`,
    },
  );
}

/** An anonymous ListBuckets: radosgw answers it with 200 once its pools are there. */
async function servesS3(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/`, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

async function mustRun(step: string, command: readonly string[], deadline: number): Promise<void> {
  const timeoutMs = Math.min(COMMAND_TIMEOUT_MS, Math.max(1_000, deadline - Date.now()));
  const result = await runCommand(command, timeoutMs);
  if (result.code === null) throw new Error(`${step} did not finish within ${timeoutMs / 1000} s`);
  // The command line holds the S3 secret (radosgw-admin): say only which step failed.
  if (result.code !== 0)
    throw new Error(`${step} failed (${result.code}):\n${tail(result.output)}`);
}

function hasExited(daemon: LoggedProcess): boolean {
  return daemon.child.exitCode !== null || daemon.child.signalCode !== null;
}

function exitStatus(daemon: LoggedProcess): string {
  return daemon.child.signalCode ?? String(daemon.child.exitCode);
}

async function logTails(home: string, daemons: readonly LoggedProcess[]): Promise<string> {
  // A daemon that died comes first: its log is where the cause is.
  const dead = new Set(daemons.filter(hasExited).map((daemon) => daemon.name));
  const order = Object.entries(LOG_NAMES).sort(
    ([a], [b]) => Number(dead.has(b)) - Number(dead.has(a)),
  );
  const sections = await Promise.all(
    order.map(async ([daemon, logName]) => {
      const file = await readFile(join(home, 'log', `${logName}.log`), 'utf8').catch(() => '');
      const printed = daemons.find((process) => process.name === daemon)?.log() ?? '';
      const output = printed ? `\n--- ${daemon}: its output ---\n${tail(printed)}` : '';
      return `--- ${daemon}: last lines of ${logName}.log ---\n${tail(file)}${output}`;
    }),
  );
  return sections.join('\n');
}

function tail(text: string, lines = 25): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
