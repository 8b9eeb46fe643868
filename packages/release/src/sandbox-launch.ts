/**
 * Starts the Asana sandbox (packages/sandbox) in the background for later steps of a job, as the
 * action's self-test needs: its own process on free loopback ports, still serving after this
 * script exits, with its request log in a file. Returns what a step needs to point the action at
 * it: the API URL, a token made for this run, and one target gid per export kind.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ReleaseError } from './problems.js';

/** The sandbox accepts any gid; these are the ones the demo and the README use. */
export const SANDBOX_TARGETS = {
  organization: '1200000000000001',
  workspace: '1200000000000002',
  parent: '1200000000000003',
} as const;

export interface LaunchOptions {
  /** Where the sandbox's request log goes. Default: a new folder under $RUNNER_TEMP or the temp dir. */
  readonly logDir?: string | undefined;
  /** More options for the sandbox's CLI, such as `--duration 2s --size 1MB`. */
  readonly sandboxArgs?: readonly string[];
  /** How long the sandbox may take to say where it listens. */
  readonly readyTimeoutMs?: number;
}

export interface LaunchedSandbox {
  readonly apiUrl: string;
  readonly downloadOrigin: string;
  readonly token: string;
  readonly pid: number;
  readonly log: string;
  readonly targets: typeof SANDBOX_TARGETS;
}

export function sandboxCli(): string {
  return join(dirname(fileURLToPath(import.meta.resolve('@asana-exports/sandbox'))), 'cli.js');
}

export async function launchSandbox(options: LaunchOptions = {}): Promise<LaunchedSandbox> {
  const logDir =
    options.logDir ?? (await mkdtemp(join(process.env.RUNNER_TEMP ?? tmpdir(), 'asana-sandbox-')));
  const log = join(logDir, 'sandbox.log');
  const announcement = join(logDir, 'sandbox.json');
  const token = `sandbox-${randomBytes(16).toString('hex')}`;
  const [stdout, stderr] = await Promise.all([open(announcement, 'w'), open(log, 'w')]);
  const child = spawn(
    process.execPath,
    [sandboxCli(), '--host', '127.0.0.1', '--token', token, ...(options.sandboxArgs ?? [])],
    // Detached, in a process group of its own, so it outlives this script and the step.
    { detached: true, stdio: ['ignore', stdout.fd, stderr.fd] },
  );
  await Promise.all([stdout.close(), stderr.close()]);
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = signal ?? `exit code ${code}`;
  });
  child.once('error', (error) => {
    exited = error.message;
  });

  const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
  for (;;) {
    const text = await readFile(announcement, 'utf8');
    const newline = text.indexOf('\n');
    if (newline >= 0) {
      child.unref();
      const announced = parseAnnouncement(text.slice(0, newline));
      return { ...announced, token, pid: child.pid ?? 0, log, targets: SANDBOX_TARGETS };
    }
    if (exited !== undefined || Date.now() > deadline) {
      if (exited === undefined) child.kill('SIGTERM');
      const tail = (await readFile(log, 'utf8')).trim().split('\n').slice(-5).join('\n');
      throw new ReleaseError(
        `The sandbox did not start (${exited ?? 'no answer in time'}). Its log, ${log}:\n${tail}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function parseAnnouncement(line: string): { apiUrl: string; downloadOrigin: string } {
  const value = JSON.parse(line) as { apiUrl?: unknown; downloadOrigin?: unknown };
  if (typeof value.apiUrl !== 'string' || typeof value.downloadOrigin !== 'string') {
    throw new ReleaseError(`The sandbox announced ${line}, without apiUrl and downloadOrigin.`);
  }
  return { apiUrl: value.apiUrl, downloadOrigin: value.downloadOrigin };
}
