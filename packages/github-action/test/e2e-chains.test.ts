/**
 * Backups worth trusting, through the built action against the artifact and REST stand-ins:
 * state only from this workflow's own runs, chains that keep-last prunes whole, the export a
 * timed-out run left running picked up by the next, and no unencrypted export in a public
 * repository's artifacts.
 */

import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Manifest } from '@asana-exports/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ageKeygen, describeWithAge, runAgeTool } from '../../core/test/support/age-tool.js';
import {
  createRequests,
  entriesOf,
  errorLine,
  expectNoSecrets,
  leaveRunning as leaveRunningAt,
  startWorld,
  type World,
} from './support/fixtures.js';
import { plantArtifact } from './support/plant.js';
import { GITHUB_TOKEN } from './support/runner.js';

let world: World;
let keys: string;
beforeAll(async () => {
  world = await startWorld();
  keys = mkdtempSync(join(tmpdir(), 'asana-action-keys-'));
});
afterAll(async () => {
  await world?.close();
  rmSync(keys, { recursive: true, force: true });
});

const manifestOf = (outputs: Record<string, string>) =>
  JSON.parse(outputs.manifest ?? '') as Manifest;
const modifiedAfter = (manifest: Manifest) =>
  manifest.parameters?.[0]?.filters?.['modified_at.after'] as string | undefined;
const stateName = (parent: string) => `asana-exports-state-graph-${parent}`;

describe('trusted state', () => {
  it('ignores state artifacts planted by another workflow, branch, fork or pull request', async () => {
    const workspace = world.newGid();
    const inputs = {
      kind: 'resource',
      workspace,
      resources: 'task',
      since: 'last-run',
      'keep-last': '1',
      'full-every': '7',
    };
    // Learn the state's name from a run elsewhere (the name is public: it is in the README).
    const probe = await world.act(world.newRun({ workflowId: 7999 }), inputs);
    expect(probe.code, probe.stdout).toBe(0);
    const name =
      world.service.finished().find((artifact) => artifact.name.startsWith('asana-exports-state-'))
        ?.name ?? '';
    expect(name).toContain(workspace);

    // What a planted state would do: move the watermark to 2099, and delete this victim.
    const victim = await world.act(world.newRun(), { kind: 'graph', parent: world.newGid() });
    const victimId = Number(victim.outputs['artifact-id']);
    const poison = (runId: number) =>
      JSON.stringify({
        stateVersion: 2,
        type: 'stored',
        watermark: '2099-01-01T00:00:00.000Z',
        chain: { id: '1200000000000666', index: 0, fullAt: '2099-01-01T00:00:00.000Z' },
        exportArtifact: { id: victimId, name: victim.outputs['artifact-name'] },
        manifest: manifestOf(probe.outputs),
        runId,
      });
    const origins = [
      { origin: { workflowId: 7002 }, reason: 'it was uploaded by another workflow' },
      { origin: { headBranch: 'feature' }, reason: 'it was uploaded on another branch' },
      {
        origin: { event: 'pull_request', headRepositoryId: 2 },
        reason: "it was uploaded by a run of a fork's code",
      },
      { origin: { event: 'pull_request' }, reason: 'it was uploaded by a pull_request run' },
      { origin: { event: 'pull_request_target' }, reason: 'by a pull_request_target run' },
    ];
    const planted: { id: number; runId: number; reason: string }[] = [];
    for (const { origin, reason } of origins) {
      const run = world.newRun(origin);
      const id = await plantArtifact(world.service, run, name, {
        'asana-exports-state.json': poison(run.runId),
      });
      planted.push({ id, runId: run.runId, reason });
    }

    const result = await world.act(world.newRun(), inputs);
    expect(result.code, result.stdout).toBe(0);
    // Nothing planted was believed: a full export, not one after 2099.
    expect(modifiedAfter(manifestOf(result.outputs))).toBeUndefined();
    expect(result.summary).toContain('everything (no earlier run found)');
    for (const { id, runId, reason } of planted) {
      expect(result.stdout).toContain(`Ignored state artifact id ${id} of run ${runId}: `);
      expect(result.stdout).toMatch(
        new RegExp(`Ignored state artifact id ${id} of run ${runId}: .*${reason}`),
      );
    }
    // ...nor acted on: the victim and the planted states are still there.
    const left = world.service.finished().map((artifact) => artifact.id);
    expect(left).toContain(victimId);
    for (const { id } of planted) expect(left).toContain(id);
    expectNoSecrets(result, [world.sandbox.token, GITHUB_TOKEN]);
  });

  it("does not let a trusted state's keep-last delete an artifact of another run", async () => {
    const parent = world.newGid();
    const victim = await world.act(world.newRun(), { kind: 'graph', parent: world.newGid() });
    const victimId = Number(victim.outputs['artifact-id']);
    const first = await world.act(world.newRun(), { kind: 'graph', parent, 'keep-last': '1' });
    expect(first.code).toBe(0);
    // A state of this same workflow and branch, but naming an artifact its run did not upload.
    const run = world.newRun();
    await plantArtifact(world.service, run, stateName(parent), {
      'asana-exports-state.json': JSON.stringify({
        stateVersion: 2,
        type: 'stored',
        watermark: '2026-01-01T00:00:00.000Z',
        chain: { id: '1200000000000777', index: 0, fullAt: '2026-01-01T00:00:00.000Z' },
        exportArtifact: { id: victimId, name: `asana-graph-${parent}-20260101-000000` },
        manifest: manifestOf(first.outputs),
      }),
    });
    const result = await world.act(world.newRun(), { kind: 'graph', parent, 'keep-last': '1' });
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toContain(
      `keep-last: left artifact id ${victimId} alone: it is not this step's export of the run that stored the state.`,
    );
    expect(world.service.finished().map((artifact) => artifact.id)).toContain(victimId);
    // The first run's export, of an older chain, went.
    expect(world.service.finished().map((artifact) => artifact.name)).not.toContain(
      first.outputs['artifact-name'],
    );
  });

  it('keeps no state in a pull-request run, and says so', async () => {
    const run = world.newRun({ event: 'pull_request' });
    const result = await world.act(run, {
      kind: 'graph',
      parent: world.newGid(),
      'keep-last': '3',
    });
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toMatch(
      /::warning::This run keeps no state and reads none: this run was started by pull_request/,
    );
    expect(world.service.finished(run).map((artifact) => artifact.name)).toEqual([
      result.outputs['artifact-name'],
    ]);
  });
});

