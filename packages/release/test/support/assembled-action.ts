/**
 * Runs an assembled action's bundle as a runner runs `uses: ./<folder>`: Node 24 on
 * `<folder>/dist/index.js`, its inputs as INPUT_* variables, the runner's file commands, and the
 * artifact service at ACTIONS_RESULTS_URL (here the github-action package's loopback stand-in).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  ArtifactService,
  WorkflowRun,
} from '../../../github-action/test/support/artifact-service.js';
import { parseFileCommands } from '../../../github-action/test/support/runner.js';

export interface AssembledRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly outputs: Record<string, string>;
}

export async function runAssembledAction(
  folder: string,
  service: ArtifactService,
  run: WorkflowRun,
  inputs: Record<string, string>,
): Promise<AssembledRun> {
  const home = await mkdtemp(join(tmpdir(), 'assembled-action-'));
  const runnerTemp = await mkdtemp(join(home, 'temp-'));
  const files = Object.fromEntries(
    ['GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY', 'GITHUB_STATE', 'GITHUB_ENV', 'GITHUB_PATH'].map(
      (name) => [name, join(home, `${name.toLowerCase()}.txt`)],
    ),
  );
  await Promise.all(Object.values(files).map((file) => writeFile(file, '')));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    RUNNER_OS: 'Linux',
    RUNNER_TEMP: runnerTemp,
    GITHUB_WORKSPACE: home,
    GITHUB_REPOSITORY: 'asana-exports/asana-exports',
    GITHUB_RUN_ID: String(run.runId),
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    // Nothing here asks the REST API (no since: last-run, no keep-last): a closed port.
    GITHUB_API_URL: 'http://127.0.0.1:9',
    ACTIONS_RUNTIME_TOKEN: run.runtimeToken,
    ACTIONS_RESULTS_URL: `${service.origin}/`,
    NO_PROXY: '127.0.0.1,localhost',
    ...files,
    ...Object.fromEntries(
      Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
    ),
  };
  const child = spawn(process.execPath, [join(folder, 'dist/index.js')], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const outputs = parseFileCommands(await readFile(files.GITHUB_OUTPUT ?? '', 'utf8'));
  return { code, stdout, outputs };
}
