// The CLI proper, loaded by main.ts once the Node.js version is known to be enough: signals
// become cancellation, the exit code goes to the shell.
import { CancelledError } from '../protocol/errors.js';
import { main } from './cli.js';
import { EXIT_CODES } from './exit-codes.js';

const controller = new AbortController();
const stop = (signal: NodeJS.Signals) => {
  // A second Ctrl-C means "now": skip the cleanup the first one started.
  if (controller.signal.aborted) process.exit(EXIT_CODES.cancelled);
  controller.abort(new CancelledError(`Interrupted by ${signal}: the command`));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
});
