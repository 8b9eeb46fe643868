/**
 * The notice file checked against esbuild's own list of what it bundled (Node built-ins: see
 * n8n.mts): the package is built again into a temporary folder, with its metafile.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bundledPackages,
  checkNotices,
  type Metafile,
} from '../../../../scripts/third-party-notices.mjs';
import { packageRoot } from './n8n.mts';
import { runInPackage } from './process.mts';

export interface NoticeCheck {
  /** What is wrong with dist/THIRD_PARTY_NOTICES.txt; empty when it is right. */
  readonly problems: string[];
  /** The third-party packages esbuild put in the bundle, as name@version. */
  readonly bundled: string[];
}

export async function checkDistNotices(): Promise<NoticeCheck> {
  const work = await mkdtemp(join(tmpdir(), 'n8n-notices-'));
  try {
    const meta = join(work, 'meta.json');
    const build = runInPackage('node', [
      'scripts/build.mjs',
      join(work, 'dist'),
      '--metafile',
      meta,
    ]);
    if (build.status !== 0) throw new Error(`scripts/build.mjs failed:\n${build.output}`);
    const metafile = JSON.parse(await readFile(meta, 'utf8')) as Metafile;
    const notices = await readFile(join(packageRoot, 'dist', 'THIRD_PARTY_NOTICES.txt'), 'utf8');
    return {
      problems: checkNotices(notices, metafile, { cwd: packageRoot }),
      bundled: bundledPackages(metafile, { cwd: packageRoot }).map(
        (found) => `${found.name}@${found.version}`,
      ),
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
