/**
 * `compare: last-run` and `check-only`, through the built action and stand-ins of GitHub's
 * services: each run's export is compared with the last run's, and every count is the one the
 * sandbox tallied while it wrote the newer revision (`Scenario.revision`); the watchdog reads the
 * state the backup runs left.
 */

import type { DiffReport, Manifest } from '@asana-exports/core/node';
import type { RevisionChanges } from '@asana-exports/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createRequests,
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
afterEach(() => {
  world.sandbox.configure({ revision: 0 });
});
afterAll(async () => {
  await world?.close();
});

const manifestOf = (outputs: Record<string, string>) =>
  JSON.parse(outputs.manifest ?? '') as Manifest;

function graphInputs(extra: Record<string, string> = {}) {
  return { kind: 'graph', parent: world.newGid(), compare: 'last-run', ...extra };
}

/** Runs the step once at `revision` of the sandbox's workspace. */
async function runAt(revision: number, inputs: Record<string, string>) {
  world.sandbox.configure({ revision });
  const run = world.newRun();
  const result = await world.act(run, inputs);
  return { run, result };
}

const total = (changes: RevisionChanges, key: 'added' | 'removed' | 'changed') =>
  Object.values(changes.byResourceType).reduce((sum, type) => sum + type[key], 0);

describe('compare: last-run', () => {
  it('compares each run with the last one, counting exactly what changed in the sandbox', async () => {
    const inputs = graphInputs();
    const first = await runAt(0, inputs);
    expect(first.result.code, first.result.stdout).toBe(0);
    expect(first.result.outputs.added).toBeUndefined();
    expect(first.result.stdout).toContain(
      'No comparison with the last run: no earlier run of this step stored an export',
    );
    expect(first.result.summary).toContain('Changes since the last run');

    const second = await runAt(1, inputs);
    expect(second.result.code, second.result.stdout).toBe(0);
    const { outputs } = second.result;
    const info = await world.sandbox.exportFile(outputs['job-gid'] ?? '');
    const changes = info.changes as RevisionChanges;
    expect(changes.revision).toBe(1);
    expect(Number(outputs.added)).toBe(total(changes, 'added'));
    expect(Number(outputs.removed)).toBe(total(changes, 'removed'));
    expect(Number(outputs.changed)).toBe(total(changes, 'changed'));
    expect(Number(outputs.removed)).toBeGreaterThan(0);

    // The JSON report travels in the artifact, beside the export and its manifest.
    const exportArtifact = world.service
      .finished(second.run)
      .find((artifact) => artifact.name === outputs['artifact-name']);
    const entries = entriesOf(exportArtifact);
    const manifest = manifestOf(outputs);
    const reportName = manifest.file.name.replace(/\.jsonl\.gz$/, '.changes.json');
    expect(outputs['changes-file']).toBe(reportName);
    expect(entries.map((entry) => entry.name).sort()).toEqual(
      [
        manifest.file.name,
        manifest.file.name.replace(/\.jsonl\.gz$/, '.manifest.json'),
        reportName,
      ].sort(),
    );
    const report = JSON.parse(
      entries.find((entry) => entry.name === reportName)?.data.toString('utf8') ?? '',
    ) as DiffReport;
    for (const [type, expected] of Object.entries(changes.byResourceType)) {
      expect(report.byResourceType[type], type).toEqual(expected);
    }
    expect(report.old.exportGid).toBe(manifestOf(first.result.outputs).exportGid);
    expect(report.new.exportGid).toBe(manifest.exportGid);

    // The summary: counts, the chart of both runs' records, the fields changed most.
    const { summary } = second.result;
    expect(summary).toContain(
      `Compared with <code>${first.result.outputs['artifact-name']}</code>`,
    );
    expect(summary).toContain('xychart-beta');
    expect(summary).toContain(
      `line [${manifestOf(first.result.outputs).records.total}, ${manifest.records.total}]`,
    );
    expect(summary).toContain('Fields changed most');
    expect(second.result.stdout).toMatch(
      new RegExp(`Since the last run \\(.+\\): ${outputs.added} added, ${outputs.removed} removed`),
    );
    expectNoSecrets(second.result, [world.sandbox.token, GITHUB_TOKEN]);
  });

  it('fails on fail-on only once the export and its state are stored, and warns on warn-on', async () => {
    const inputs = graphInputs({ 'fail-on': 'removed>0.5%', 'warn-on': 'changed>1%' });
    expect((await runAt(0, inputs)).result.code).toBe(0);

    const crossed = await runAt(1, inputs);
    expect(crossed.result.code).toBe(1);
    // The runner's command syntax escapes % as %25.
    expect(errorLine(crossed.result).replaceAll('%25', '%')).toMatch(
      /The change report crosses fail-on: removed>0\.5%: \d+ records removed/,
    );
    expect(errorLine(crossed.result)).toContain('The export is stored all the same');
    expect(crossed.result.stdout).toMatch(
      /::warning::The change report crosses warn-on: changed>1%/,
    );
    const names = world.service.finished(crossed.run).map((artifact) => artifact.name);
    expect(names).toContain(crossed.result.outputs['artifact-name']);
    expect(names.some((name) => name.startsWith('asana-exports-state-graph-'))).toBe(true);
    expect(crossed.result.summary).toContain('fail-on crossed:');

    // The next run compares with the one that failed the limit, not with the older one.
    const again = await runAt(1, inputs);
    expect(again.result.code, again.result.stdout).toBe(0);
    expect(again.result.outputs.removed).toBe('0');
    expect(again.result.outputs.changed).toBe('0');
    expect(again.result.outputs.added).toBe('0');
  });

  it("warns, and stores the export, when the last run's artifact is gone", async () => {
    const inputs = graphInputs();
    const first = await runAt(0, inputs);
    expect(first.result.code).toBe(0);
    const stored = world.service
      .finished(first.run)
      .find((artifact) => artifact.name === first.result.outputs['artifact-name']);
    if (stored === undefined) throw new Error('no export artifact');
    stored.deleted = true;

    const second = await runAt(1, inputs);
    expect(second.result.code, second.result.stdout).toBe(0);
    expect(second.result.stdout).toMatch(
      /::warning::No comparison with the last run: the last run's export artifact .+ could not be downloaded/,
    );
    expect(second.result.outputs.added).toBeUndefined();
    expect(second.result.outputs['artifact-name']).toBeTruthy();
  });

  it.each([
    [
      {
        kind: 'resource',
        parent: '',
        workspace: '1200000000000777',
        resources: 'task',
        since: 'last-run',
      },
      'compare',
      'cannot be combined with since: last-run',
    ],
    [{ compare: 'yesterday' }, 'compare', '"yesterday" is not a comparison'],
    [{ compare: '', 'fail-on': 'removed>5%' }, 'fail-on', 'applies only with compare: last-run'],
    [{ 'fail-on': 'removed>lots' }, 'fail-on', '"removed>lots" is not a limit'],
    [
      { 'encrypt-to': 'age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq' },
      'compare',
      'cannot be combined with encrypt-to',
    ],
  ])('refuses %j before anything reaches Asana', async (extra, input, problem) => {
    const creates = createRequests(world.sandbox).length;
    const { result } = await runAt(0, graphInputs(extra));
    expect(result.code).toBe(1);
    expect(errorLine(result)).toContain(`Invalid ${input}: `);
    expect(errorLine(result)).toContain(problem);
    expect(createRequests(world.sandbox).length).toBe(creates);
  });
});

