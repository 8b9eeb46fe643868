import { describe, expect, it } from 'vitest';
import { fileExists, pathJoin } from './support/files.mts';
import { packageRoot } from './support/n8n.mts';
import { readPackageFile, runInPackage } from './support/process.mts';

/**
 * What n8n needs to install and load the package, and what its rules for community nodes demand
 * (the strict, n8n Cloud lint and the scanner's checks). Runs after the build (scripts/bootstrap.sh).
 */
const manifest = JSON.parse(readPackageFile('package.json')) as {
  name: string;
  license: string;
  keywords: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies: Record<string, string>;
  n8n: { n8nNodesApiVersion: number; strict: boolean; nodes: string[]; credentials: string[] };
  files: string[];
  homepage: string;
  scripts: Record<string, string>;
  main?: string;
  type?: string;
};

describe('package.json', () => {
  it('is a community node package as n8n lays them out', () => {
    expect(manifest.name).toBe('n8n-nodes-asana-exports');
    expect(manifest.keywords).toContain('n8n-community-node-package');
    expect(manifest.license).toBe('MIT');
    expect(manifest.files).toEqual(['dist']);
    expect(manifest.type).toBeUndefined(); // CommonJS, as n8n loads it
    expect(manifest.n8n).toMatchObject({ n8nNodesApiVersion: 1, strict: true });
  });

  it('has no runtime dependencies, and only n8n-workflow as a peer', () => {
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.peerDependencies).toEqual({ 'n8n-workflow': '*' });
    // Pinned, so that type checks and lint are reproducible.
    for (const name of ['n8n-workflow', '@n8n/node-cli', 'eslint', '@n8n/scan-community-package']) {
      expect(manifest.devDependencies[name]).toMatch(/^\d+\.\d+\.\d+$/);
    }
  });

  it('lists built files that exist, and the build bundled the core', () => {
    for (const file of [...manifest.n8n.nodes, ...manifest.n8n.credentials]) {
      const requires = [...readPackageFile(file).matchAll(/require\("([^"]+)"\)/g)].map(
        (m) => m[1],
      );
      expect(requires.every((name) => name === 'n8n-workflow' || name === 'node:crypto')).toBe(
        true,
      );
    }
    const node = readPackageFile(manifest.n8n.nodes[0] ?? '');
    expect(node).toContain('require("n8n-workflow")');
    expect(node).toContain('Asana answered');
    expect(node).not.toMatch(/\bglobalThis\b|\bprocess\.|\bsetTimeout\(/);
    expect(readPackageFile('dist/nodes/AsanaExport/AsanaExport.node.json')).toContain(
      '"codexVersion"',
    );
    expect(readPackageFile('dist/icons/asana-exports.svg')).toContain('<svg');
  });
});

/** GitHub links of this repository, as the files they point at on disk. */
const REPOSITORY = 'https://github.com/asana-exports/asana-exports/';
function localPathOf(url: string): string {
  const path =
    /^https:\/\/github\.com\/asana-exports\/asana-exports\/(?:tree|blob)\/main\/(.+)$/.exec(
      url,
    )?.[1];
  if (path === undefined) throw new Error(`${url} is not a link into ${REPOSITORY}`);
  return pathJoin(packageRoot, '..', '..', path);
}

describe('what the tarball ships', () => {
  it('has documentation links without a fragment (n8n appends its own query after them), to files that exist', () => {
    const codex = JSON.parse(readPackageFile('dist/nodes/AsanaExport/AsanaExport.node.json')) as {
      resources: Record<string, Array<{ url: string }>>;
    };
    const credentialLinks = manifest.n8n.credentials.map(
      (file) =>
        /documentationUrl = "([^"]+)"/.exec(readPackageFile(file))?.[1] ?? `no link in ${file}`,
    );
    const links = [
      manifest.homepage,
      ...Object.values(codex.resources).flatMap((entries) => entries.map((entry) => entry.url)),
      ...credentialLinks,
    ];
    expect(links).toHaveLength(7);
    for (const link of links) {
      expect(link).not.toContain('#');
      expect(fileExists(localPathOf(link)), link).toBe(true);
    }
  });

  it('holds the notice file of the bundled packages, and no source maps', () => {
    const { status, stdout, output } = runInPackage('npm', [
      'pack',
      '--dry-run',
      '--json',
      '--ignore-scripts',
    ]);
    expect(status, output).toBe(0);
    // stdout alone: npm may warn on stderr (about the environment's npm settings, say).
    const [packed] = JSON.parse(stdout) as Array<{
      files: Array<{ path: string }>;
    }>;
    const paths = packed?.files.map((file) => file.path) ?? [];
    expect(paths).toContain('dist/nodes/AsanaExport/AsanaExport.node.js');
    expect(paths).toContain('dist/THIRD_PARTY_NOTICES.txt');
    expect(paths.filter((path) => path.endsWith('.map'))).toEqual([]);
  });

  it('refuses a publish without provenance from GitHub Actions', () => {
    expect(manifest.scripts.prepublishOnly).toBe('node scripts/require-provenance.mjs');
    const refuse = (env: Record<string, string>) =>
      runInPackage('node', ['scripts/require-provenance.mjs'], { env });
    const laptop = refuse({});
    expect(laptop.status).toBe(1);
    expect(laptop.output).toContain(
      'it is not running in GitHub Actions and npm provenance is off',
    );
    expect(refuse({ GITHUB_ACTIONS: 'true' }).status).toBe(1);
    expect(refuse({ npm_config_provenance: 'true' }).status).toBe(1);
    expect(refuse({ GITHUB_ACTIONS: 'true', npm_config_provenance: 'true' }).status).toBe(0);
  });
});

describe('n8n’s rules for community nodes', () => {
  it('passes `n8n-node lint` in strict (n8n Cloud) mode', () => {
    const { status, output } = runInPackage('pnpm', ['exec', 'n8n-node', 'lint']);
    expect(output).not.toMatch(/error|problem|violation/i);
    expect(status).toBe(0);
  });

  it('passes n8n’s package scanner on the packed dist/ and on the sources', () => {
    const { status, output } = runInPackage('node', ['scripts/scan.mjs']);
    expect(output).toContain('published package (dist/**/*.js, package.json): passed');
    expect(output).toContain('sources (nodes/, credentials/, package.json): passed');
    expect(status).toBe(0);
  });
});
