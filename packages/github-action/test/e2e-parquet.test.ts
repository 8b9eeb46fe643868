/**
 * `parquet: true` through the built action: DuckDB installed by the real `npm ci` from the
 * registry into a tool cache kept under ~/.cache/asana-exports/ (so once per machine, not per
 * run), the export loaded, and each table's Parquet file in the artifact, read back with the
 * workspace's own DuckDB and counted against the records the sandbox served.
 */

import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { storesUnderTest, type TestStore } from '@asana-exports/test-stores';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedRows, readRecords } from '../../core/test/support/load.js';
import { entriesOf, errorLine, startWorld, type World } from './support/fixtures.js';
import { actAtDestination, useStore } from './support/stores.js';
import { tempDir } from './support/temp.js';

// Persistent: the first run on a machine downloads DuckDB (about 24 MB), later runs reuse it.
const TOOL_CACHE = join(homedir(), '.cache/asana-exports/action-tool-cache');
const HISTORY = '_asana_export_history';
// This machine's way to the registry (a proxy's CA, say), as a self-hosted runner has its own.
const NETWORK = Object.fromEntries(
  ['NODE_EXTRA_CA_CERTS', 'HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy']
    .map((name) => [name, process.env[name]])
    .filter((entry): entry is [string, string] => entry[1] !== undefined),
);

/** What the test uses of DuckDB's Node API: this package does not depend on it. */
interface DuckDBApi {
  DuckDBInstance: {
    create(path: string): Promise<{
      connect(): Promise<{
        runAndReadAll(sql: string): Promise<{ getRowObjectsJson(): Record<string, unknown>[] }>;
        closeSync(): void;
      }>;
      closeSync(): void;
    }>;
  };
}