describe('check-only', () => {
  const watch = (parent: string, maxAge: string) => ({
    kind: 'graph',
    parent,
    'check-only': 'true',
    'max-age': maxAge,
    // The watchdog needs no Asana token.
    'asana-token': '',
  });

  it('fails with the reason when no run stored an export, and passes once one did', async () => {
    const parent = world.newGid();
    const requests = world.sandbox.requests.length;
    const missing = await world.act(world.newRun(), watch(parent, '26h'));
    expect(missing.code).toBe(1);
    expect(errorLine(missing)).toContain(
      `no verified export found in the state artifacts asana-exports-state-graph-${parent}`,
    );
    expect(missing.outputs.fresh).toBe('false');

    const backup = await runAt(0, { kind: 'graph', parent, compare: 'last-run' });
    expect(backup.result.code).toBe(0);
    const fresh = await world.act(world.newRun(), watch(parent, '26h'));
    expect(fresh.code, fresh.stdout).toBe(0);
    expect(fresh.outputs.fresh).toBe('true');
    const manifest = manifestOf(backup.result.outputs);
    expect(fresh.outputs['last-export-at']).toBe(manifest.completedAt);
    expect(fresh.stdout).toContain(`artifact ${backup.result.outputs['artifact-name']}`);
    expect(fresh.summary).toContain('Asana export check: fresh');
    // Neither check asked Asana anything.
    expect(
      world.sandbox.requests.slice(requests).filter((request) => request.path.includes(parent)),
    ).toHaveLength(0);

    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const stale = await world.act(world.newRun(), watch(parent, '1s'));
    expect(stale.code).toBe(1);
    expect(errorLine(stale)).toMatch(/older than max-age 1s|max-age 1s/);
    expect(errorLine(stale)).toContain('60 days without activity');
    expect(stale.outputs.fresh).toBe('false');
  });

  it.each([
    [{ 'max-age': '' }, 'max-age', 'missing'],
    [{ 'max-age': 'soon' }, 'max-age', ''],
    [
      { 'job-gid': '1200000000000001', kind: 'graph' },
      'job-gid',
      'cannot be combined with check-only',
    ],
  ])('refuses %j, naming the input', async (extra, input, problem) => {
    const result = await world.act(world.newRun(), { ...watch(world.newGid(), '26h'), ...extra });
    expect(result.code).toBe(1);
    expect(errorLine(result)).toContain(`Invalid ${input}: `);
    expect(errorLine(result)).toContain(problem);
  });
});
