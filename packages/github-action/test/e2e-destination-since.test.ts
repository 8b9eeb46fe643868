/**
 * `since: last-run` with `destination`, through the built action and a real store (Azurite, and
 * Ceph's radosgw where it is installed): the watermark is read from the target's `latest.json`
 * and the manifest beside the export it names, no GitHub token and no artifact involved; a
 * latest export of other parameters starts a full export with a warning.
 */

import type { Manifest } from '@asana-exports/core/node';
import { storesUnderTest } from '@asana-exports/test-stores';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from './support/fixtures.js';
import { actAtDestination, useStore } from './support/stores.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

const manifestOf = (outputs: Record<string, string>) =>
  JSON.parse(outputs.manifest ?? '') as Manifest;
const modifiedAfter = (manifest: Manifest) =>
  manifest.parameters?.[0]?.filters?.['modified_at.after'] as string | undefined;

describe.each(storesUnderTest())('since: last-run with destination: %s', (_name, start) => {
  const storeOf = useStore(start);

  async function act(place: string, inputs: Record<string, string>) {
    const result = await actAtDestination(world, storeOf(), place, {
      kind: 'resource',
      resources: 'task',
      since: 'last-run',
      ...inputs,
    });
    expect(result.code, result.stdout).toBe(0);
    return result;
  }

  it("exports what changed since the destination's latest export of the target", async () => {
    const place = await storeOf().newPlace();
    const workspace = world.newGid();

    const first = await act(place, { workspace });
    const firstManifest = manifestOf(first.outputs);
    expect(modifiedAfter(firstManifest)).toBeUndefined();
    expect(first.stdout).toMatch(
      /::notice::since: last-run: a full export this time \(no earlier export found/,
    );
    expect(first.stdout).not.toMatch(/::warning::since: last-run/);
    expect(first.summary).toContain('everything (no earlier export found');

    // The watermark is the latest export's creation at Asana, as a state would carry it.
    const second = await act(place, { workspace });
    const secondManifest = manifestOf(second.outputs);
    expect(firstManifest.createdAt).toBeDefined();
    expect(modifiedAfter(secondManifest)).toBe(firstManifest.createdAt);
    expect(second.stdout).toContain(
      `since: last-run: records modified after ${firstManifest.createdAt} (the latest export at the destination, `,
    );
    expect(second.stdout).toContain(first.outputs['object-key']);
    expect(second.summary).toContain(
      `<code>${firstManifest.createdAt}</code> (latest export at the destination`,
    );

    // An increment is of the same definition: the next one starts from it.
    const third = await act(place, { workspace });
    expect(modifiedAfter(manifestOf(third.outputs))).toBe(secondManifest.createdAt);
    const latest = JSON.parse(
      new TextDecoder().decode(await storeOf().get(place, third.outputs['latest-key'] ?? '')),
    );
    expect(latest.object.key).toBe(third.outputs['object-key']);
  });

  it('starts a full export, with a warning, when the latest export was made with other parameters', async () => {
    const place = await storeOf().newPlace();
    const workspace = world.newGid();
    await act(place, { workspace });
    const other = await act(place, { workspace, fields: 'name,modified_at' });
    expect(modifiedAfter(manifestOf(other.outputs))).toBeUndefined();
    expect(other.stdout).toMatch(
      /::warning::since: last-run: a full export this time \(the latest export .+ was made with other resources, fields or filters than this step asks for\)/,
    );
    expect(other.summary).toContain('everything (the latest export');
  });
});
