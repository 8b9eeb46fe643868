// Bundles what `npm install asana-export` ships: the CLI, the sandbox's CLI and the core's
// record-counting worker, with undici and zod inside, so the package has one dependency only:
// DuckDB (`@duckdb/node-api`), which `load` imports when it runs and which cannot be bundled (a
// native binary, one optional package per platform); every other command starts without it. The sources are the core's and the
// sandbox's own; ESM with code splitting, so the CLI's entry point checks the Node.js version
// before the chunk that loads undici is imported.
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { thirdPartyNotices } from '../../../scripts/third-party-notices.mjs';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist');
/** What went into each output file: the notices and the tests read it; the tarball does not ship it. */
const metafilePath = join(root, 'build', 'metafile.json');

await rm(dist, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: {
    'asana-export': '../core/src/cli/main.ts',
    'asana-export-sandbox': '../sandbox/src/cli.ts',
    // Loaded with `new URL('./record-counter-worker.js', import.meta.url)` from the chunk that
    // counts records: every file sits flat in dist/, so the URL finds it.
    'record-counter-worker': '../core/src/node/record-counter-worker.ts',
    // The diff's second thread, found the same way (`./diff-worker.js`).
    'diff-worker': '../core/src/node/diff-worker.ts',
  },
  outdir: dist,
  chunkNames: '[name]-[hash]',
  bundle: true,
  // Native: installed beside the bundle as the package's dependency (see package.json).
  external: ['@duckdb/node-api'],
  splitting: true,
  platform: 'node',
  format: 'esm',
  // The `engines` floor: undici 8, bundled here, needs Node.js 22.19.
  target: 'node22.19',
  // undici is CommonJS: its `require` of Node's built-ins needs a real `require` in ESM.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
  },
  sourcemap: false,
  // Bundled code keeps its own copyright lines (undici's copies of ws and formdata-polyfill).
  legalComments: 'eof',
  logLevel: 'warning',
  metafile: true,
});
await writeFile(
  join(dist, 'THIRD_PARTY_NOTICES.txt'),
  thirdPartyNotices(result.metafile, {
    cwd: root,
    title: 'asana-export: the bundled files in dist/',
  }),
);
// The JSON Schema files of the export records (the core's, generated from its record-schemas.ts),
// for those who load or check an export with tools of their own.
await cp(join(root, '../core/schemas'), join(dist, 'schemas'), { recursive: true });
await mkdir(join(root, 'build'), { recursive: true });
await writeFile(metafilePath, `${JSON.stringify(result.metafile, null, 2)}\n`);
