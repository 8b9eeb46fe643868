/**
 * Long-running processes the tests start (Azurite and radosgw here; PostgreSQL, Redis and n8n in
 * the n8n node's tests): spawned with their output kept for failure messages, awaited until they
 * serve (always with a bound), stopped.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

export interface LoggedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Everything the process printed so far, stdout and stderr. */
  log(): string;
}

export interface SpawnOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/** `command` may start with a wrapper such as `setpriv …`; it execs, so signals reach the program. */
export function spawnLogged(
  name: string,
  command: readonly string[],
  options: SpawnOptions = {},
): LoggedProcess {
  const [program = '', ...args] = command;
  const child = spawn(program, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.env ? { env: options.env } : {}),
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString('utf8');
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  // A program that cannot be started reports it here; without a listener it would crash the run.
  child.on('error', (error) => {
    output += `\n[spawn failed: ${error.message}]\n`;
  });
  return { name, child, log: () => output };
}

/** A TCP port nothing listens on at the moment, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Calls `probe` every `intervalMs` until it gives a value; throws `failure()` after `timeoutMs`. */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  options: { timeoutMs: number; intervalMs: number; failure: () => string },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
  throw new Error(options.failure());
}

/** Waits until `isServing` says yes; fails at once, with its log, if the process exits first. */
export async function waitUntilServing(
  process: LoggedProcess,
  isServing: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  await pollUntil(
    async () => {
      if (hasExited(process.child)) {
        const how = process.child.exitCode ?? process.child.signalCode ?? 'not started';
        throw new Error(`${process.name} exited (${how}):\n${process.log()}`);
      }
      return (await isServing()) ? true : undefined;
    },
    {
      timeoutMs,
      intervalMs: 100,
      failure: () =>
        `${process.name} did not serve within ${timeoutMs / 1000} s:\n${process.log()}`,
    },
  );
}

/** True once anything at all answers an HTTP request to `url` within `timeoutMs` (any status). */
export async function answersHttp(url: string, timeoutMs = 2_000): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

/** Signals the process and waits for it to exit; SIGKILL if it takes longer than `graceMs`. */
export async function stopProcess(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 10_000,
): Promise<void> {
  if (hasExited(child)) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

function hasExited(child: ChildProcess): boolean {
  // A spawn that failed (ENOENT) never gets a pid and never emits `exit`.
  return child.exitCode !== null || child.signalCode !== null || child.pid === undefined;
}
