// The CLI proper, loaded by main.ts once the Node.js version is known to be enough: signals
// become cancellation, the exit code goes to the shell. `diff` runs on a thread of its own
// (diff-thread.ts), started from this same module.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { CancelledError } from '../protocol/errors.js';
import { main } from './cli.js';
import {
  type FromThread,
  runOnThread,
  runsOnThread,
  type ThreadData,
  type ToThread,
} from './diff-thread.js';
import { EXIT_CODES } from './exit-codes.js';

const argv = isMainThread ? process.argv.slice(2) : (workerData as ThreadData).argv;

if (isMainThread && runsOnThread(argv)) {
  process.exitCode = await runOnThread(new URL(import.meta.url), argv);
} else {
  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    // A second Ctrl-C means "now": skip the cleanup the first one started.
    if (controller.signal.aborted) process.exit(EXIT_CODES.cancelled);
    controller.abort(new CancelledError(`Interrupted by ${signal}: the command`));
  };
  if (parentPort === null) {
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } else {
    parentPort.on('message', (message: ToThread) => stop(message.signal));
    // Listening must not keep the thread alive once the command is done.
    parentPort.unref();
  }
  const exitCode = await main([...argv], {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    signal: controller.signal,
  });
  if (parentPort === null) process.exitCode = exitCode;
  else parentPort.postMessage({ exitCode } satisfies FromThread);
}
