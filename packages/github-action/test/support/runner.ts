/**
 * Runs the built action (`dist/index.js`) as the runner does: a child process of Node 24 with
 * `INPUT_*` variables and the runner's environment (file commands for outputs and the job
 * summary, a temp dir, the artifact service's URL and runtime token), and collects what it left.
 */

import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArtifactService, WorkflowRun } from './artifact-service.js';
import { tempDir } from './temp.js';

export const ACTION = join(import.meta.dirname, '../../dist/index.js');
export const REPOSITORY = 'acme/asana-backups';
export const GITHUB_TOKEN = 'ghs_standInWorkflowToken0123456789';

export interface ActionRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
  readonly runnerTemp: string;
}

export interface RunOptions {
  /** The bundle to run: this package's dist/index.js unless another layout's is named. */
  readonly action?: string;
  readonly service: ArtifactService;
  readonly run: WorkflowRun;
  readonly inputs: Record<string, string>;
  readonly apiUrl?: string;
  readonly env?: Record<string, string>;
  /** Called with each chunk of stdout, e.g. to cancel the run at the right moment. */
  readonly onStdout?: (text: string, kill: (signal: NodeJS.Signals) => void) => void;
  /**
   * The event payload at `GITHUB_EVENT_PATH`; by default a private repository's, as a scheduled
   * run's payload carries it.
   */
  readonly eventPayload?: unknown;
  /** A command to run Node under, such as `/usr/bin/time -f …` to measure its peak memory. */
  readonly wrapper?: readonly string[];
}

export async function runAction(options: RunOptions): Promise<ActionRun> {
  // Kept after the run for the test to look into RUNNER_TEMP; removed after the file's tests.
  const home = tempDir('run-');
  const files = {
    output: join(home, 'output.txt'),
    summary: join(home, 'summary.md'),
    state: join(home, 'state.txt'),
    env: join(home, 'env.txt'),
    path: join(home, 'path.txt'),
    event: join(home, 'event.json'),
  };
  await Promise.all(Object.values(files).map((file) => writeFile(file, '')));
  await writeFile(
    files.event,
    JSON.stringify(
      options.eventPayload ?? {
        schedule: '0 2 * * *',
        repository: { full_name: REPOSITORY, private: true, visibility: 'private' },
      },
    ),
  );
  const runnerTemp = await mkdtemp(join(home, 'temp-'));
  const inputs = Object.fromEntries(
    Object.entries(options.inputs).map(([name, value]) => [
      `INPUT_${name.replaceAll(' ', '_').toUpperCase()}`,
      value,
    ]),
  );
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_TEMP: runnerTemp,
    RUNNER_DEBUG: '1',
    GITHUB_WORKSPACE: home,
    GITHUB_REPOSITORY: REPOSITORY,
    GITHUB_RUN_ID: String(options.run.runId),
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_EVENT_NAME: options.run.origin.event,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_REF: `refs/heads/${options.run.origin.headBranch}`,
    GITHUB_REF_NAME: options.run.origin.headBranch,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: options.apiUrl ?? 'http://127.0.0.1:9',
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_STATE: files.state,
    GITHUB_ENV: files.env,
    GITHUB_PATH: files.path,
    ACTIONS_RUNTIME_TOKEN: options.run.runtimeToken,
    ACTIONS_RESULTS_URL: `${options.service.origin}/`,
    NO_PROXY: '127.0.0.1,localhost',
    // The action's own default, as the runner fills it in from action.yml.
    'INPUT_GITHUB-TOKEN': GITHUB_TOKEN,
    'INPUT_POLL-INTERVAL': '1s',
    ...inputs,
    ...options.env,
  };

  const { code, stdout, stderr } = await new Promise<{
    code: number | null;
    stdout: string;
    stderr: string;
  }>((resolve, reject) => {
    const [command = process.execPath, ...args] = [
      ...(options.wrapper ?? []),
      process.execPath,
      options.action ?? ACTION,
    ];
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      out += text;
      options.onStdout?.(text, (signal) => child.kill(signal));
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      err += text;
    });
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ code: exitCode, stdout: out, stderr: err }));
  });
  return {
    code,
    stdout,
    stderr,
    outputs: parseFileCommands(await readFile(files.output, 'utf8')),
    summary: await readFile(files.summary, 'utf8'),
    runnerTemp,
  };
}

/** Reads `name<<delimiter` blocks as `@actions/core` writes them to `$GITHUB_OUTPUT`. */
export function parseFileCommands(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[index] ?? '');
    if (!match) continue;
    const [, name = '', delimiter] = match;
    const value: string[] = [];
    for (index++; index < lines.length && lines[index] !== delimiter; index++) {
      value.push(lines[index] ?? '');
    }
    values[name] = value.join('\n');
  }
  return values;
}

/** stdout without the runner's `::add-mask::` commands, which must carry the secret. */
export function logWithoutMaskCommands(stdout: string): string {
  return stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
}
