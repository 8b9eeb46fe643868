import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionTags } from '../src/action-tags.js';
import { runCli, tempDir } from './support/cli.js';

describe('action tags', () => {
  it('tags a first release and creates its major', () => {
    expect(actionTags('1.0.0', [])).toEqual({
      release: 'v1.0.0',
      major: 'v1',
      majorKept: undefined,
    });
  });

  it('moves the major to each newer stable release', () => {
    expect(actionTags('1.10.0', ['v1', 'v1.0.0', 'v1.9.3'])).toMatchObject({
      release: 'v1.10.0',
      major: 'v1',
    });
    expect(actionTags('2.0.0', ['v1', 'v1.10.0'])).toMatchObject({
      release: 'v2.0.0',
      major: 'v2',
    });
  });

  it('refuses a version whose tag exists, since a release tag never moves', () => {
    expect(() => actionTags('1.2.0', ['v1.2.0', 'v1'])).toThrow(
      /v1\.2\.0 already exists in the action repository.*bump the version with a changeset/,
    );
  });

  it('leaves the major alone for a prerelease', () => {
    expect(actionTags('2.0.0-rc.1', ['v1', 'v1.4.0'])).toEqual({
      release: 'v2.0.0-rc.1',
      major: undefined,
      majorKept: 'v2.0.0-rc.1 is a prerelease',
    });
  });

  it('keeps the major on a newer minor when a fix for an older one is released', () => {
    // 1.10.0 is newer than 1.9.4 although it sorts before it as text.
    expect(actionTags('1.9.4', ['v1.9.3', 'v1.10.0', 'v2.0.0'])).toEqual({
      release: 'v1.9.4',
      major: undefined,
      majorKept: 'v1 stays on the newer v1.10.0',
    });
    // A newer prerelease does not hold the major back.
    expect(actionTags('1.9.4', ['v1.9.3', 'v1.10.0-beta.1'])).toMatchObject({ major: 'v1' });
  });

  it('reads the lines of git ls-remote --tags, peeled entries included', () => {
    const lines = [
      '0123456789abcdef0123456789abcdef01234567\trefs/tags/v1.0.0',
      '89abcdef0123456789abcdef0123456789abcdef\trefs/tags/v1.0.0^{}',
      '0123456789abcdef0123456789abcdef01234567\trefs/tags/v1',
    ];
    expect(() => actionTags('1.0.0', lines)).toThrow(/v1\.0\.0 already exists/);
    expect(actionTags('1.0.1', lines)).toMatchObject({ release: 'v1.0.1', major: 'v1' });
  });

  it('refuses a version that is not X.Y.Z, naming where it comes from', () => {
    expect(() => actionTags('1.0', [])).toThrow(
      'version "1.0" is not semantic versioning (X.Y.Z): fix "version" in packages/github-action/package.json.',
    );
    expect(() => actionTags('v1.0.0', [])).toThrow(/not semantic versioning/);
  });
});

describe('action-tags, the script', () => {
  it("reads the action package's version and the tags from stdin, and writes the outputs", async () => {
    const dir = tempDir('action-tags-');
    await writeFile(join(dir, 'package.json'), JSON.stringify({ version: '1.3.0' }));
    const run = await runCli(
      'action-tags',
      ['--tags-from', '-', '--package', join(dir, 'package.json')],
      {
        stdin: 'aaaa\trefs/tags/v1.2.0\naaaa\trefs/tags/v1\n',
      },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('v1.3.0, and v1 moved to it\n');
    expect(run.outputs).toEqual({ tag: 'v1.3.0', major: 'v1', tags: 'v1.3.0 v1' });
  });

  it('outputs an empty major when it stays, from a file of tag names', async () => {
    const dir = tempDir('action-tags-');
    await writeFile(join(dir, 'tags.txt'), 'v1\nv1.4.0\n');
    const run = await runCli('action-tags', [
      '--tags-from',
      join(dir, 'tags.txt'),
      '--version',
      '1.3.1',
    ]);
    expect(run.code).toBe(0);
    expect(run.outputs).toEqual({ tag: 'v1.3.1', major: '', tags: 'v1.3.1' });
  });

  it('fails with one line, and no outputs, when the tag exists', async () => {
    const run = await runCli('action-tags', ['--tags-from', '-', '--version', '1.2.0'], {
      stdin: 'v1.2.0\n',
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^action-tags: v1\.2\.0 already exists in the action repository/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.outputs).toEqual({});
  });

  it('says what is missing when called without the tags', async () => {
    const run = await runCli('action-tags', ['--version', '1.2.0']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^action-tags: --tags-from is required/);
  });
});