describe('chains', () => {
  it('makes a full export every N runs and prunes whole chains', async () => {
    const workspace = world.newGid();
    const inputs = {
      kind: 'resource',
      workspace,
      resources: 'task',
      since: 'last-run',
      'full-every': '3',
      'keep-last': '2',
    };
    const runs: { name: string; after: string | undefined; summary: string; createdAt: string }[] =
      [];
    for (let index = 0; index < 7; index++) {
      const result = await world.act(world.newRun(), inputs);
      expect(result.code, result.stdout).toBe(0);
      const manifest = manifestOf(result.outputs);
      runs.push({
        name: result.outputs['artifact-name'] ?? '',
        after: modifiedAfter(manifest),
        summary: result.summary,
        createdAt: manifest.createdAt ?? '',
      });
    }
    // Runs 1, 4 and 7 are full; the others export what changed since the run before.
    expect(runs.map((run) => run.after === undefined)).toEqual([
      true,
      false,
      false,
      true,
      false,
      false,
      true,
    ]);
    expect(runs[1]?.after).toBe(runs[0]?.createdAt);
    expect(runs[2]?.after).toBe(runs[1]?.createdAt);
    expect(runs[4]?.after).toBe(runs[3]?.createdAt);
    expect(runs[2]?.summary).toContain(
      `<th>Chain</th><td>increment 2 on the full export <code>${runs[0]?.name}</code> (chain`,
    );
    expect(runs[3]?.summary).toContain('<th>Chain</th><td>full export: starts chain');
    expect(runs[3]?.summary).toContain('everything (full-every: 3 runs (the chain has 3))');

    // keep-last: 2 chains: the first chain went whole with run 7, the second and third stay.
    const left = world.service.finished().map((artifact) => artifact.name);
    for (const run of runs.slice(0, 3)) expect(left).not.toContain(run.name);
    for (const run of runs.slice(3)) expect(left).toContain(run.name);
    expect(runs[6]?.summary).toContain('keep-last deleted 3 older artifact(s), whole chains only');
    expect(
      left.filter((name) => name.startsWith(`asana-exports-state-resource-${workspace}-`)),
    ).toHaveLength(4);
  });

  it('refuses keep-last with since: last-run but no full-every, before anything is sent', async () => {
    const creates = createRequests(world.sandbox).length;
    const result = await world.act(world.newRun(), {
      kind: 'resource',
      workspace: world.newGid(),
      since: 'last-run',
      'keep-last': '30',
    });
    expect(result.code).toBe(1);
    expect(errorLine(result)).toContain('Invalid full-every: missing; keep-last with since');
    expect(errorLine(result)).toContain('Nothing was sent to Asana.');
    expect(createRequests(world.sandbox).length).toBe(creates);
  });
});

