// Bundles the action and its dependencies into one directory (dist/ by default) with ncc, the
// way GitHub runs it: `node dist/index.js`, no node_modules. The output is deterministic, so the
// committed dist/ can be checked against the source (test/dist.test.ts).
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const packageDir = join(import.meta.dirname, '..');
const outDir = resolve(packageDir, process.argv[2] ?? 'dist');
const ncc = createRequire(import.meta.url).resolve('@vercel/ncc/dist/ncc/cli.js');

// Start empty: a chunk left over from an earlier build must not linger in dist/.
rmSync(outDir, { recursive: true, force: true });
const result = spawnSync(
  process.execPath,
  [
    ncc,
    'build',
    'src/main.ts',
    '--out',
    outDir,
    '--license',
    'licenses.txt',
    '--minify',
    '--target',
    'es2023',
    '--no-source-map-register',
    '--quiet',
  ],
  { cwd: packageDir, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
