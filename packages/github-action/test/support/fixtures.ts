/**
 * Shared set-up of the end-to-end tests: the Asana sandbox, the artifact service and the REST
 * API stand-ins, and checks that apply to every run of the action.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type RecordedRequest,
  type Sandbox,
  type Scenario,
  startSandbox,
} from '@asana-exports/sandbox';
import { expect } from 'vitest';
import {
  ArtifactService,
  type RunOrigin,
  SCHEDULED_ON_MAIN,
  type StoredArtifact,
  type WorkflowRun,
} from './artifact-service.js';
import { GitHubRest } from './github-rest.js';
import {
  type ActionRun,
  GITHUB_TOKEN,
  logWithoutMaskCommands,
  REPOSITORY,
  type RunOptions,
  runAction,
} from './runner.js';
import { readZip, type ZipEntry } from './zip.js';

export const FAST: Partial<Scenario> = {
  durationMs: 300,
  contentBytes: 64 * 1024,
  outcome: 'succeed',
  corruption: 'none',
};

export interface World {
  readonly sandbox: Sandbox;
  readonly service: ArtifactService;
  readonly rest: GitHubRest;
  /** A new workflow run, as each scheduled run of a workflow is (or from elsewhere). */
  newRun(origin?: Partial<RunOrigin>): WorkflowRun;
  /** A workspace (or other target) gid no other test uses: one export per workspace at a time. */
  newGid(): string;
  /** Runs the built action in `run` with the sandbox's URL and token unless overridden. */
  act(
    run: WorkflowRun,
    inputs: Record<string, string>,
    options?: Pick<RunOptions, 'onStdout' | 'env' | 'wrapper' | 'eventPayload'>,
  ): Promise<ActionRun>;
  close(): Promise<void>;
}

let nextRunId = 9_000_000_000;
let nextGid = 1_210_000_000_000_000;

export async function startWorld(scenario: Partial<Scenario> = {}): Promise<World> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'asana-action-sandbox-'));
  const sandbox = await startSandbox({ cacheDir, scenario: { ...FAST, ...scenario } });
  const service = await ArtifactService.start();
  const rest = await GitHubRest.start(service, REPOSITORY, GITHUB_TOKEN);
  return {
    sandbox,
    service,
    rest,
    newRun: (origin = {}) => service.newRun(++nextRunId, { ...SCHEDULED_ON_MAIN, ...origin }),
    newGid: () => String(++nextGid),
    act: (run, inputs, options = {}) =>
      runAction({
        ...options,
        service,
        run,
        apiUrl: rest.apiUrl,
        inputs: { 'asana-token': sandbox.token, 'base-url': sandbox.apiUrl, ...inputs },
      }),
    async close() {
      await Promise.all([sandbox.close(), service.close(), rest.close()]);
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
}

/** Neither the Asana token nor a presigned download URL may reach the log, outputs or summary. */
export function expectNoSecrets(result: ActionRun, secrets: readonly string[]): void {
  const visible = [
    logWithoutMaskCommands(result.stdout),
    result.stderr,
    result.summary,
    JSON.stringify(result.outputs),
  ].join('\n');
  for (const secret of secrets) expect(visible).not.toContain(secret);
  expect(visible).not.toMatch(/X-Amz-(Signature|Credential)/i);
}

/** The `::error::` line the runner turns into the step's failure annotation. */
/**
 * A run timed out (`timeout-minutes: 0.03`, passed to `act`) while its 6 s export goes on at
 * Asana, saying the next run resumes it; returns the job's gid.
 */
export async function leaveRunning(
  world: World,
  act: (inputs: Record<string, string>) => Promise<ActionRun>,
): Promise<string> {
  world.sandbox.configure({ ...FAST, durationMs: 6_000 });
  try {
    const timedOut = await act({ 'timeout-minutes': '0.03' });
    expect(timedOut.code).toBe(1);
    expect(errorLine(timedOut)).toContain(
      'The next run of this step resumes it (resume-pending: false starts a new one).',
    );
    const jobGid = timedOut.outputs['job-gid'] ?? '';
    expect(jobGid).toMatch(/^\d+$/);
    return jobGid;
  } finally {
    world.sandbox.configure(FAST);
  }
}

export function errorLine(result: ActionRun): string {
  return result.stdout.split('\n').find((line) => line.startsWith('::error::')) ?? '';
}

export function entriesOf(artifact: StoredArtifact | undefined): ZipEntry[] {
  if (!artifact?.bytes) throw new Error('the artifact has no committed blob');
  return readZip(artifact.bytes);
}

/** Export creations (the only POSTs), answered or refused: their path names no target. */
export function createRequests(sandbox: Sandbox): RecordedRequest[] {
  return sandbox.requests.filter(
    (request) => request.origin === 'api' && request.method === 'POST',
  );
}

/** The sandbox requests that belong to one run's export: its status checks and its downloads. */
export function requestsOfExport(
  sandbox: Sandbox,
  outputs: Record<string, string>,
): { status: RecordedRequest[]; downloads: RecordedRequest[] } {
  const jobGid = outputs['job-gid'] ?? '';
  const exportGid = outputs['export-gid'] ?? '';
  const statusPath = jobGid
    ? `/api/1.0/jobs/${jobGid}`
    : `/api/1.0/organization_exports/${exportGid}`;
  return {
    status: sandbox.requests.filter(
      (request) => request.method === 'GET' && request.path === statusPath,
    ),
    // The object's name starts with the export's gid.
    downloads: sandbox.requests.filter(
      (request) => request.origin === 'download' && request.path.includes(`/${exportGid}-`),
    ),
  };
}
