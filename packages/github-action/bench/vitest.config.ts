import { defineConfig } from 'vitest/config';

// Not part of the test suite: run on demand with
// `npx vitest run --config bench/vitest.config.ts` from packages/github-action.
export default defineConfig({
  test: {
    include: ['bench/**/*.bench-test.ts'],
    testTimeout: 600_000,
  },
});
