import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect } from 'vitest';

/** Whether Debian's `age` and `age-keygen` are on PATH (scripts/install-age.sh installs them). */
export const HAVE_AGE =
  spawnSync('age', ['--version']).status === 0 &&
  spawnSync('age-keygen', ['--help']).error === undefined;

/**
 * `describe` for tests that need the `age` tool: skipped on a machine without it, but run (and
 * failing on the first check) under CI=true, where a missing tool is a broken setup.
 */
export const describeWithAge = (name: string, body: () => void) =>
  describe.runIf(HAVE_AGE || process.env.CI === 'true')(name, () => {
    // First of the hooks: without the tool, the suite fails here, saying why.
    beforeAll(() => {
      expect(HAVE_AGE, '`age` is missing: run scripts/install-age.sh').toBe(true);
    });
    body();
  });

export interface ToolResult {
  readonly status: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Runs `age` or `age-keygen` with `input` on stdin. */
export function runAgeTool(
  command: 'age' | 'age-keygen',
  args: readonly string[],
  input?: Uint8Array,
): ToolResult {
  const result = spawnSync(command, args, { input, maxBuffer: 1024 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.toString('utf8') };
}

/** A key made by `age-keygen -o`, and its public key as `age-keygen -y` prints it. */
export function ageKeygen(
  dir: string,
  name = 'key.txt',
): { path: string; text: string; publicKey: string } {
  const path = join(dir, name);
  const made = runAgeTool('age-keygen', ['-o', path]);
  expect(made.status, made.stderr).toBe(0);
  const shown = runAgeTool('age-keygen', ['-y', path]);
  expect(shown.status, shown.stderr).toBe(0);
  return {
    path,
    text: readFileSync(path, 'utf8'),
    publicKey: shown.stdout.toString('utf8').trim(),
  };
}
