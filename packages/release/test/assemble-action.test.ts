import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { assembleAction } from '../src/assemble-action.js';
import { releaseReadme, SOURCE_SECTION } from '../src/release-readme.js';
import { REPOSITORY_ROOT, runCli, tempDir } from './support/cli.js';

const ACTION_DIR = join(REPOSITORY_ROOT, 'packages/github-action');
const LICENSE = join(REPOSITORY_ROOT, 'LICENSE');

/** A small action package, with the real action.yml changed by `edit`. */
async function fixtureAction(edit: (text: string) => string = (text) => text): Promise<string> {
  const dir = tempDir('assemble-action-');
  await mkdir(join(dir, 'dist'));
  await writeFile(join(dir, 'dist/index.js'), 'console.log("bundle");\n');
  await writeFile(join(dir, 'README.md'), '# Fixture\n\nSee [the tests](test/main.test.ts).\n');
  await writeFile(
    join(dir, 'action.yml'),
    edit(await readFile(join(ACTION_DIR, 'action.yml'), 'utf8')),
  );
  return dir;
}

async function treeOf(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

describe('assemble-action', () => {
  it('lays out the release repository: action.yml at the root running dist/index.js, README, LICENSE', async () => {
    const out = join(tempDir('assemble-action-'), 'asana-export-action');
    const result = await assembleAction({ actionDir: ACTION_DIR, license: LICENSE, out });
    const tree = await treeOf(out);
    expect(tree).toEqual(result.files);
    expect(tree).toEqual(
      expect.arrayContaining(['action.yml', 'LICENSE', 'README.md', 'dist/index.js']),
    );
    expect(tree.filter((file) => !file.startsWith('dist/'))).toEqual([
      'LICENSE',
      'README.md',
      'action.yml',
    ]);
    expect(tree.some((file) => file.startsWith('.github/'))).toBe(false);
    const metadata = parse(await readFile(join(out, 'action.yml'), 'utf8'));
    expect(metadata.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(await readFile(join(out, 'action.yml'), 'utf8')).toBe(
      await readFile(join(ACTION_DIR, 'action.yml'), 'utf8'),
    );
    expect(await readFile(join(out, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
    expect(await readFile(join(out, 'dist/index.js'))).toEqual(
      await readFile(join(ACTION_DIR, 'dist/index.js')),
    );
    const readme = await readFile(join(out, 'README.md'), 'utf8');
    expect(readme).toContain('uses: asana-exports/asana-export-action@v1');
    expect(readme).not.toContain('## Development');
    expect(readme).toContain(SOURCE_SECTION);
  });

  it('writes into a clone of the action repository whose files were removed (.git alone)', async () => {
    const out = tempDir('assemble-action-');
    await mkdir(join(out, '.git'));
    await writeFile(join(out, '.git/HEAD'), 'ref: refs/heads/main\n');
    await assembleAction({ actionDir: await fixtureAction(), license: LICENSE, out });
    expect(await treeOf(out)).toEqual([
      '.git/HEAD',
      'LICENSE',
      'README.md',
      'action.yml',
      'dist/index.js',
    ]);
  });

  it('refuses a folder that holds anything else, and writes nothing', async () => {
    const out = tempDir('assemble-action-');
    await writeFile(join(out, 'old.txt'), 'left over');
    await expect(
      assembleAction({ actionDir: await fixtureAction(), license: LICENSE, out }),
    ).rejects.toThrow(/is not empty \(it holds old\.txt\): pass a new folder, or a clone/);
    expect(await treeOf(out)).toEqual(['old.txt']);
  });

  it('checks the Marketplace rules before writing anything', async () => {
    const actionDir = await fixtureAction((text) =>
      text
        .replace(/^description: >-\n( {2}.*\n)+/m, `description: ${'x'.repeat(170)}\n`)
        .replace(/^branding:\n( {2}.*\n)+/m, ''),
    );
    const out = join(tempDir('assemble-action-'), 'out');
    const failure = assembleAction({ actionDir, license: LICENSE, out });
    await expect(failure).rejects.toThrow(
      /action\.yml:\d+:1: description is 170 characters; the Marketplace takes at most 124: shorten it \[marketplace\]/,
    );
    await expect(failure).rejects.toThrow(/branding\.icon is required/);
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
  });

  it('refuses metadata whose runs.main is not the bundle', async () => {
    const actionDir = await fixtureAction((text) =>
      text.replace('main: dist/index.js', 'main: lib/main.js'),
    );
    await expect(
      assembleAction({
        actionDir,
        license: LICENSE,
        out: join(tempDir('assemble-action-'), 'out'),
      }),
    ).rejects.toThrow(
      /runs\.main is lib\/main\.js; the release layout ships the bundle as dist\/index\.js \[layout\]/,
    );
  });

  it('refuses an action whose bundle was not built', async () => {
    const actionDir = await fixtureAction();
    await writeFile(join(actionDir, 'dist/index.js'), '');
    const { rm } = await import('node:fs/promises');
    await rm(join(actionDir, 'dist'), { recursive: true });
    await expect(
      assembleAction({
        actionDir,
        license: LICENSE,
        out: join(tempDir('assemble-action-'), 'out'),
      }),
    ).rejects.toThrow(/dist\/index\.js is missing: build the action first/);
  });

  it('points relative links of the README at the monorepo', () => {
    const readme = releaseReadme(
      '# A\n\n[tests](test/main.test.ts), [up](../core/README.md), [web](https://x.dev), [here](#a)\n',
    );
    expect(readme).toContain(
      '[tests](https://github.com/asana-exports/asana-exports/blob/main/packages/github-action/test/main.test.ts)',
    );
    expect(readme).toContain(
      '[up](https://github.com/asana-exports/asana-exports/blob/main/packages/core/README.md)',
    );
    expect(readme).toContain('[web](https://x.dev), [here](#a)');
    expect(readme.endsWith(`\n\n${SOURCE_SECTION}`)).toBe(true);
  });

  it('replaces the development section, wherever it is, with where the source lives', () => {
    const readme = releaseReadme('# A\n\n## Development\n\nRun pnpm.\n\n## Logs\n\nLines.\n');
    expect(readme).toBe(`# A\n\n${SOURCE_SECTION}\n## Logs\n\nLines.\n`);
  });

  it('as a script: one line saying what it wrote, or one line saying why not', async () => {
    const out = join(tempDir('assemble-action-'), 'out');
    const done = await runCli('assemble-action', ['--out', out]);
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(
      /^asana-exports\/asana-export-action \(Asana export\) assembled in .+: action\.yml, README\.md, LICENSE and \d+ files in dist\/, \d+ bytes\n$/,
    );
    expect(done.outputs).toEqual({ dir: out });
    const refused = await runCli('assemble-action', ['--out', out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^assemble-action: .+ is not empty/);
    const missing = await runCli('assemble-action', []);
    expect(missing.stderr).toBe(
      'assemble-action: --out is required: the folder to write the action repository into.\n',
    );
  });
});
