/** Runs the package's own tooling from tests (Node built-ins: see n8n.mts). */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './n8n.mts';

export function runInPackage(command: string, args: readonly string[]) {
  const result = spawnSync(command, args, {
    cwd: packageRoot,
    encoding: 'utf8',
    env: { ...toolEnv(), NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

export function readPackageFile(path: string): string {
  return readFileSync(join(packageRoot, path), 'utf8');
}

/**
 * The environment minus the test runner's: eslint-plugin-n8n-nodes-base lints as if every file
 * were its own test fixture when NODE_ENV is test.
 */
function toolEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (
      value === undefined ||
      name === 'NODE_ENV' ||
      name === 'TEST' ||
      name.startsWith('VITEST')
    ) {
      continue;
    }
    env[name] = value;
  }
  return env;
}
