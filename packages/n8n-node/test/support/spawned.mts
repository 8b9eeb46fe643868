/**
 * Long-running processes the end-to-end tests start (PostgreSQL, Redis, n8n's main and workers):
 * started with their output kept, awaited until they serve, stopped. Node built-ins: see n8n.mts.
 */
import { type ChildProcess, spawn } from 'node:child_process';

export interface LoggedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Everything the process printed so far, stdout and stderr. */
  log(): string;
}

/** `command` may start with a wrapper such as `setpriv …`; it execs, so signals reach the program. */
export function spawnLogged(
  name: string,
  command: readonly string[],
  env?: Record<string, string>,
): LoggedProcess {
  const [program = '', ...args] = command;
  const child = spawn(program, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(env ? { env } : {}),
  });
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString('utf8');
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return { name, child, log: () => output };
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
      if (process.child.exitCode !== null) {
        throw new Error(`${process.name} exited (${process.child.exitCode}):\n${process.log()}`);
      }
      return (await isServing()) ? true : undefined;
    },
    {
      timeoutMs,
      intervalMs: 200,
      failure: () =>
        `${process.name} did not serve within ${timeoutMs / 1000} s:\n${process.log()}`,
    },
  );
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