describe('an export left running', () => {
  /** A run of a step that keeps state, timed out while its 6 s export goes on at Asana. */
  const leaveRunning = (inputs: Record<string, string>) =>
    leaveRunningAt(world, (extra) => world.act(world.newRun(), { ...inputs, ...extra }));

  it('is picked up by the next run instead of starting another', async () => {
    const parent = world.newGid();
    const inputs = { kind: 'graph', parent, 'keep-last': '5' };
    const jobGid = await leaveRunning(inputs);
    const creates = createRequests(world.sandbox).length;
    const next = await world.act(world.newRun(), inputs);
    expect(next.code, next.stdout).toBe(0);
    expect(next.outputs['job-gid']).toBe(jobGid);
    expect(createRequests(world.sandbox).length).toBe(creates);
    expect(next.stdout).toContain(
      `Resuming the export ${jobGid} that an earlier run left running.`,
    );
    expect(next.summary).toContain('resumed from an earlier run');
    // Named like the step's other exports, so keep-last can count it.
    expect(next.outputs['artifact-name']).toMatch(
      new RegExp(`^asana-graph-${parent}-\\d{8}-\\d{6}$`),
    );

    // The pending record is gone with keep-last; the run after starts a new export.
    const after = await world.act(world.newRun(), inputs);
    expect(after.code, after.stdout).toBe(0);
    expect(after.outputs['job-gid']).not.toBe(jobGid);
    expect(createRequests(world.sandbox).length).toBe(creates + 1);
  });

  it('is left alone with resume-pending: false', async () => {
    const parent = world.newGid();
    const inputs = { kind: 'graph', parent, 'keep-last': '5' };
    const jobGid = await leaveRunning(inputs);
    const creates = createRequests(world.sandbox).length;
    const fresh = await world.act(world.newRun(), { ...inputs, 'resume-pending': 'false' });
    expect(fresh.code, fresh.stdout).toBe(0);
    // Asked Asana for a new export (which, for a parent with one still running, may answer with
    // that one's job, as the sandbox does).
    expect(createRequests(world.sandbox).length).toBe(creates + 1);
    expect(fresh.stdout).not.toContain('Resuming the export');
    expect(fresh.stdout).toContain(
      `::warning::Started a new export: the export ${jobGid} left running by an earlier run was not resumed (resume-pending: false).`,
    );
  });
});

describe('a pending export Asana no longer knows', () => {
  it('fails the run that tries it, and is forgotten for the next', async () => {
    const parent = world.newGid();
    const inputs = { kind: 'graph', parent, 'keep-last': '5' };
    const lost = '1200000000000404';
    const run = world.newRun();
    const pendingId = await plantArtifact(world.service, run, stateName(parent), {
      'asana-exports-state.json': JSON.stringify({
        stateVersion: 2,
        type: 'pending',
        pending: { kind: 'graph', gid: lost, requestedAt: new Date().toISOString() },
        chain: { id: lost, index: 0, fullAt: new Date().toISOString() },
      }),
    });
    const tried = await world.act(world.newRun(), inputs);
    expect(tried.code).toBe(1);
    expect(tried.stdout).toContain(`Resuming the export ${lost}`);
    expect(errorLine(tried)).toContain('The next run of this step starts a new export.');
    expect(world.service.finished().map((artifact) => artifact.id)).not.toContain(pendingId);

    const creates = createRequests(world.sandbox).length;
    const next = await world.act(world.newRun(), inputs);
    expect(next.code, next.stdout).toBe(0);
    expect(createRequests(world.sandbox).length).toBe(creates + 1);
  });
});

