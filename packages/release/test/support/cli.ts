/**
 * Runs one of this package's built scripts (dist/cli/<name>.js) as a workflow step runs it: a
 * child process with its own $GITHUB_OUTPUT file, whose outputs are read back the way the runner
 * reads them.
 */
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseFileCommands } from '../../../github-action/test/support/runner.js';
import { tempDir } from '../../../github-action/test/support/temp.js';

// The tests' folders: each file's go under one root, removed after its last test.
export { tempDir };

export const PACKAGE_DIR = join(import.meta.dirname, '../..');
export const REPOSITORY_ROOT = join(PACKAGE_DIR, '../..');

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Record<string, string>;
}

export interface CliOptions {
  readonly cwd?: string;
  readonly env?: Record<string, string>;
  readonly stdin?: string;
}

export async function runCli(
  script: string,
  args: readonly string[],
  options: CliOptions = {},
): Promise<CliRun> {
  const outputFile = join(tempDir('cli-'), 'output.txt');
  await writeFile(outputFile, '');
  const child = spawn(process.execPath, [join(PACKAGE_DIR, 'dist/cli', `${script}.js`), ...args], {
    cwd: options.cwd ?? REPOSITORY_ROOT,
    env: { PATH: process.env.PATH ?? '', GITHUB_OUTPUT: outputFile, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end(options.stdin ?? '');
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  return { code, stdout, stderr, outputs: parseFileCommands(await readFile(outputFile, 'utf8')) };
}
