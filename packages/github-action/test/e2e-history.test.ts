/**
 * What spans runs, through a stand-in of the GitHub REST API: `since: last-run` reads the
 * watermark a previous run stored, and `keep-last` deletes older exports with their state.
 */

import type { Manifest } from '@asana-exports/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  entriesOf,
  errorLine,
  expectNoSecrets,
  startWorld,
  type World,
} from './support/fixtures.js';
import { GITHUB_TOKEN } from './support/runner.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

const manifestOf = (outputs: Record<string, string>) =>
  JSON.parse(outputs.manifest ?? '') as Manifest;

describe('since: last-run', () => {
  it('exports everything the first time, then what changed since the last run', async () => {
    const workspace = world.newGid();
    const inputs = {
      kind: 'resource',
      workspace,
      resources: 'task,team',
      fields: 'gid,name',
      since: 'last-run',
    };

    const first = await world.act(world.newRun(), inputs);
    expect(first.code, first.stdout).toBe(0);
    expect(first.stdout).toMatch(
      /::notice::since: last-run: a full export this time \(no earlier run found\)/,
    );
    expect(manifestOf(first.outputs).parameters).toEqual([
      { resource_type: 'task', fields: ['gid', 'name'] },
      { resource_type: 'team', fields: ['gid', 'name'] },
    ]);
    expect(first.summary).toContain('<th>Modified after</th><td>everything (no earlier run found)');

    // Another export of the same workspace with other parameters keeps a state of its own.
    const other = await world.act(world.newRun(), { ...inputs, fields: 'gid' });
    expect(other.code, other.stdout).toBe(0);
    expect(other.stdout).toMatch(/::notice::since: last-run: a full export this time/);

    const secondRun = world.newRun();
    const second = await world.act(secondRun, inputs);
    expect(second.code, second.stdout).toBe(0);
    const watermark = manifestOf(first.outputs).createdAt;
    expect(watermark).toMatch(/^\d{4}-/);
    expect(manifestOf(second.outputs).parameters).toEqual([
      {
        resource_type: 'task',
        fields: ['gid', 'name'],
        filters: { 'modified_at.after': watermark },
      },
      { resource_type: 'team', fields: ['gid', 'name'] },
    ]);
    expect(second.summary).toContain(
      `<th>Modified after</th><td><code>${watermark}</code> (last run, artifact ${first.outputs['artifact-name']})`,
    );

    // The state was found by its exact name and read from the earlier run's artifact.
    const [state] = world.service.finished(secondRun).slice(1);
    const lists = world.rest.requests.filter(
      (request) => request.method === 'GET' && request.path.endsWith('/actions/artifacts'),
    );
    expect(lists.at(-1)?.query).toContain(`name=${state?.name}`);
    expect(lists.at(-1)?.authorization).toBe(`token ${GITHUB_TOKEN}`);
    expect(world.rest.requests.some((request) => request.path.endsWith('/zip'))).toBe(true);
    const stored = JSON.parse(entriesOf(state)[0]?.data.toString('utf8') ?? '') as {
      watermark: string;
      exportArtifact: { name: string };
    };
    expect(stored.watermark).toBe(manifestOf(second.outputs).createdAt);
    expect(stored.exportArtifact.name).toBe(second.outputs['artifact-name']);
    expectNoSecrets(second, [world.sandbox.token, GITHUB_TOKEN]);
  });

  it('fails before creating an export when the token may not read artifacts', async () => {
    world.rest.permission = 'none';
    try {
      const creates = world.sandbox.requests.length;
      const run = world.newRun();
      const result = await world.act(run, {
        kind: 'resource',
        workspace: world.newGid(),
        since: 'last-run',
      });
      expect(result.code).toBe(1);
      expect(errorLine(result)).toContain(
        `Could not read workflow run ${run.runId} through the GitHub API`,
      );
      expect(errorLine(result)).toContain('permissions: actions: read');
      expect(errorLine(result)).toContain('Nothing was sent to Asana.');
      expect(world.sandbox.requests.length).toBe(creates);
      expect(world.service.finished(run)).toEqual([]);
      expectNoSecrets(result, [world.sandbox.token, GITHUB_TOKEN]);
    } finally {
      world.rest.permission = 'write';
    }
  });
});

describe('state', () => {
  it('is neither stored nor read when no input asks for it', async () => {
    const run = world.newRun();
    const lists = world.rest.requests.length;
    const result = await world.act(run, { kind: 'graph', parent: world.newGid() });
    expect(result.code, result.stdout).toBe(0);
    expect(world.service.finished(run).map((artifact) => artifact.name)).toEqual([
      result.outputs['artifact-name'],
    ]);
    // Not even the API: the event payload said the repository is private.
    expect(world.rest.requests.length).toBe(lists);
  });
});

describe('keep-last', () => {
  it('keeps the newest N exports of the same definition and deletes older ones', async () => {
    const parent = world.newGid();
    const unrelated = await world.act(world.newRun(), { kind: 'graph', parent: world.newGid() });
    expect(unrelated.code).toBe(0);

    const names: string[] = [];
    for (let index = 0; index < 4; index++) {
      const result = await world.act(world.newRun(), { kind: 'graph', parent, 'keep-last': '2' });
      expect(result.code, result.stdout).toBe(0);
      names.push(result.outputs['artifact-name'] ?? '');
    }
    const remaining = world.service.finished().map((artifact) => artifact.name);
    expect(remaining).toEqual(expect.arrayContaining([names[2], names[3]]));
    expect(remaining).not.toContain(names[0]);
    expect(remaining).not.toContain(names[1]);
    expect(remaining.filter((name) => name === `asana-exports-state-graph-${parent}`)).toHaveLength(
      2,
    );
    // Another export's artifacts are never touched.
    expect(remaining).toContain(unrelated.outputs['artifact-name']);
    const deletes = world.rest.requests.filter((request) => request.method === 'DELETE');
    expect(deletes.every((request) => request.status === 204)).toBe(true);
    expect(deletes).toHaveLength(4);
  });

  it('warns, but keeps the stored export, when the token may not delete', async () => {
    const parent = world.newGid();
    for (let index = 0; index < 2; index++) {
      const earlier = await world.act(world.newRun(), { kind: 'graph', parent, 'keep-last': '5' });
      expect(earlier.code, earlier.stdout).toBe(0);
    }
    world.rest.permission = 'read';
    try {
      const result = await world.act(world.newRun(), { kind: 'graph', parent, 'keep-last': '1' });
      expect(result.code, result.stdout).toBe(0);
      expect(result.stdout).toMatch(
        /::warning::keep-last could not delete older artifacts: .*permissions: actions: write/,
      );
      expect(result.summary).toContain('<strong>Warning:</strong> keep-last could not delete');
      expect(result.outputs['artifact-id']).toMatch(/^\d+$/);
    } finally {
      world.rest.permission = 'write';
    }
  });
});
