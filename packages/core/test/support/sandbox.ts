import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sandbox, type Scenario, startSandbox } from '@asana-exports/sandbox';
import { afterAll, expect } from 'vitest';
import type { RunToFileResult } from '../../src/node/run-to-file.js';
import { createNodeRuntime, type NodeRuntime } from '../../src/node/runtime.js';
import type { ProgressEvent } from '../../src/protocol/events.js';
import type { RetryPolicy } from '../../src/protocol/retry.js';

export const CLI = join(import.meta.dirname, '../../dist/cli/main.js');

/** Short, test-friendly defaults: exports finish in a fraction of a second. */
export const FAST: Partial<Scenario> = { durationMs: 300, contentBytes: 64 * 1024 };

/** Retries that do not make a test wait for long: delays are asserted from events, not clocks. */
export const QUICK_RETRY: RetryPolicy = {
  maxAttempts: 5,
  maxElapsedMs: 30_000,
  baseDelayMs: 20,
  maxDelayMs: 200,
};

export const QUICK_POLL = {
  initialIntervalMs: 50,
  maxIntervalMs: 200,
  multiplier: 1.5,
  jitterRatio: 0.2,
  timeoutMs: 20_000,
};

export async function startTestSandbox(scenario: Partial<Scenario> = {}): Promise<Sandbox> {
  return startSandbox({ scenario: { ...FAST, ...scenario } });
}

// One root per test file (vitest evaluates this module once per file), made on first use and
// removed after the file's last test, whether it passed or not: no run leaves folders in /tmp.
let tempRoot: Promise<string> | undefined;
afterAll(async () => {
  if (tempRoot) await rm(await tempRoot, { recursive: true, force: true });
});

/** A new folder of this test file's, removed with the others after its last test. */
export async function tempDir(): Promise<string> {
  tempRoot ??= mkdtemp(join(tmpdir(), 'asana-exports-test-'));
  return mkdtemp(join(await tempRoot, 'dir-'));
}

/** Files in a directory, hidden temporaries included: a test asserts no partial file is left. */
export async function listFiles(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [])).sort();
}

/** The file on disk and its manifest are exactly what the sandbox's store served. */
export async function expectIntactFile(sandbox: Sandbox, result: RunToFileResult): Promise<void> {
  const served = await sandbox.exportFile(result.status.gid);
  expect(result.manifest.file.sha256).toBe(served.sha256);
  expect(result.manifest.file.bytes).toBe(served.bytes);
  expect(result.manifest.records.total).toBe(served.records);
  const onDisk = createHash('sha256')
    .update(await readFile(result.filePath))
    .digest('hex');
  expect(onDisk).toBe(served.sha256);
}

export interface RecordingRuntime extends NodeRuntime {
  readonly events: ProgressEvent[];
}

export function runtimeFor(sandbox: Sandbox, token = sandbox.token): RecordingRuntime {
  const events: ProgressEvent[] = [];
  const runtime = createNodeRuntime({
    token,
    baseUrl: sandbox.apiUrl,
    retry: QUICK_RETRY,
    onProgress: (event) => events.push(event),
  });
  return Object.assign(runtime, { events });
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built `asana-export` as a user would, with its own environment. */
export function runCli(
  args: readonly string[],
  env: Record<string, string | undefined>,
  options: {
    onStderr?: (text: string, kill: (signal: NodeJS.Signals) => void) => void;
    /** Runs it under `ulimit -f` (KiB): writes past the limit fail with EFBIG, as on a full disk. */
    fileSizeLimitKiB?: number;
  } = {},
): Promise<CliResult> {
  const limit = options.fileSizeLimitKiB;
  const [command, commandArgs] =
    limit === undefined
      ? [process.execPath, [CLI, ...args]]
      : ['bash', ['-c', `ulimit -f ${limit} && exec "$0" "$@"`, process.execPath, CLI, ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, {
      env: { PATH: process.env.PATH, NO_PROXY: '127.0.0.1,localhost', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
      options.onStderr?.(text, (signal) => child.kill(signal));
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
