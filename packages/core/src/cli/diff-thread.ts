/**
 * `diff` runs on a worker thread of its own, with a young generation of 24 MiB (the limits are in
 * node/diff-on-thread.ts, shared with the diff's second thread). It allocates a
 * short-lived object per record (millions), and at V8's default the young generation grew to its
 * maximum: 150 MiB of heap for 20-60 MiB in use, and a peak RSS of 330 MiB (1 GB each side,
 * bench/diff.mjs). With 24 MiB it stays near 35-90 MiB, and the run is no slower. A worker is the
 * one documented way to set this from inside the program (`resourceLimits`); the rest of the CLI
 * runs on the main thread as before. Output, exit code and Ctrl-C pass through unchanged.
 */
import { Worker } from 'node:worker_threads';
import { DIFF_THREAD_LIMITS } from '../node/diff-on-thread.js';
import { EXIT_CODES } from './exit-codes.js';

/** What the thread is started with. */
export interface ThreadData {
  readonly argv: readonly string[];
}

/** What the thread sends back: its exit code, or a signal forwarded to it. */
export type FromThread = { readonly exitCode: number };
export type ToThread = { readonly signal: NodeJS.Signals };

export function runsOnThread(argv: readonly string[]): boolean {
  return argv[0] === 'diff';
}

/** Runs the command on a thread started from `entry` (the CLI's own start module). */
export function runOnThread(entry: URL, argv: readonly string[]): Promise<number> {
  const worker = new Worker(entry, {
    workerData: { argv } satisfies ThreadData,
    resourceLimits: DIFF_THREAD_LIMITS,
  });
  let forwarded = false;
  const forward = (signal: NodeJS.Signals) => {
    // A second Ctrl-C means "now", as on the main thread.
    if (forwarded) process.exit(EXIT_CODES.cancelled);
    forwarded = true;
    worker.postMessage({ signal } satisfies ToThread);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve) => {
    let exitCode: number | undefined;
    worker.on('message', (message: FromThread) => {
      exitCode = message.exitCode;
    });
    worker.on('error', (error) => {
      const outOfMemory = (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
      process.stderr.write(
        outOfMemory
          ? 'error: the diff ran out of memory; free some, or compare smaller exports\n'
          : `error: the diff stopped unexpectedly: ${error.message}\n`,
      );
      exitCode ??= EXIT_CODES.unexpected;
    });
    worker.on('exit', (code) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(exitCode ?? (code === 0 ? EXIT_CODES.unexpected : code));
    });
  });
}