describe('a public repository', () => {
  it('refuses an unencrypted export before anything is sent, from the event payload', async () => {
    const creates = createRequests(world.sandbox).length;
    const run = world.newRun();
    const result = await world.act(
      run,
      { kind: 'graph', parent: world.newGid() },
      { eventPayload: { repository: { private: false, visibility: 'public' } } },
    );
    expect(result.code).toBe(1);
    expect(errorLine(result)).toContain(
      'Invalid encrypt-to: missing; this repository is public: anyone signed in to GitHub can download its artifacts',
    );
    expect(errorLine(result)).toContain('allow-public-unencrypted: true');
    expect(createRequests(world.sandbox).length).toBe(creates);
    expect(world.service.finished(run)).toEqual([]);
  });

  it('asks the API when the event does not say, and fails closed when nobody can tell', async () => {
    world.rest.visibility = 'public';
    try {
      const scheduled = { schedule: '0 2 * * *' };
      const refused = await world.act(
        world.newRun(),
        { kind: 'graph', parent: world.newGid() },
        { eventPayload: scheduled },
      );
      expect(refused.code).toBe(1);
      expect(errorLine(refused)).toContain('this repository is public');
      expect(world.rest.requests.at(-1)?.path).toBe('/repos/acme/asana-backups');

      const unknown = await world.act(
        world.newRun(),
        { kind: 'graph', parent: world.newGid(), 'github-token': '' },
        { eventPayload: scheduled },
      );
      expect(unknown.code).toBe(1);
      expect(errorLine(unknown)).toContain('could not tell whether this repository is public');

      const allowed = await world.act(
        world.newRun(),
        { kind: 'graph', parent: world.newGid(), 'allow-public-unencrypted': 'true' },
        { eventPayload: scheduled },
      );
      expect(allowed.code, allowed.stdout).toBe(0);
    } finally {
      world.rest.visibility = 'private';
    }
  });
});

describe('retention-days', () => {
  it('takes up to 400 days, as private repositories allow', async () => {
    const run = world.newRun();
    const result = await world.act(run, {
      kind: 'graph',
      parent: world.newGid(),
      'retention-days': '400',
    });
    expect(result.code, result.stdout).toBe(0);
    const [stored] = world.service.finished(run);
    const days = ((stored?.expiresAt?.getTime() ?? 0) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(399);
    expect(days).toBeLessThanOrEqual(400);
    const over = await world.act(world.newRun(), {
      kind: 'graph',
      parent: world.newGid(),
      'retention-days': '401',
    });
    expect(errorLine(over)).toContain('retention-days');
  });
});

describeWithAge('encrypt-to', () => {
  it('stores an encrypted incremental chain in a public repository, which age decrypts', async () => {
    const key = ageKeygen(keys, 'backup-key.txt');
    const workspace = world.newGid();
    const inputs = {
      kind: 'resource',
      workspace,
      resources: 'task',
      since: 'last-run',
      'full-every': '7d',
      'keep-last': '4',
      'encrypt-to': `# the backup key\n${key.publicKey}\n`,
    };
    const options = { eventPayload: { repository: { private: false, visibility: 'public' } } };
    const full = await world.act(world.newRun(), inputs, options);
    expect(full.code, full.stdout).toBe(0);
    const run = world.newRun();
    const increment = await world.act(run, inputs, options);
    expect(increment.code, increment.stdout).toBe(0);

    const manifest = manifestOf(increment.outputs);
    expect(modifiedAfter(manifest)).toBe(manifestOf(full.outputs).createdAt);
    expect(manifest.encryption?.recipients).toEqual([key.publicKey]);
    expect(increment.outputs.encrypted).toBe('true');
    expect(increment.outputs.file).toMatch(/\.jsonl\.gz\.age$/);
    expect(increment.summary).toContain('<th>Encrypted</th><td>age, to <code>age1');
    expect(increment.summary).toMatch(/<th>Chain<\/th><td>increment 1 on the full export/);

    // The artifact holds ciphertext and the manifest, never the plaintext.
    const [exported] = world.service.finished(run);
    const entries = entriesOf(exported);
    expect(entries.map((entry) => entry.name).sort()).toEqual(
      [
        manifest.encryption?.file.name,
        manifest.encryption?.file.name.replace(/\.jsonl\.gz\.age$/, '.manifest.json'),
      ].sort(),
    );
    const cipher = entries.find((entry) => entry.name.endsWith('.age'))?.data ?? Buffer.alloc(0);
    expect(cipher.subarray(0, 21).toString()).toBe('age-encryption.org/v1');
    expect(createHash('sha256').update(cipher).digest('hex')).toBe(increment.outputs.sha256);
    const plain = runAgeTool('age', ['-d', '-i', key.path], cipher);
    expect(plain.status, plain.stderr).toBe(0);
    expect(createHash('sha256').update(plain.stdout).digest('hex')).toBe(manifest.file.sha256);
    expect(JSON.stringify(increment)).not.toContain('AGE-SECRET-KEY');
  });

  it('refuses a key that is not an age public key, before anything is sent', async () => {
    const creates = createRequests(world.sandbox).length;
    const result = await world.act(world.newRun(), {
      kind: 'graph',
      parent: world.newGid(),
      'encrypt-to': 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK',
    });
    expect(result.code).toBe(1);
    expect(errorLine(result)).toContain('Invalid encrypt-to');
    expect(createRequests(world.sandbox).length).toBe(creates);
  });
});
