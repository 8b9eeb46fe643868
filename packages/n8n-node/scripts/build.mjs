// Builds what n8n loads: one CommonJS file per node and credential under dist/, each with the
// core's protocol part and zod bundled in (n8n's rules allow no runtime dependencies), plus the
// icons and the codex file. n8n-workflow stays external: n8n provides it (a peer dependency).
import { cp, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist');

const entryPoints = {
  'nodes/AsanaExport/AsanaExport.node': 'nodes/AsanaExport/AsanaExport.node.ts',
  'credentials/AsanaExportsApi.credentials': 'credentials/AsanaExportsApi.credentials.ts',
  'credentials/AsanaExportsOAuth2Api.credentials':
    'credentials/AsanaExportsOAuth2Api.credentials.ts',
};
const staticFiles = [
  'icons/asana-exports.svg',
  'icons/asana-exports.dark.svg',
  'nodes/AsanaExport/AsanaExport.node.json',
];

/**
 * zod's `z` namespace re-exports all of its ~50 message locales, which esbuild cannot tree-shake;
 * the core uses none but the default (English, which zod imports directly). Only English is kept.
 */
const englishOnlyZodLocales = {
  name: 'english-only-zod-locales',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)$/.test(args.resolveDir)
        ? { path: join(args.resolveDir, '..', 'locales', 'en.js'), namespace: 'zod-locales' }
        : undefined,
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: dirname(args.path),
    }));
  },
};

await rm(dist, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints,
  outdir: dist,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // n8n 1.x runs on Node 20 and 22, n8n 2.x on Node 22 and 24.
  target: 'node20',
  external: ['n8n-workflow'],
  // n8n's scanner rejects any use of globalThis, and zod's only ones are its shared config and
  // registry: they get a bundle-local object instead (scripts/bundle-globals.mjs).
  define: { globalThis: 'bundleGlobals' },
  inject: ['scripts/bundle-globals.mjs'],
  // The package's own `exports` conditions: the core is ESM, bundled into CJS here.
  mainFields: ['module', 'main'],
  conditions: ['node'],
  // No source maps: they pointed at sources the tarball does not ship (342 KB of dead links).
  sourcemap: false,
  legalComments: 'eof',
  logLevel: 'warning',
  metafile: false,
  plugins: [englishOnlyZodLocales],
});
for (const file of staticFiles) {
  const target = join(dist, file);
  await mkdir(dirname(target), { recursive: true });
  await cp(join(root, file), target);
}
