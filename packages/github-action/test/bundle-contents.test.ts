/**
 * What the bundle holds, read from esbuild's own list of bundled modules (its metafile, from a
 * fresh build into a temporary directory): dist/THIRD_PARTY_NOTICES.txt names every third-party
 * package in it with the licence text that package ships, and nothing else; one copy of undici.
 * That dist/ is what the source builds, byte for byte, is test/dist.test.ts.
 */

import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bundledPackages,
  checkNotices,
  type Metafile,
  thirdPartyNotices,
} from '../../../scripts/third-party-notices.mjs';

const packageDir = join(import.meta.dirname, '..');
const NOTICES = join(packageDir, 'dist', 'THIRD_PARTY_NOTICES.txt');

let work: string;
let metafile: Metafile;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'asana-action-bundle-'));
  const build = spawnSync(
    process.execPath,
    ['scripts/bundle.mjs', join(work, 'dist'), '--metafile', join(work, 'meta.json')],
    { cwd: packageDir, encoding: 'utf8' },
  );
  expect(build.status, build.stderr).toBe(0);
  metafile = JSON.parse(await readFile(join(work, 'meta.json'), 'utf8')) as Metafile;
}, 120_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('dist/THIRD_PARTY_NOTICES.txt', () => {
  it('lists every bundled package with the licence text it ships, and nothing else', async () => {
    const notices = await readFile(NOTICES, 'utf8');
    expect(checkNotices(notices, metafile, { cwd: packageDir })).toEqual([]);
    // The packages the issue found missing from ncc's licenses.txt, and none of ours.
    for (const name of [
      'undici',
      'zod',
      'yaml',
      '@actions/core',
      '@octokit/rest',
      '@azure/core-xml',
    ]) {
      expect(notices).toMatch(new RegExp(`^- ${name.replace('/', '\\/')}@\\d`, 'm'));
    }
    expect(notices).not.toContain('@asana-exports/');
  });

  it('fails the check when a package is left out, one is listed that is not bundled, or a licence text is not the one shipped', async () => {
    const notices = await readFile(NOTICES, 'utf8');
    const undici = bundledPackages(metafile, { cwd: packageDir }).find(
      (found) => found.name === 'undici',
    );
    if (undici === undefined) throw new Error('the bundle has no undici');
    const id = `undici@${undici.version}`;
    // The same bundle as a list of the inputs that put code in it, but without undici's.
    const withoutUndici = Object.values(metafile.outputs).flatMap((output) =>
      Object.entries(output.inputs)
        .filter(([path, input]) => input.bytesInOutput > 0 && !path.includes('/undici@'))
        .map(([path]) => path),
    );
    const noticesWithoutUndici = thirdPartyNotices(withoutUndici, { cwd: packageDir, title: 'x' });
    expect(checkNotices(noticesWithoutUndici, metafile, { cwd: packageDir })).toEqual([
      'the list at the top is not the sorted list of the bundled packages',
      `bundled but not listed: ${id} (MIT)`,
    ]);
    expect(checkNotices(notices, withoutUndici, { cwd: packageDir })).toEqual([
      'the list at the top is not the sorted list of the bundled packages',
      `listed but not bundled: ${id} (MIT)`,
    ]);
    const edited = notices.replace('Copyright (c) Matteo Collina', 'Copyright (c) Someone Else');
    expect(edited).not.toBe(notices);
    expect(checkNotices(edited, metafile, { cwd: packageDir })).toEqual([
      `listed with a licence text other than the one it ships: ${id} (MIT)`,
    ]);
  });

  it('names the package that ships no licence text, and where to put one', async () => {
    const dir = join(work, 'node_modules', 'no-licence-here');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'package.json'), '{"name":"no-licence-here","version":"1.2.3"}');
    await writeFile(join(dir, 'index.js'), 'module.exports = 1;\n');
    expect(() =>
      thirdPartyNotices(['node_modules/no-licence-here/index.js'], { cwd: work, title: 'x' }),
    ).toThrow(
      /^no-licence-here@1\.2\.3 \(.+\) is bundled but ships no LICENSE, LICENCE or COPYING file, and scripts\/third-party-licences\/no-licence-here\.txt does not exist/,
    );
  });
});

describe('the bundle', () => {
  it('holds one copy of undici, for the core and @actions/* alike', () => {
    const undici = bundledPackages(metafile, { cwd: packageDir }).filter(
      (found) => found.name === 'undici',
    );
    expect(undici.map((found) => found.version)).toHaveLength(1);
  });

  it('builds the record-counting and diff workers beside index.js, where the core looks for them', async () => {
    const index = await readFile(join(work, 'dist', 'index.js'), 'utf8');
    expect(index).toContain('new URL("./record-counter-worker.js", import.meta.url)');
    expect(index).toContain('new URL("./diff-worker.js", import.meta.url)');
    expect(Object.keys(metafile.outputs).map((path) => path.replace(/.*\//, ''))).toEqual(
      expect.arrayContaining(['index.js', 'record-counter-worker.js', 'diff-worker.js']),
    );
  });
});
