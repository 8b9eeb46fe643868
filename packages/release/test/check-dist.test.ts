import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './support/cli.js';

const git = promisify(execFile);

/** A repository whose committed bundle is dist/index.js and dist/licenses.txt. */
async function repositoryWithDist(): Promise<string> {
  const root = tempDir('check-dist-');
  await mkdir(join(root, 'dist'));
  await writeFile(join(root, 'dist/index.js'), 'console.log(1);\n');
  await writeFile(join(root, 'dist/licenses.txt'), 'MIT\n');
  await writeFile(join(root, 'README.md'), 'not the bundle\n');
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@t',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@t',
  };
  await git('git', ['init', '-q'], { cwd: root });
  await git('git', ['add', '.'], { cwd: root });
  await git('git', ['commit', '-q', '-m', 'bundle'], { cwd: root, env });
  return root;
}

describe('check-dist', () => {
  it('passes when the rebuilt bundle is the committed one, whatever else changed', async () => {
    const root = await repositoryWithDist();
    await writeFile(join(root, 'README.md'), 'edited\n');
    const run = await runCli('check-dist', ['--dir', 'dist'], { cwd: root });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('dist is what the source builds\n');
  });

  it('fails listing changed, deleted and new files, and says how to fix it', async () => {
    const root = await repositoryWithDist();
    await writeFile(join(root, 'dist/index.js'), 'console.log(2);\n');
    await rm(join(root, 'dist/licenses.txt'));
    await mkdir(join(root, 'dist/chunks'));
    await writeFile(join(root, 'dist/chunks/709.js'), 'new chunk\n');
    const run = await runCli('check-dist', ['--dir', 'dist'], { cwd: root });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      [
        'check-dist: dist is not what the source builds (3 files):',
        '  changed dist/index.js',
        '  deleted dist/licenses.txt',
        '  new dist/chunks/709.js',
        'Run `pnpm --filter @asana-exports/github-action build` and commit dist.',
        '',
      ].join('\n'),
    );
  });

  it('says it needs a clone when run outside one', async () => {
    const root = tempDir('check-dist-');
    const run = await runCli('check-dist', ['--dir', 'dist'], {
      cwd: root,
      env: { GIT_CEILING_DIRECTORIES: tmpdir() },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^check-dist: git status failed in \.: .*not a git repository.*Run from a clone of the repository\.\n$/s,
    );
  });
});
