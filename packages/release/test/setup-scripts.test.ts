/**
 * The set-up scripts a new user runs first (scripts/test.sh and the scripts it calls): when
 * scripts/system-packages.sh asks before installing Debian packages and when it does not, and
 * the `phases:` line scripts/phases.sh prints at the end of a run, failed or not. apt-get and sudo
 * are stand-ins that record their arguments: nothing is installed on the machine running the tests.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from './support/cli.js';

const SYSTEM_PACKAGES = join(REPOSITORY_ROOT, 'scripts/system-packages.sh');
const PHASES = join(REPOSITORY_ROOT, 'scripts/phases.sh');
const TIMEOUT_MS = 20_000;

let dir: string;
let bin: string;
let aptLog: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'setup-scripts-'));
  bin = join(dir, 'bin');
  aptLog = join(dir, 'apt-get.log');
  mkdirSync(bin);
  writeFileSync(join(bin, 'apt-get'), `#!/bin/sh\necho "apt-get $*" >> '${aptLog}'\n`);
  writeFileSync(join(bin, 'sudo'), '#!/bin/sh\nexec "$@"\n');
  for (const name of ['apt-get', 'sudo']) chmodSync(join(bin, name), 0o755);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  readonly status: number | null;
  readonly output: string;
  readonly apt: string;
}

function quote(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/**
 * scripts/system-packages.sh with PATH holding only the stand-ins, so every program of the groups
 * asked for is missing. `tty` runs it on a pseudo-terminal (util-linux `script`) that types
 * `input`; otherwise stdin is a pipe holding `input`.
 */
