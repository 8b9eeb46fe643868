/**
 * One real store (Azurite or radosgw, from @asana-exports/test-stores) per `describe` of the
 * destination e2e tests, started before its tests and stopped after them.
 */
import type { TestStore } from '@asana-exports/test-stores';
import { afterAll, beforeAll } from 'vitest';

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
