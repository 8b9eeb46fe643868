/**
 * dist/ is what GitHub runs, so it is committed; this fails when it is not what the current
 * source (this package, the core and the locked dependencies) builds. On CI, where the build has
 * just rewritten dist/ in a fresh clone, git tells whether the committed files differ; elsewhere
 * the source is bundled into a temporary directory and compared with dist/ byte for byte.
 */

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const packageDir = join(import.meta.dirname, '..');
const DIST = join(packageDir, 'dist');
const REBUILD = 'run `pnpm --filter @asana-exports/github-action build` and commit dist/';

describe('dist/', () => {
  it('is what the source builds, byte for byte', async () => {
    if (process.env.CI) {
      const changed = execFileSync(
        'git',
        ['status', '--porcelain', '--untracked-files=all', '--', 'dist'],
        { cwd: packageDir, encoding: 'utf8' },
      );
      expect(changed, `dist/ differs from the commit: ${REBUILD}`).toBe('');
      return;
    }
    const out = await mkdtemp(join(tmpdir(), 'asana-action-dist-'));
    try {
      const build = spawnSync(process.execPath, ['scripts/bundle.mjs', out], {
        cwd: packageDir,
        encoding: 'utf8',
      });
      expect(build.status, build.stderr).toBe(0);
      const expected = await filesIn(out);
      expect(await filesIn(DIST), REBUILD).toEqual(expected);
      for (const name of expected) {
        const [built, committed] = await Promise.all([
          readFile(join(out, name)),
          readFile(join(DIST, name)),
        ]);
        expect(committed.equals(built), `dist/${name} is stale: ${REBUILD}`).toBe(true);
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 180_000);
});

/** Every file below `dir` (dist/duckdb/ holds the lock of parquet's install), sorted. */
async function filesIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}
