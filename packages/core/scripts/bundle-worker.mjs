// Bundles the record-counting worker into one self-contained file over tsc's output, so that the
// file alone can be copied beside code that loads it with `new URL('./record-counter-worker.js',
// import.meta.url)`. The bundles of the action and the CLI build it from its source instead, as an
// entry point of their own beside their index.
import { join } from 'node:path';
import { build } from 'esbuild';

const dist = join(import.meta.dirname, '../dist/node');
await build({
  entryPoints: [join(import.meta.dirname, '../src/node/record-counter-worker.ts')],
  outfile: join(dist, 'record-counter-worker.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  allowOverwrite: true,
  legalComments: 'none',
  logLevel: 'warning',
});
