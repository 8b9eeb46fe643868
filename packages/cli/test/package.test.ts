/**
 * What `npm install asana-export` gets: a package named after its command, with no dependency
 * (everything is bundled into dist/; DuckDB, which only `load` needs, is an optional peer), the
 * Node.js floor the executable itself checks, and a README
 * that documents every command the CLI has. scripts/release-dry-run.mjs installs the packed
 * tarball and runs it on that floor and on Node 24.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { MIN_NODE_VERSION } from '@asana-exports/core/cli/node-version';
import { DUCKDB_VERSION } from '@asana-exports/core/node';
import { describe, expect, it } from 'vitest';
import { checkNotices } from '../../../scripts/third-party-notices.mjs';

const packageDir = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  engines: { node: string };
  bin: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
};
const core = JSON.parse(readFileSync(join(packageDir, '../core/package.json'), 'utf8')) as {
  version: string;
  engines: { node: string };
  dependencies: Record<string, string>;
};

function cli(args: readonly string[]) {
  return spawnSync(process.execPath, [join(packageDir, pkg.bin['asana-export'] ?? ''), ...args], {
    encoding: 'utf8',
  });
}

describe('the asana-export package', () => {
  it('is named after its command, so `npx asana-export` runs it', () => {
    expect(pkg.name).toBe('asana-export');
    expect(Object.keys(pkg.bin).sort()).toEqual(['asana-export', 'asana-export-sandbox']);
  });

  it('declares the Node.js floor the executable checks, the core’s own', () => {
    expect(pkg.engines.node).toBe(`>=${MIN_NODE_VERSION}`);
    expect(core.engines.node).toBe(pkg.engines.node);
  });

  it('carries the version the CLI prints', () => {
    expect(pkg.version).toBe(core.version);
    const result = cli(['--version']);
    expect(result.stdout).toBe(`asana-export ${pkg.version}\n`);
  });

  it('depends on nothing, DuckDB an optional peer: the bundle imports nothing else but Node’s built-ins and itself', () => {
    expect(pkg.dependencies ?? {}).toEqual({});
    // The version load was tested with: the core's, which the hint of a missing DuckDB names.
    expect(pkg.peerDependencies ?? {}).toEqual({ '@duckdb/node-api': DUCKDB_VERSION });
    expect(core.dependencies['@duckdb/node-api']).toBe(DUCKDB_VERSION);
    expect(pkg.peerDependenciesMeta).toEqual({ '@duckdb/node-api': { optional: true } });
    const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
    const metafile = JSON.parse(readFileSync(join(packageDir, 'build/metafile.json'), 'utf8')) as {
      outputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
    };
    const outside = new Set<string>();
    for (const output of Object.values(metafile.outputs)) {
      for (const { path, external } of output.imports) {
        if (external && !builtins.has(path)) outside.add(path);
      }
    }
    expect([...outside]).toEqual(['@duckdb/node-api']);
  });

  it('imports DuckDB only from the chunk of load, so no other command needs it', () => {
    const metafile = JSON.parse(readFileSync(join(packageDir, 'build/metafile.json'), 'utf8')) as {
      outputs: Record<string, { imports: { path: string; kind: string; external?: boolean }[] }>;
    };
    const importers = Object.entries(metafile.outputs).filter(([, output]) =>
      output.imports.some((entry) => entry.path === '@duckdb/node-api'),
    );
    expect(importers.length).toBe(1);
    for (const [, output] of importers) {
      for (const entry of output.imports.filter((one) => one.path === '@duckdb/node-api')) {
        expect(entry.kind).toBe('dynamic-import');
      }
    }
  });

  it('without DuckDB installed, load says which package to install and the rest works', () => {
    // The bundle alone, where no node_modules can be found: as if the binary were missing.
    const alone = mkdtempSync(join(tmpdir(), 'asana-export-alone-'));
    try {
      cpSync(join(packageDir, 'dist'), alone, { recursive: true });
      const run = (args: readonly string[]) =>
        spawnSync(process.execPath, [join(alone, 'asana-export.js'), ...args], {
          encoding: 'utf8',
        });
      const export_ = join(alone, 'x.jsonl.gz');
      writeFileSync(export_, gzipSync('{"gid":"1","resource_type":"task"}\n'));
      const load = run(['load', export_, '--duckdb', join(alone, 'x.duckdb')]);
      expect(load.status, load.stderr).toBe(6);
      expect(load.stderr).toMatch(
        /^error: DuckDB is not installed: load needs the package @duckdb\/node-api$/m,
      );
      expect(load.stderr).toContain(`npm install @duckdb/node-api@${DUCKDB_VERSION}`);
      expect(load.stderr).toContain(`npx -p asana-export -p @duckdb/node-api@${DUCKDB_VERSION}`);
      expect(run(['--version']).status).toBe(0);
      const verify = run(['verify', export_]);
      expect(verify.status, verify.stderr).toBe(0);
    } finally {
      rmSync(alone, { recursive: true, force: true });
    }
  });

  it('documents every command of --help in its README', () => {
    const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
    const help = cli(['--help']).stdout;
    const commands = [...help.matchAll(/^ {2}([a-z]+) {2,}/gm)].map(([, name]) => name);
    expect(commands.length).toBeGreaterThan(3);
    for (const command of commands) expect(readme).toContain(`| \`${command} `);
  });

  it('documents every exit code of --help in its README', () => {
    const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
    const help = cli(['--help']).stdout;
    const codes = [...help.matchAll(/^ {2}(\d+) {2,}/gm)].map(([, code]) => code);
    expect(codes).toContain('0');
    for (const code of codes) expect(readme).toMatch(new RegExp(`^\\| ${code} +\\|`, 'm'));
  });

  it('ships the JSON Schema files of the export records, as the core generates them', () => {
    const schemas = join(packageDir, '../core/schemas');
    const expected = readdirSync(schemas, { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.json'))
      .map((name) => name.split('\\').join('/'))
      .sort();
    expect(expected).toContain('v1/index.schema.json');
    expect(expected).toContain('v1/task.schema.json');
    // What `npm publish` would put in the tarball, as npm itself reports it.
    const [report] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: packageDir,
        encoding: 'utf8',
        timeout: 60_000,
      }),
    ) as [{ files: { path: string }[] }];
    const packed = report.files
      .map((file) => file.path)
      .filter((path) => path.startsWith('dist/schemas/'))
      .map((path) => path.slice('dist/schemas/'.length))
      .sort();
    expect(packed).toEqual(expected);
    for (const name of expected) {
      expect(readFileSync(join(packageDir, 'dist/schemas', name), 'utf8'), name).toBe(
        readFileSync(join(schemas, name), 'utf8'),
      );
    }
  });

  it('ships a notice for every bundled package, with its licence text, and nothing else', () => {
    const metafile = JSON.parse(readFileSync(join(packageDir, 'build/metafile.json'), 'utf8'));
    const notices = readFileSync(join(packageDir, 'dist/THIRD_PARTY_NOTICES.txt'), 'utf8');
    expect(checkNotices(notices, metafile, { cwd: packageDir })).toEqual([]);
    expect(notices).toMatch(/^- undici@8\.\d+\.\d+ \(MIT\)$/m);
    expect(notices).toMatch(/^- zod@4\.\d+\.\d+ \(MIT\)$/m);
  });
});
