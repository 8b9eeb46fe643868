// Entry point of the bundled action (dist/index.js).
import { run } from './run.js';

const controller = new AbortController();
// The runner sends SIGINT when the job is cancelled, then SIGTERM: stop waiting, keep nothing.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => controller.abort(new Error(`received ${signal}`)));
}

await run({ env: process.env, signal: controller.signal });
