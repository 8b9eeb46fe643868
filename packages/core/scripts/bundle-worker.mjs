// Bundles the record-counting worker into one self-contained file over tsc's output. Bundlers
// that ship `new URL('./record-counter-worker.js', import.meta.url)` copy the file as an asset
// without following its imports (ncc does, for the action), so it must import nothing of ours.
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
