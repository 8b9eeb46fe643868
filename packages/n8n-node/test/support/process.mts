/** Runs the package's own tooling from tests (Node built-ins: see n8n.mts). */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inheritedEnv, packageRoot } from './n8n.mts';

/** `env`, when given, is the whole environment but PATH (nothing else inherited). */
export function runInPackage(
  command: string,
  args: readonly string[],
  options: { env?: Record<string, string> } = {},
) {
  const result = spawnSync(command, args, {
    cwd: packageRoot,
    encoding: 'utf8',
    env: options.env
      ? { PATH: process.env.PATH ?? '', ...options.env }
      : {
          ...inheritedEnv({ keepN8nSettings: true }),
          NO_COLOR: '1',
          FORCE_COLOR: '0',
        },
  });
  return {
    status: result.status,
    stdout: result.stdout,
    output: `${result.stdout}${result.stderr}`,
  };
}

export function readPackageFile(path: string): string {
  return readFileSync(join(packageRoot, path), 'utf8');
}
