/**
 * The action as a matrix runs it: several jobs of one workflow run, started together, with the
 * same Asana token, one sandbox and one artifact service. Each job must store its own export
 * under its own default name, in the same run, without the others' names or bytes.
 */

import { readFile } from 'node:fs/promises';
import type { Manifest } from '@asana-exports/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowRun } from './support/artifact-service.js';
import {
  createRequests,
  entriesOf,
  expectNoSecrets,
  requestsOfExport,
  startWorld,
  type World,
} from './support/fixtures.js';
import type { ActionRun } from './support/runner.js';

const LEGS = 4;
/** Long enough that every leg has created its export before the first one is done. */
const EXPORT_MS = 3_000;
/** The runner's poll-interval of 1s: one check on creating, then about one a second. */
const MAX_STATUS_CHECKS = Math.ceil(EXPORT_MS / 900) + 2;

let world: World;
beforeAll(async () => {
  world = await startWorld({ durationMs: EXPORT_MS });
});
afterAll(async () => {
  await world?.close();
});

interface Leg {
  readonly job: WorkflowRun;
  readonly workspace: string;
  readonly result: ActionRun;
}

/** Runs one job of `run` per set of inputs, all at the same time, as a matrix does. */
function matrix(run: WorkflowRun, legs: readonly Record<string, string>[]): Promise<Leg[]> {
  return Promise.all(
    legs.map(async (inputs) => {
      const job = world.service.newJob(run);
      const result = await world.act(job, { kind: 'resource', ...inputs });
      return { job, workspace: inputs.workspace ?? '', result };
    }),
  );
}

/** The leg's artifact: its own, under the name in its outputs, holding what Asana served it. */
async function expectOwnArtifact(run: WorkflowRun, { job, workspace, result }: Leg) {
  expect(result.code, result.stdout).toBe(0);
  const { outputs } = result;
  const artifact = world.service
    .finished(run)
    .find((candidate) => String(candidate.id) === outputs['artifact-id']);
  expect(artifact?.run).toBe(job);
  expect(artifact?.name).toBe(outputs['artifact-name']);
  expect(artifact?.name).toMatch(new RegExp(`^asana-resource-${workspace}-\\d{8}-\\d{6}(-\\d+)?$`));

  const served = await world.sandbox.exportFile(outputs['job-gid'] ?? '');
  const fileName = `asana-resource-export-${outputs['job-gid']}.jsonl.gz`;
  const manifestName = fileName.replace('.jsonl.gz', '.manifest.json');
  const entries = new Map(entriesOf(artifact).map((entry) => [entry.name, entry.data]));
  expect([...entries.keys()].sort()).toEqual([fileName, manifestName].sort());
  expect(entries.get(fileName)?.equals(await readFile(served.path))).toBe(true);
  const manifest = JSON.parse(entries.get(manifestName)?.toString('utf8') ?? '') as Manifest;
  expect(manifest).toMatchObject({
    kind: 'resource',
    target: { workspace },
    jobGid: outputs['job-gid'],
    exportGid: outputs['export-gid'],
    file: { bytes: served.bytes, sha256: served.sha256 },
  });
  expect(JSON.parse(outputs.manifest ?? '')).toEqual(manifest);
  expect(result.stdout).not.toContain('::warning::');
  expectNoSecrets(result, [world.sandbox.token]);
}

/** Each leg checked the status of its own export only a few times and downloaded it once. */
function expectFewRequests(legs: readonly Leg[]) {
  for (const { result } of legs) {
    const { status, downloads } = requestsOfExport(world.sandbox, result.outputs);
    expect(status.length).toBeGreaterThanOrEqual(1);
    expect(status.length).toBeLessThanOrEqual(MAX_STATUS_CHECKS);
    expect(downloads.map((request) => request.status)).toEqual([200]);
  }
  // The token never travels to the download host, whichever leg asked.
  expect(world.sandbox.downloadAuthViolations).toEqual([]);
}

describe('a matrix over several workspaces', () => {
  it('runs the legs side by side, each storing its own export under its own name', async () => {
    const run = world.newRun();
    const before = createRequests(world.sandbox).length;
    const legs = await matrix(
      run,
      Array.from({ length: LEGS }, () => ({ workspace: world.newGid() })),
    );

    for (const leg of legs) await expectOwnArtifact(run, leg);
    const names = legs.map((leg) => leg.result.outputs['artifact-name']);
    expect(new Set(names).size).toBe(LEGS);
    // Only the exports: no input asked for state between runs.
    const stored = world.service.finished(run).map((artifact) => artifact.name);
    expect(stored.sort()).toEqual([...names].sort());

    // Exactly one create per export, and they really ran at the same time: every export was
    // created before the first one was downloaded.
    const creates = createRequests(world.sandbox).slice(before);
    expect(creates.map((request) => request.status)).toEqual(Array(LEGS).fill(201));
    expectFewRequests(legs);
    const downloads = legs.flatMap(
      (leg) => requestsOfExport(world.sandbox, leg.result.outputs).downloads,
    );
    const lastCreate = Math.max(...creates.map((request) => request.at));
    expect(lastCreate).toBeLessThan(Math.min(...downloads.map((request) => request.at)));
  });
});

describe('two legs of a matrix for the same workspace', () => {
  // Asana runs one resource export per workspace at a time and refuses a second with 403: the
  // leg that comes second waits for the workspace to be free, then runs its own export.
  it('both store their own export, under names that do not clash', async () => {
    const run = world.newRun();
    const workspace = world.newGid();
    const before = createRequests(world.sandbox).length;
    const legs = await matrix(run, [
      { workspace, resources: 'task' },
      { workspace, resources: 'message' },
    ]);

    for (const leg of legs) await expectOwnArtifact(run, leg);
    const [first, second] = legs.map((leg) => leg.result.outputs);
    expect(first?.['artifact-name']).not.toBe(second?.['artifact-name']);
    expect(first?.['job-gid']).not.toBe(second?.['job-gid']);
    const creates = createRequests(world.sandbox).slice(before);
    // One create each, and the refusals of the leg that had to wait: it really did wait.
    expect(creates.filter((request) => request.status === 201)).toHaveLength(2);
    const refused = creates.filter((request) => request.status === 403);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused.length + 2).toBe(creates.length);
    expectFewRequests(legs);
  });
});
