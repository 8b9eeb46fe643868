import { chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installDuckDB } from '../src/duckdb-install.js';
import { tempDir } from './support/temp.js';

const LOCK_DIR = join(import.meta.dirname, '../duckdb');

describe('the DuckDB install of parquet: true', () => {
  it('pins the version the core depends on, with an integrity hash for every package', async () => {
    const core = JSON.parse(
      await readFile(join(import.meta.dirname, '../../core/package.json'), 'utf8'),
    );
    const pinned = JSON.parse(await readFile(join(LOCK_DIR, 'package.json'), 'utf8'));
    expect(pinned.dependencies).toEqual({
      '@duckdb/node-api': core.dependencies['@duckdb/node-api'],
    });
    const lock = JSON.parse(await readFile(join(LOCK_DIR, 'package-lock.json'), 'utf8'));
    const packages = Object.entries(lock.packages as Record<string, { integrity?: string }>).filter(
      ([path]) => path !== '',
    );
    // The binding's platform packages, hosted runners' among them.
    expect(packages.map(([path]) => path)).toContain(
      'node_modules/@duckdb/node-bindings-linux-x64',
    );
    for (const [, entry] of packages) expect(entry.integrity).toMatch(/^sha512-/);
  });

  // An npm that never answers stands in for a registry that stalls: the limit kills it.
  it('kills npm at the time limit and says what to do', async () => {
    const bin = tempDir('bin-');
    await writeFile(join(bin, 'npm'), '#!/bin/sh\nsleep 60\n');
    await chmod(join(bin, 'npm'), 0o755);
    const cache = tempDir('tool-cache-');
    const started = Date.now();
    await expect(
      installDuckDB({
        lockDir: LOCK_DIR,
        env: { PATH: `${bin}:/usr/bin:/bin`, RUNNER_TOOL_CACHE: cache },
        signal: new AbortController().signal,
        timeoutMs: 500,
        log: () => {},
      }),
    ).rejects.toThrow(/could not be installed from the npm registry: it did not finish within 1 s/);
    expect(Date.now() - started).toBeLessThan(5000);
    // Nothing half made is left where a later step would take it for an install.
    expect(await readdir(join(cache, 'asana-export-duckdb'))).toEqual([]);
  });
});
