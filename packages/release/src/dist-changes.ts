/**
 * Whether a rebuilt bundle is the one committed: what `git status` sees under the bundle's folder
 * after a build (changed, deleted or new files), so a pull request whose dist/ was not rebuilt,
 * or was edited by hand, fails before it can be released.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ReleaseError } from './problems.js';

const run = promisify(execFile);

export interface DistChange {
  /** git's two-letter status: ` M` changed, ` D` deleted, `??` new. */
  readonly status: string;
  readonly path: string;
}

export async function distChanges(repository: string, dir: string): Promise<DistChange[]> {
  let stdout: string;
  try {
    ({ stdout } = await run(
      'git',
      ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', dir],
      { cwd: repository, maxBuffer: 64 * 1024 * 1024 },
    ));
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new ReleaseError(
      `git status failed in ${repository}${stderr ? `: ${stderr}` : ''}. Run from a clone of the repository.`,
    );
  }
  return stdout
    .split('\0')
    .filter((entry) => entry.length > 3)
    .map((entry) => ({ status: entry.slice(0, 2), path: entry.slice(3) }));
}