let world: World;
beforeAll(async () => {
  mkdirSync(TOOL_CACHE, { recursive: true });
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

/** Rows in a Parquet file, counted by the DuckDB the core depends on, not the action's. */
async function parquetRows(bytes: Buffer): Promise<number> {
  const path = join(tempDir('parquet-'), 'table.parquet');
  await writeFile(path, bytes);
  const coreRequire = createRequire(
    createRequire(import.meta.url).resolve('@asana-exports/core/package.json'),
  );
  const api = (await import(
    pathToFileURL(coreRequire.resolve('@duckdb/node-api')).href
  )) as DuckDBApi;
  const instance = await api.DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(
      `SELECT count(*) AS n FROM read_parquet('${path.replaceAll("'", "''")}')`,
    );
    return Number(reader.getRowObjectsJson()[0]?.n);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe('parquet: true', () => {
  it.each([
    ['graph', { kind: 'graph' }, 'parent'],
    ['resource', { kind: 'resource', resources: 'task, message' }, 'workspace'],
    ['organization', { kind: 'organization' }, 'organization'],
  ] as const)(
    'stores a table per type of an export (%s) beside it, with one row per distinct record',
    async (_kind, inputs, targetInput) => {
      const run = world.newRun();
      const result = await world.act(
        run,
        { ...inputs, [targetInput]: world.newGid(), parquet: 'true' },
        { env: { ...NETWORK, RUNNER_TOOL_CACHE: TOOL_CACHE } },
      );
      expect(result.code, result.stdout).toBe(0);
      // Installed once (by this machine's first run of this file), then found complete.
      if (inputs.kind === 'resource') {
        expect(result.stdout).toContain('Using @duckdb/node-api 1.5.6-r.1 from the tool cache');
      }
      const served = await world.sandbox.exportFile(
        result.outputs['job-gid'] || (result.outputs['export-gid'] ?? ''),
      );
      const expected = expectedRows([await readRecords(served.path)]);
      expect(Object.keys(expected).length).toBeGreaterThan(1);

      const [artifact] = world.service.finished(run);
      const entries = entriesOf(artifact);
      const file = basename(result.outputs.file ?? '');
      const stem = file.replace(/\.jsonl?\.gz$/, '');
      const names = [...Object.keys(expected), HISTORY].map((table) => `${stem}.${table}.parquet`);
      expect(JSON.parse(result.outputs['parquet-files'] ?? '[]').sort()).toEqual(names.sort());
      // The export and its manifest are there as without parquet, the tables beside them.
      expect(entries.map((entry) => entry.name).sort()).toEqual(
        [file, `${stem}.manifest.json`, ...names].sort(),
      );
      const counted: Record<string, number> = {};
      for (const type of Object.keys(expected)) {
        const entry = entries.find((one) => one.name === `${stem}.${type}.parquet`);
        counted[type] = await parquetRows(entry?.data ?? Buffer.alloc(0));
      }
      expect(counted).toEqual(expected);
      const history = entries.find((one) => one.name === `${stem}.${HISTORY}.parquet`);
      expect(await parquetRows(history?.data ?? Buffer.alloc(0))).toBe(1);
      // The summary names each table with its rows.
      expect(result.summary).toContain(': export, manifest and Parquet tables)');
      expect(result.summary).toContain('Parquet tables in the artifact:');
      for (const [type, rows] of Object.entries(expected)) {
        expect(result.summary).toMatch(new RegExp(`<code>${type}</code> ${rows} rows?`));
      }
    },
    300_000,
  );
});

describe('parquet: refused before anything is sent to Asana', () => {
  const key = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
  it.each([
    [{ 'encrypt-to': key }, /parquet.*cannot be combined with encrypt-to/],
    [{ parquet: 'yes' }, /parquet.*"yes" is not a boolean/],
  ])('%o', async (extra, message) => {
    const before = world.sandbox.requests.length;
    const result = await world.act(world.newRun(), {
      kind: 'graph',
      parent: world.newGid(),
      parquet: 'true',
      ...extra,
    });
    expect(result.code).toBe(1);
    expect(errorLine(result)).toMatch(message);
    expect(world.sandbox.requests.length).toBe(before);
  });

  it('fails the step with what to do when npm cannot reach the registry, within the bound', async () => {
    const before = world.sandbox.requests.length;
    const started = Date.now();
    const result = await world.act(
      world.newRun(),
      { kind: 'graph', parent: world.newGid(), parquet: 'true' },
      {
        env: {
          // A tool cache of its own: nothing installed, so npm must fetch, and cannot.
          RUNNER_TOOL_CACHE: tempDir('tool-cache-'),
          npm_config_registry: 'http://127.0.0.1:1/',
          npm_config_fetch_retries: '0',
        },
      },
    );
    expect(result.code).toBe(1);
    expect(errorLine(result)).toMatch(
      /parquet: DuckDB could not be installed from the npm registry: npm ci exited with code \d+.*let the runner reach it, or remove parquet/,
    );
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(world.sandbox.requests.length).toBe(before);
  }, 120_000);
});

describe('parquet: when the tables cannot be made', () => {
  it('stores the export all the same, then fails the step saying so', async () => {
    const cache = await brokenDuckDB();
    const run = world.newRun();
    const result = await world.act(
      run,
      { kind: 'graph', parent: world.newGid(), parquet: 'true' },
      { env: { RUNNER_TOOL_CACHE: cache } },
    );
    expect(result.code).toBe(1);
    expect(errorLine(result)).toMatch(
      /parquet: the Parquet tables could not be made: DuckDB could not open .*No space left on device\. The export is stored all the same \(artifact asana-graph-/,
    );
    const [artifact] = world.service.finished(run);
    const file = basename(result.outputs.file ?? '');
    expect(
      entriesOf(artifact)
        .map((entry) => entry.name)
        .sort(),
    ).toEqual([file, file.replace('.jsonl.gz', '.manifest.json')].sort());
    expect(result.outputs['parquet-files']).toBeUndefined();
  });
});

/**
 * A tool cache whose DuckDB fails as a broken binding or a full disk would: a stand-in package
 * where the install would be, marked complete.
 */
async function brokenDuckDB(): Promise<string> {
  const cache = tempDir('tool-cache-');
  const dir = join(cache, 'asana-export-duckdb', `1.5.6-r.1-${process.platform}-${process.arch}`);
  const api = join(dir, 'node_modules/@duckdb/node-api');
  mkdirSync(api, { recursive: true });
  await writeFile(join(dir, 'package.json'), '{}');
  await writeFile(join(dir, '.asana-export-complete'), '');
  await writeFile(join(api, 'package.json'), '{"name":"@duckdb/node-api","main":"index.js"}');
  await writeFile(
    join(api, 'index.js'),
    "exports.DuckDBInstance = { create: async () => { throw new Error('IO Error: No space left on device'); } };\n",
  );
  return cache;
}

describe.each(storesUnderTest())('parquet: true with destination (%s)', (_name, start) => {
  const testStore = useStore(start);
  let store: TestStore;
  beforeAll(() => {
    store = testStore();
  });

  const act = (place: string, env: Record<string, string>) =>
    actAtDestination(
      world,
      store,
      place,
      { kind: 'graph', parent: world.newGid(), parquet: 'true' },
      env,
    );

  it('stores a table per type beside the export in the store, read back from it', async () => {
    const place = await store.newPlace();
    const result = await act(place, { ...NETWORK, RUNNER_TOOL_CACHE: TOOL_CACHE });
    expect(result.code, result.stdout).toBe(0);
    const served = await world.sandbox.exportFile(result.outputs['job-gid'] ?? '');
    const expected = expectedRows([await readRecords(served.path)]);
    const key = result.outputs['object-key'] ?? '';
    const folder = key.slice(0, key.lastIndexOf('/') + 1);
    const stem = basename(key).replace(/\.jsonl?\.gz$/, '');
    const names = [...Object.keys(expected), HISTORY].map((table) => `${stem}.${table}.parquet`);
    expect(JSON.parse(result.outputs['parquet-files'] ?? '[]').sort()).toEqual(names.sort());
    expect(await store.list(place)).toEqual(
      [
        key,
        result.outputs['manifest-key'],
        result.outputs['latest-key'],
        ...names.map((name) => `${folder}${name}`),
      ].sort(),
    );
    const counted: Record<string, number> = {};
    for (const type of Object.keys(expected)) {
      counted[type] = await parquetRows(
        Buffer.from(await store.get(place, `${folder}${stem}.${type}.parquet`)),
      );
    }
    expect(counted).toEqual(expected);
    expect(await store.incomplete(place)).toEqual([]);
    expect(result.summary).toContain('Parquet tables in the destination, beside the export:');
  }, 300_000);

  it('keeps the export stored when the tables cannot be made, then fails the step saying so', async () => {
    const place = await store.newPlace();
    const result = await act(place, { RUNNER_TOOL_CACHE: await brokenDuckDB() });
    expect(result.code).toBe(1);
    const key = result.outputs['object-key'] ?? '';
    expect(errorLine(result)).toMatch(
      /parquet: the Parquet tables could not be made: DuckDB could not open .*No space left on device\. The export is stored all the same \(/,
    );
    expect(errorLine(result)).toContain(key);
    expect(await store.list(place)).toEqual(
      [key, result.outputs['manifest-key'], result.outputs['latest-key']].sort(),
    );
    expect(await store.incomplete(place)).toEqual([]);
  }, 300_000);
});
