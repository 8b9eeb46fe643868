import { defineProject } from 'vitest/config';

export default defineProject({
  // n8n-workflow ships source maps without their sources: vite would warn once per file.
  logLevel: 'error',
  test: {
    name: 'n8n-node',
    include: ['test/**/*.test.ts'],
    // The end-to-end tests start a real n8n for each workflow run (a few seconds each).
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
