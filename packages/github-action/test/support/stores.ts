/**
 * One real store (Azurite or radosgw, from @asana-exports/test-stores) per `describe` of the
 * destination e2e tests, started before its tests and stopped after them.
 */
import type { TestStore } from '@asana-exports/test-stores';
import { afterAll, beforeAll, expect } from 'vitest';
import { expectNoSecrets, type World } from './fixtures.js';
import type { ActionRun } from './runner.js';

/** Starts the store in `beforeAll`; the getter returns it once started. */
export function useStore(start: () => Promise<TestStore>): () => TestStore {
  let store: TestStore | undefined;
  beforeAll(async () => {
    store = await start();
  }, 180_000);
  afterAll(async () => {
    await store?.stop();
  });
  return () => {
    if (store === undefined) throw new Error('the test store is not started yet');
    return store;
  };
}

/** The store's endpoint as the action's input (`s3-endpoint` / `azure-endpoint`). */
export function endpointInput(store: TestStore): Record<string, string> {
  return { [(store.args[0] ?? '').replace(/^--/, '')]: store.args[1] ?? '' };
}

/**
 * One run of the built action with `destination: place` in a new workflow run, `inputs` over the
 * store's endpoint and `env` over the store's: no secret printed, and no artifact (the bucket
 * keeps everything).
 */
export async function actAtDestination(
  world: World,
  store: TestStore,
  place: string,
  inputs: Record<string, string>,
  env: Record<string, string> = {},
): Promise<ActionRun> {
  const run = world.newRun();
  const result = await world.act(
    run,
    { destination: place, 'github-token': '', ...endpointInput(store), ...inputs },
    { env: { ...store.env, ...env } },
  );
  expectNoSecrets(result, [world.sandbox.token, ...store.secrets]);
  expect(world.service.finished(run)).toEqual([]);
  return result;
}
