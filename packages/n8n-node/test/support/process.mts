/** Runs the package's own tooling from tests (Node built-ins: see n8n.mts). */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inheritedEnv, packageRoot } from './n8n.mts';

export function runInPackage(command: string, args: readonly string[]) {
  const result = spawnSync(command, args, {
    cwd: packageRoot,
    encoding: 'utf8',
    env: { ...inheritedEnv({ keepN8nSettings: true }), NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

export function readPackageFile(path: string): string {
  return readFileSync(join(packageRoot, path), 'utf8');
}
