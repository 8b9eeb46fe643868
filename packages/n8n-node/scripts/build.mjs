// Builds what n8n loads: one CommonJS file per node and credential under dist/, each with the
// core's protocol part and zod/mini bundled in (n8n's rules allow no runtime dependencies), plus
// the icons, the codex file and the notice file of every bundled package. n8n-workflow stays
// external: n8n provides it (a peer dependency).
//
//   node scripts/build.mjs [out-dir] [--metafile <file>]
//
// --metafile also writes esbuild's list of bundled modules, which test/notices.test.ts checks the
// notice file against.
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { thirdPartyNotices } from '../../../scripts/third-party-notices.mjs';

const root = join(import.meta.dirname, '..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { metafile: { type: 'string' } },
});
const dist = resolve(root, positionals[0] ?? 'dist');

const entryPoints = {
  'nodes/AsanaExport/AsanaExport.node': 'nodes/AsanaExport/AsanaExport.node.ts',
  'credentials/AsanaExportsApi.credentials': 'credentials/AsanaExportsApi.credentials.ts',
  'credentials/AsanaExportsOAuth2Api.credentials':
    'credentials/AsanaExportsOAuth2Api.credentials.ts',
  'credentials/AsanaExportsS3Api.credentials': 'credentials/AsanaExportsS3Api.credentials.ts',
  'credentials/AsanaExportsAzureBlobApi.credentials':
    'credentials/AsanaExportsAzureBlobApi.credentials.ts',
};
const staticFiles = [
  'icons/asana-exports.svg',
  'icons/asana-exports.dark.svg',
  'nodes/AsanaExport/AsanaExport.node.json',
];

await rm(dist, { recursive: true, force: true });
const { metafile } = await build({
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
  metafile: true,
});
for (const file of staticFiles) {
  const target = join(dist, file);
  await mkdir(dirname(target), { recursive: true });
  await cp(join(root, file), target);
}
await writeFile(
  join(dist, 'THIRD_PARTY_NOTICES.txt'),
  thirdPartyNotices(metafile, {
    cwd: root,
    title: 'n8n-nodes-asana-exports: the node and credentials under dist/',
  }),
);
if (values.metafile !== undefined) await writeFile(values.metafile, JSON.stringify(metafile));
