/**
 * How every script here ends: its result on stdout, and on failure one message on stderr that
 * says what was wrong and what to do, never a stack trace. Exit code 1 when a check found
 * problems, 2 when the script could not run as asked (bad arguments, missing files).
 */
import { ReleaseError } from '../problems.js';

export class ChecksFailed extends Error {
  override readonly name = 'ChecksFailed';
}

export function runMain(name: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof ChecksFailed) {
      process.stderr.write(`${name}: ${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    const message =
      error instanceof ReleaseError || (error instanceof TypeError && 'code' in error)
        ? error.message
        : `unexpected failure: ${error instanceof Error ? error.message : String(error)}`;
    process.stderr.write(`${name}: ${message}\n`);
    process.exitCode = 2;
  });
}
