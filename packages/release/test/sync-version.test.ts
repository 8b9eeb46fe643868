import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RELEASED_PACKAGES } from '../src/sync-version.js';
import { REPOSITORY_ROOT, runCli, tempDir } from './support/cli.js';

const FILES = [
  ...RELEASED_PACKAGES.map((dir) => `packages/${dir}/package.json`),
  'packages/core/package.json',
  'packages/core/src/protocol/version.ts',
];

/** A copy of the files the script reads, from this repository, with the released versions set. */
async function repositoryWith(versions: readonly string[]): Promise<string> {
  const root = tempDir('sync-version-');
  for (const file of FILES) {
    await mkdir(dirname(join(root, file)), { recursive: true });
    await cp(join(REPOSITORY_ROOT, file), join(root, file));
  }
  for (const [index, dir] of RELEASED_PACKAGES.entries()) {
    const file = join(root, `packages/${dir}/package.json`);
    const pkg = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    await writeFile(file, JSON.stringify({ ...pkg, version: versions[index] }, null, 2));
  }
  return root;
}

describe('sync-version', () => {
  it('gives the core the version the released packages share', async () => {
    const root = await repositoryWith(['1.2.3', '1.2.3', '1.2.3']);
    const run = await runCli('sync-version', ['--root', root]);
    expect(run.code, run.stderr).toBe(0);
    const core = JSON.parse(await readFile(join(root, 'packages/core/package.json'), 'utf8'));
    expect(core.version).toBe('1.2.3');
    const module = await readFile(join(root, 'packages/core/src/protocol/version.ts'), 'utf8');
    expect(module).toContain("export const TOOL_VERSION = '1.2.3';");
    expect(run.stdout).toBe(
      '1.2.3: written to packages/core/package.json, packages/core/src/protocol/version.ts\n',
    );
    // A second run finds nothing to do.
    expect((await runCli('sync-version', ['--root', root])).stdout).toBe(
      '1.2.3: the core already has it\n',
    );
  });

  it('refuses released packages that went apart, naming each version', async () => {
    const root = await repositoryWith(['1.2.3', '1.3.0', '1.2.3']);
    const run = await runCli('sync-version', ['--root', root]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'sync-version: The released packages must share one version: packages/cli/package.json has "1.2.3", packages/n8n-node/package.json has "1.3.0", packages/github-action/package.json has "1.2.3". Put them in one "fixed" group in .changeset/config.json.\n',
    );
  });

  it('holds for this repository: the released packages and the core share one version', async () => {
    const versions = await Promise.all(
      FILES.filter((file) => file.endsWith('package.json')).map(
        async (file) => JSON.parse(await readFile(join(REPOSITORY_ROOT, file), 'utf8')).version,
      ),
    );
    expect(new Set(versions).size, versions.join(', ')).toBe(1);
  });
});
