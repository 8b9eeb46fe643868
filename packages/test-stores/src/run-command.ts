/**
 * Short commands the stores' setup runs to completion (Ceph's mkfs and admin tools), with a bound,
 * and the wrapper that keeps the long-running daemons from outliving the test process.
 */
import { existsSync } from 'node:fs';
import { spawnLogged } from './processes.js';

export interface CommandResult {
  /** null when the command was killed for taking longer than its bound. */
  readonly code: number | null;
  readonly output: string;
}

/** Runs `command` to its end; kills it after `timeoutMs`. */
export function runCommand(command: readonly string[], timeoutMs: number): Promise<CommandResult> {
  return new Promise((resolve) => {
    const run = spawnLogged(command[0] ?? '', command);
    const timer = setTimeout(() => run.child.kill('SIGKILL'), timeoutMs);
    run.child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: run.child.signalCode === 'SIGKILL' ? null : code, output: run.log() });
    });
  });
}

/**
 * A prefix for a daemon's command line: util-linux's setpriv asks the kernel to kill the daemon
 * when its parent goes (a crashed vitest worker would otherwise leave a Ceph cluster running),
 * then execs, so our own signals still reach the daemon itself. Empty where setpriv is missing.
 */
export function dieWithParent(): string[] {
  return existsSync('/usr/bin/setpriv') ? ['/usr/bin/setpriv', '--pdeathsig', 'SIGKILL', '--'] : [];
}
