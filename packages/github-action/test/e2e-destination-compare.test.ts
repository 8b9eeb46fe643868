/**
 * `compare: last-run` with `destination`, through the built action and a real store (Azurite,
 * and Ceph's radosgw where it is installed): each export is compared with the one the bucket or
 * container stored before it for the same target, every count is the one the sandbox tallied
 * while it wrote the newer revision, and the JSON report is stored beside the export.
 */

import type { DiffReport, Manifest } from '@asana-exports/core/node';
import type { RevisionChanges } from '@asana-exports/sandbox';
import { storesUnderTest } from '@asana-exports/test-stores';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { errorLine, expectNoSecrets, startWorld, type World } from './support/fixtures.js';
import { endpointInput, useStore } from './support/stores.js';

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

const total = (changes: RevisionChanges, key: 'added' | 'removed' | 'changed') =>
  Object.values(changes.byResourceType).reduce((sum, type) => sum + type[key], 0);

describe.each(storesUnderTest())('compare: last-run with destination: %s', (_name, start) => {
  const storeOf = useStore(start);

  /** One run of the step at `revision` of the sandbox's workspace; no GitHub token at all. */
  async function runAt(revision: number, place: string, inputs: Record<string, string>) {
    world.sandbox.configure({ revision });
    const run = world.newRun();
    const result = await world.act(
      run,
      {
        kind: 'graph',
        destination: place,
        compare: 'last-run',
        'github-token': '',
        ...endpointInput(storeOf()),
        ...inputs,
      },
      { env: storeOf().env },
    );
    expectNoSecrets(result, [world.sandbox.token, ...storeOf().secrets]);
    // No artifact: the bucket keeps the exports and the report.
    expect(world.service.finished(run)).toEqual([]);
    return result;
  }

  const text = async (place: string, key: string) =>
    new TextDecoder().decode(await storeOf().get(place, key));

  it('compares with the export stored before, counting exactly what changed, and stores the report beside it', async () => {
    const place = await storeOf().newPlace();
    const parent = world.newGid();
    const first = await runAt(0, place, { parent });
    expect(first.code, first.stdout).toBe(0);
    expect(first.outputs.added).toBeUndefined();
    expect(first.outputs['changes-key']).toBeUndefined();
    expect(first.stdout).toContain(
      'No comparison with the last run: no earlier export of this target with a manifest is stored at the destination',
    );
    expect(first.stdout).not.toMatch(/::warning::No comparison/);
    expect(first.summary).toContain('Changes since the last run');

    const second = await runAt(1, place, { parent });
    expect(second.code, second.stdout).toBe(0);
    const { outputs } = second;
    const info = await world.sandbox.exportFile(outputs['job-gid'] ?? '');
    const changes = info.changes as RevisionChanges;
    expect(changes.revision).toBe(1);
    expect(Number(outputs.added)).toBe(total(changes, 'added'));
    expect(Number(outputs.removed)).toBe(total(changes, 'removed'));
    expect(Number(outputs.changed)).toBe(total(changes, 'changed'));
    expect(Number(outputs.removed)).toBeGreaterThan(0);

    // The report, write-once beside the export and its manifest; no changes-file (no artifact).
    const exportKey = outputs['object-key'] ?? '';
    const reportKey = exportKey.replace(/\.jsonl\.gz$/, '.changes.json');
    expect(outputs['changes-key']).toBe(reportKey);
    expect(outputs['changes-file']).toBeUndefined();
    const listed = await storeOf().list(place);
    expect(listed).toContain(reportKey);
    expect(listed.filter((key) => key.endsWith('.changes.json'))).toEqual([reportKey]);
    const report = JSON.parse(await text(place, reportKey)) as DiffReport;
    for (const [type, expected] of Object.entries(changes.byResourceType)) {
      expect(report.byResourceType[type], type).toEqual(expected);
    }
    const older = JSON.parse(first.outputs.manifest ?? '') as Manifest;
    const newer = JSON.parse(outputs.manifest ?? '') as Manifest;
    expect(report.old.exportGid).toBe(older.exportGid);
    expect(report.new.exportGid).toBe(newer.exportGid);
    expect(report.old.file).toContain(first.outputs['object-key']);
    expect(report.new.file).toContain(exportKey);

    const { summary } = second;
    expect(summary).toContain('Compared with <code>');
    expect(summary).toContain(first.outputs['object-key']);
    expect(summary).toContain(
      `the report is stored beside this export as <code>${reportKey}</code>`,
    );
    expect(summary).toContain(`line [${older.records.total}, ${newer.records.total}]`);
    expect(summary).toContain('Fields changed most');
    expect(second.stdout).toMatch(
      new RegExp(`Since the last run \\(.+\\): ${outputs.added} added, ${outputs.removed} removed`),
    );
  });

  it('fails on fail-on only once the export is stored, and warns on warn-on', async () => {
    const place = await storeOf().newPlace();
    const parent = world.newGid();
    const inputs = { parent, 'fail-on': 'removed>0.5%', 'warn-on': 'changed>1%' };
    expect((await runAt(0, place, inputs)).code).toBe(0);

    const crossed = await runAt(1, place, inputs);
    expect(crossed.code).toBe(1);
    expect(errorLine(crossed).replaceAll('%25', '%')).toMatch(
      /The change report crosses fail-on: removed>0\.5%: \d+ records removed/,
    );
    expect(errorLine(crossed)).toContain('The export is stored all the same');
    expect(crossed.stdout).toMatch(/::warning::The change report crosses warn-on: changed>1%/);
    expect(crossed.summary).toContain('fail-on crossed:');
    const listed = await storeOf().list(place);
    expect(listed).toContain(crossed.outputs['object-key']);
    expect(listed).toContain(crossed.outputs['changes-key']);
    // latest.json names the export that failed the limit: the next run compares with it.
    const latest = JSON.parse(await text(place, crossed.outputs['latest-key'] ?? ''));
    expect(latest.object.key).toBe(crossed.outputs['object-key']);

    const again = await runAt(1, place, inputs);
    expect(again.code, again.stdout).toBe(0);
    expect(again.outputs.removed).toBe('0');
    expect(again.outputs.changed).toBe('0');
    expect(again.summary).toContain(crossed.outputs['object-key']);
  });
  it('does not compare a whole export with an increment stored before it, and says why', async () => {
    const place = await storeOf().newPlace();
    const target = { kind: 'resource', workspace: world.newGid(), resources: 'task' };
    const increment = await runAt(0, place, { ...target, since: '24h' });
    expect(increment.code, increment.stdout).toBe(0);
    const whole = await runAt(1, place, target);
    expect(whole.code, whole.stdout).toBe(0);
    expect(whole.outputs.added).toBeUndefined();
    expect(whole.stdout).toMatch(
      /::warning::No comparison with the last run: the export stored before this one \(.+\) is an increment \(since\), not a whole export/,
    );
    expect(whole.stdout).toContain(increment.outputs['object-key']);
    const listed = await storeOf().list(place);
    expect(listed.filter((key) => key.endsWith('.changes.json'))).toEqual([]);
  });
});
