/**
 * `resume-pending` with `destination`, through the built action and a real store (Azurite, and
 * Ceph's radosgw where it is installed): a run that times out while its export goes on at Asana
 * leaves `pending.json` beside `latest.json`; the next run resumes that export (no second
 * create), publishes it, and the run after it starts a new one. `resume-pending: false` and an
 * unreadable record start a new export. No GitHub token, no artifact.
 */

import { storesUnderTest } from '@asana-exports/test-stores';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRequests,
  errorLine,
  leaveRunning as leaveRunningAt,
  startWorld,
  type World,
} from './support/fixtures.js';
import { actAtDestination, useStore } from './support/stores.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

describe.each(storesUnderTest())('resume-pending with destination: %s', (_name, start) => {
  const storeOf = useStore(start);

  const act = (place: string, inputs: Record<string, string>) =>
    actAtDestination(world, storeOf(), place, { kind: 'resource', resources: 'task', ...inputs });

  async function pendingKeyIn(place: string, workspace: string): Promise<string> {
    const keys = await storeOf().list(place);
    const key = keys.find((listed) => listed.endsWith(`resource/${workspace}/pending.json`));
    expect(key, keys.join('\n')).toBeDefined();
    return key ?? '';
  }

  const readJson = async (place: string, key: string) =>
    JSON.parse(new TextDecoder().decode(await storeOf().get(place, key)));

  /** A run timed out while its 6 s export goes on at Asana; returns the job's gid. */
  const leaveRunning = (place: string, workspace: string) =>
    leaveRunningAt(world, (extra) => act(place, { workspace, ...extra }));

  it('resumes the export a timed-out run left running, once', async () => {
    const place = await storeOf().newPlace();
    const workspace = world.newGid();
    const jobGid = await leaveRunning(place, workspace);
    const record = await readJson(place, await pendingKeyIn(place, workspace));
    expect(record).toMatchObject({
      type: 'pending',
      pending: { kind: 'resource', gid: jobGid },
    });

    const creates = createRequests(world.sandbox).length;
    const next = await act(place, { workspace });
    expect(next.code, next.stdout).toBe(0);
    expect(next.outputs['job-gid']).toBe(jobGid);
    expect(createRequests(world.sandbox).length).toBe(creates);
    expect(next.stdout).toContain(
      `Resuming the export ${jobGid} that an earlier run left running.`,
    );
    // Stored under the step's target, and named by its latest.json.
    expect(next.outputs['object-key']).toContain(`resource/${workspace}/`);
    const latest = await readJson(place, next.outputs['latest-key'] ?? '');
    expect(latest.object.key).toBe(next.outputs['object-key']);

    // pending.json still names it, but latest.json does too: nothing left to resume.
    const after = await act(place, { workspace });
    expect(after.code, after.stdout).toBe(0);
    expect(after.stdout).not.toContain('Resuming the export');
    expect(createRequests(world.sandbox).length).toBe(creates + 1);
    expect(after.outputs['job-gid']).not.toBe(jobGid);
  });

  // A new export while the one left running goes on: the sandbox, like Asana, refuses a second
  // export of a workspace until then, and the client retries, so there may be several creates.
  it('starts a new export with resume-pending: false', async () => {
    const place = await storeOf().newPlace();
    const workspace = world.newGid();
    const jobGid = await leaveRunning(place, workspace);
    const creates = createRequests(world.sandbox).length;
    const fresh = await act(place, { workspace, 'resume-pending': 'false' });
    expect(fresh.code, fresh.stdout).toBe(0);
    expect(createRequests(world.sandbox).length).toBeGreaterThan(creates);
    expect(fresh.stdout).not.toContain('Resuming the export');
    expect(fresh.outputs['job-gid']).not.toBe(jobGid);
    expect(fresh.stdout).toContain(
      `::warning::Started a new export: the export ${jobGid} left running by an earlier run was not resumed (resume-pending: false).`,
    );
  });

  it('starts a new export, with a warning, when pending.json is unreadable', async () => {
    const place = await storeOf().newPlace();
    const workspace = world.newGid();
    const jobGid = await leaveRunning(place, workspace);
    const key = await pendingKeyIn(place, workspace);
    await storeOf().put(place, key, new TextEncoder().encode('{"stateVersion": 2, "type": "pend'));
    const creates = createRequests(world.sandbox).length;
    const fresh = await act(place, { workspace });
    expect(fresh.code, fresh.stdout).toBe(0);
    expect(createRequests(world.sandbox).length).toBeGreaterThan(creates);
    expect(fresh.stdout).not.toContain('Resuming the export');
    expect(fresh.outputs['job-gid']).not.toBe(jobGid);
    expect(fresh.stdout).toMatch(
      /::warning::Started a new export: the record of an export left running could not be read \(.*pending\.json is not JSON/,
    );
  });

  it('leaves alone the record of another export definition of the target', async () => {
    const place = await storeOf().newPlace();
    const workspace = world.newGid();
    const jobGid = await leaveRunning(place, workspace);
    const creates = createRequests(world.sandbox).length;
    const other = await act(place, { workspace, fields: 'name,modified_at' });
    expect(other.code, other.stdout).toBe(0);
    expect(createRequests(world.sandbox).length).toBeGreaterThan(creates);
    expect(other.stdout).not.toContain('Resuming the export');
    expect(other.outputs['job-gid']).not.toBe(jobGid);
  });
});

describe.each(storesUnderTest())(
  'a pending export at a destination Asana no longer knows: %s',
  (_name, start) => {
    const storeOf = useStore(start);

    it('fails the run that tries it, and is forgotten for the next', async () => {
      const place = await storeOf().newPlace();
      const workspace = world.newGid();
      const act = (extra: Record<string, string> = {}) =>
        actAtDestination(world, storeOf(), place, {
          kind: 'resource',
          resources: 'task',
          workspace,
          ...extra,
        });
      await leaveRunningAt(world, act);
      const key = (await storeOf().list(place)).find((listed) => listed.endsWith('/pending.json'));
      expect(key).toBeDefined();
      // The record as the run left it, but naming an export Asana does not know.
      const record = JSON.parse(new TextDecoder().decode(await storeOf().get(place, key ?? '')));
      const lost = '1200000000000404';
      record.pending.gid = lost;
      await storeOf().put(place, key ?? '', new TextEncoder().encode(JSON.stringify(record)));

      const failed = await act();
      expect(failed.code).toBe(1);
      expect(failed.stdout).toContain(
        `Resuming the export ${lost} that an earlier run left running.`,
      );
      expect(errorLine(failed)).toContain('The next run of this step starts a new export.');
      const forgotten = JSON.parse(new TextDecoder().decode(await storeOf().get(place, key ?? '')));
      expect(forgotten).toEqual({ stateVersion: 2, type: 'none' });

      const fresh = await act();
      expect(fresh.code, fresh.stdout).toBe(0);
      expect(fresh.stdout).not.toContain('Resuming the export');
      expect(fresh.stdout).not.toContain('::warning::Started a new export');
    });
  },
);
