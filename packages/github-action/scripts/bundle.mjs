// Bundles the action and its dependencies into one directory (dist/ by default) with esbuild, the
// way GitHub runs it: `node dist/index.js`, no node_modules. Beside it: the core's record-counting
// and diff workers, the notice file of every bundled package, the lock of the DuckDB install that
// `parquet: true` makes (duckdb/), and a package.json that makes Node read the bundle as ESM (the action's repository has none at its root). The output is deterministic, so
// the committed dist/ can be checked against the source (test/dist.test.ts).
//
//   node scripts/bundle.mjs [out-dir] [--metafile <file>]
//
// --metafile also writes esbuild's list of bundled modules, which test/bundle-contents.test.ts
// checks the notice file against.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { thirdPartyNotices } from '../../../scripts/third-party-notices.mjs';

const packageDir = join(import.meta.dirname, '..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { metafile: { type: 'string' } },
});
const outDir = resolve(packageDir, positionals[0] ?? 'dist');
const coreDir = dirname(createRequire(import.meta.url).resolve('@asana-exports/core/package.json'));

// Start empty: a file left over from an earlier build must not linger in dist/.
rmSync(outDir, { recursive: true, force: true });
const { metafile } = await build({
  absWorkingDir: packageDir,
  entryPoints: {
    index: 'src/main.ts',
    // The core starts it as `new URL('./record-counter-worker.js', import.meta.url)`: beside
    // index.js. Built from its source, so that what it bundles is in the metafile too.
    'record-counter-worker': join(coreDir, 'src/node/record-counter-worker.ts'),
    // The second thread of `compare: last-run`'s diff, found the same way (`./diff-worker.js`).
    'diff-worker': join(coreDir, 'src/node/diff-worker.ts'),
  },
  outdir: outDir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  // Not minified: dist/ is committed so that a pull request's diff shows what will run. No source
  // map either: the bundle is readable as it is, with each module's path in a comment above it.
  minify: false,
  sourcemap: false,
  // undici and the Azure SDK's dependencies are CommonJS: their `require` of Node's built-ins
  // needs a real `require` in an ES module.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
  },
  // Copyright lines found in the sources (ws and formdata-polyfill inside undici, say) stay, at
  // the end of the file; the licence texts are in THIRD_PARTY_NOTICES.txt.
  legalComments: 'eof',
  // DuckDB's native binding (tens of MB a platform) stays out of dist/: `parquet: true` installs
  // it from the npm registry with the lock copied below, and imports it from the tool cache.
  external: ['@duckdb/node-api'],
  metafile: true,
  logLevel: 'warning',
});

// Every file the bundle finds through `new URL('./…', import.meta.url)` must be beside it, or the
// code falls back (the record counter counts on the main thread) or fails where it runs.
for (const output of Object.keys(metafile.outputs)) {
  const code = readFileSync(resolve(packageDir, output), 'utf8');
  for (const [, asset] of code.matchAll(/new URL\("(\.\/[^"]+)", import\.meta\.url\)/g)) {
    const path = resolve(dirname(resolve(packageDir, output)), asset);
    if (!Object.keys(metafile.outputs).some((file) => resolve(packageDir, file) === path)) {
      throw new Error(`${output} loads ${asset}, which the bundle does not build`);
    }
  }
}

mkdirSync(join(outDir, 'duckdb'));
for (const file of ['package.json', 'package-lock.json']) {
  copyFileSync(join(packageDir, 'duckdb', file), join(outDir, 'duckdb', file));
}
writeFileSync(join(outDir, 'package.json'), `${JSON.stringify({ type: 'module' }, null, 2)}\n`);
writeFileSync(
  join(outDir, 'THIRD_PARTY_NOTICES.txt'),
  thirdPartyNotices(metafile, {
    cwd: packageDir,
    title:
      'Asana export action: dist/index.js, dist/record-counter-worker.js and dist/diff-worker.js',
  }),
);
if (values.metafile !== undefined) writeFileSync(values.metafile, JSON.stringify(metafile));