function systemPackages(
  groups: readonly string[],
  options: { tty: boolean; input?: string; env?: Record<string, string> },
): Run {
  rmSync(aptLog, { force: true });
  const env: Record<string, string> = { ...options.env, PATH: bin };
  const command = ['/usr/bin/env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`)]
    .concat(['/bin/bash', SYSTEM_PACKAGES, ...groups])
    .map(quote)
    .join(' ');
  const run = options.tty
    ? spawnSync('script', ['-qec', command, '/dev/null'], {
        input: options.input ?? '',
        encoding: 'utf8',
        timeout: TIMEOUT_MS,
        env: { PATH: process.env.PATH ?? '', SHELL: '/bin/sh' },
      })
    : spawnSync('/bin/sh', ['-c', command], {
        input: options.input ?? '',
        encoding: 'utf8',
        timeout: TIMEOUT_MS,
      });
  let apt = '';
  try {
    apt = readFileSync(aptLog, 'utf8');
  } catch {}
  return { status: run.status, output: `${run.stdout}${run.stderr}`, apt };
}

const INSTALLED_AGE = 'apt-get update -qq\napt-get install -y -qq --no-install-recommends age\n';

describe('system-packages.sh', () => {
  it('installs without asking when stdin is not a terminal (a fresh machine, a pipe, cron)', () => {
    const run = systemPackages(['age'], { tty: false, input: 'n\n' });
    expect(run.status, run.output).toBe(0);
    expect(run.output).not.toContain('[y/N]');
    expect(run.apt).toBe(INSTALLED_AGE);
  });

  it('on a terminal, lists every missing package with what it is for, then asks once', () => {
    const run = systemPackages(['toolchain', 'age'], { tty: true, input: 'y\n' });
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain('g++ (C++ compiler for');
    expect(run.output).toContain('make (');
    expect(run.output).toContain('python3 (');
    expect(run.output).toContain('age (reference for the encryption tests)');
    expect(run.output).toContain('apt-get install -y --no-install-recommends g++ make python3 age');
    expect(run.output.match(/\[y\/N\]/g)).toHaveLength(1);
    expect(run.apt).toBe(
      'apt-get update -qq\napt-get install -y -qq --no-install-recommends g++ make python3 age\n',
    );
  });

  it.each([
    ['n', 'n\n'],
    ['Enter (the default is no)', '\n'],
    ['end of input', ''],
  ])('on a terminal, installs nothing on %s and says how to install them', (_, input) => {
    const run = systemPackages(['age'], { tty: true, input });
    expect(run.status, run.output).toBe(1);
    expect(run.output).toContain('Nothing installed. Install them yourself');
    expect(run.apt).toBe('');
  });

  it.each([
    ['CI=true', { CI: 'true' }],
    ['ASANA_EXPORTS_ASSUME_YES=1', { ASANA_EXPORTS_ASSUME_YES: '1' }],
  ])('on a terminal with %s, installs without asking', (_, env) => {
    const run = systemPackages(['age'], { tty: true, env });
    expect(run.status, run.output).toBe(0);
    expect(run.output).not.toContain('[y/N]');
    expect(run.apt).toBe(INSTALLED_AGE);
  });

  it('on a terminal with --yes, installs without asking', () => {
    const run = systemPackages(['--yes', 'age'], { tty: true });
    expect(run.status, run.output).toBe(0);
    expect(run.output).not.toContain('[y/N]');
    expect(run.apt).toBe(INSTALLED_AGE);
  });

  it('asks nothing and runs no apt-get when nothing is missing', () => {
    for (const name of ['age', 'age-keygen']) {
      writeFileSync(join(bin, name), '#!/bin/sh\n');
      chmodSync(join(bin, name), 0o755);
    }
    try {
      const run = systemPackages(['age'], { tty: true });
      expect(run).toEqual({ status: 0, output: '', apt: '' });
    } finally {
      for (const name of ['age', 'age-keygen']) rmSync(join(bin, name));
    }
  });

  it('refuses an unknown group, naming the ones it knows', () => {
    const run = systemPackages(['ceph', 'postgres'], { tty: false });
    expect(run.status).toBe(2);
    expect(run.output).toContain(
      "unknown group 'postgres' (toolchain, services, age, ceph or rclone)",
    );
    expect(run.apt).toBe('');
  });
});

/** A bash script that sources scripts/phases.sh first. */
function withPhases(script: string): { status: number | null; stdout: string } {
  const run = spawnSync('/bin/bash', ['-c', `set -euo pipefail\n. ${quote(PHASES)}\n${script}`], {
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
  });
  return { status: run.status, stdout: run.stdout };
}

describe('phases.sh', () => {
  it('prints each phase with its time in one line at the end', () => {
    // Setting SECONDS moves bash's clock on: 62 s in the first phase, 3 in the second.
    const run = withPhases(
      [
        'phase bootstrap',
        'SECONDS=$((SECONDS + 62))',
        "phase 'install n8n'",
        'SECONDS=$((SECONDS + 3))',
        'echo tests: 1 passed',
      ].join('\n'),
    );
    expect(run).toEqual({
      status: 0,
      stdout: 'tests: 1 passed\nphases: bootstrap 1m02s, install n8n 3s\n',
    });
  });

  it('marks the phase a failing command stopped in, and keeps its exit status', () => {
    const run = withPhases('phase bootstrap\nphase lint\n(exit 3)\nphase tests');
    expect(run).toEqual({ status: 3, stdout: 'phases: bootstrap 0s, lint 0s (failed, exit 3)\n' });
  });

  it('reports an interrupted run (Ctrl-C) as failed with status 130', () => {
    const run = withPhases('phase tests\nkill -INT $$\nsleep 5');
    expect(run).toEqual({ status: 130, stdout: 'phases: tests 0s (failed, exit 130)\n' });
  });

  it('formats minutes with two-digit seconds', () => {
    const run = withPhases(
      'trap - EXIT\nfor s in 0 59 60 62 600 3725; do phases_format "$s"; echo; done',
    );
    expect(run.stdout).toBe('0s\n59s\n1m00s\n1m02s\n10m00s\n62m05s\n');
  });
});
