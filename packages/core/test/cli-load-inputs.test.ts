import { spawn } from 'node:child_process';
import { copyFile, mkdir, readdir, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Sandbox } from '@asana-exports/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ageKeygen, describeWithAge } from './support/age-tool.js';
import { exportAt, type Stored } from './support/exports.js';
import { expectedRows, query, readRecords, tableRows } from './support/load.js';
import { CLI, runCli, startTestSandbox, tempDir } from './support/sandbox.js';

// What `load` refuses, before it loads anything, and what it warns about; Parquet and encrypted
// exports. Each refusal names the input, exits with the documented code, and leaves no database.
let sandbox: Sandbox;
let graph: Stored;
beforeAll(async () => {
  sandbox = await startTestSandbox({ contentBytes: 256 * 1024 });
  graph = await exportAt(sandbox, 'graph', '1492000000000001', 0);
});
afterAll(async () => {
  await sandbox.close();
});

const gzipAsync = promisify(gzip);

describe('asana-export load refuses bad input before loading anything', () => {
  it.each([
    ['no export', () => ['--duckdb', 'DB'], 2, /Invalid EXPORT: is required/],
    [
      'a missing export',
      () => ['/no/such/export.jsonl.gz', '--duckdb', 'DB'],
      2,
      /Invalid EXPORT: \/no\/such\/export\.jsonl\.gz is not a file/,
    ],
    ['no --duckdb', () => [graph.path], 2, /Invalid --duckdb: is required/],
    [
      '--duckdb in a folder that does not exist',
      () => [graph.path, '--duckdb', '/no/such/folder/x.duckdb'],
      2,
      /Invalid --duckdb: the folder of .* does not exist/,
    ],
    [
      'a bad --memory-limit',
      () => [graph.path, '--duckdb', 'DB', '--memory-limit', 'lots'],
      2,
      /Invalid --memory-limit: "lots" is not an amount of memory/,
    ],
    [
      'too small a --memory-limit',
      () => [graph.path, '--duckdb', 'DB', '--memory-limit', '10MB'],
      2,
      /Invalid --memory-limit: .* is less than/,
    ],
    [
      'an unreadable identity',
      () => [graph.path, '--duckdb', 'DB', '--identity', '/no/such/key.txt'],
      2,
      /Invalid --identity: cannot read \/no\/such\/key\.txt/,
    ],
    [
      '--force without --parquet',
      () => [graph.path, '--duckdb', 'DB', '--force'],
      2,
      /Invalid --force: only goes with --parquet/,
    ],
    ['an unknown option', () => [graph.path, '--duckdb', 'DB', '--table', 'x'], 2, /--table/],
  ])('%s', async (_, args, code, message) => {
    const dir = await tempDir();
    const db = join(dir, 'asana.duckdb');
    const result = await runCli(['load', ...args().map((arg) => (arg === 'DB' ? db : arg))], {});
    expect(result.code, result.stderr).toBe(code);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/^hint: /m);
    expect(result.stdout).toBe('');
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a damaged export in verify’s words, and loads none of the others', async () => {
    const dir = await tempDir();
    const damaged = join(dir, 'damaged.jsonl.gz');
    await copyFile(graph.path, damaged);
    await truncate(damaged, (await stat(damaged)).size - 100);
    const db = join(dir, 'asana.duckdb');
    const result = await runCli(['load', graph.path, damaged, '--duckdb', db], {});
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toMatch(
      /^error: The stored export .*damaged\.jsonl\.gz is not intact: /m,
    );
    expect(result.stderr).toMatch(/^hint: It was left as it is\./m);
    expect((await readdir(dir)).sort()).toEqual(['damaged.jsonl.gz']);
  });

  it('refuses an export that differs from the manifest beside it', async () => {
    const dir = await tempDir();
    // Revision 1: the same workspace a little later, so other content (the target does not change it).
    const other = await exportAt(sandbox, 'graph', '1492000000000002', 1);
    const name = graph.path.split('/').pop() as string;
    // The other export's content under this one's name, beside this one's manifest.
    await copyFile(other.path, join(dir, name));
    await copyFile(
      join(graph.path, '..', name.replace('.jsonl.gz', '.manifest.json')),
      join(dir, name.replace('.jsonl.gz', '.manifest.json')),
    );
    const result = await runCli(['load', join(dir, name), '--duckdb', join(dir, 'x.duckdb')], {});
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toMatch(/differs from its manifest|SHA-256/);
    expect(await readdir(dir)).not.toContain('x.duckdb');
  });
});

describe('asana-export load warns about schema drift', () => {
  it('lists, per type, the fields a schema lacks, and loads a type without a schema into _extra', async () => {
    const dir = await tempDir();
    const records = (await readRecords(graph.path)).map((entry) => entry.record);
    const drifted = records.map((record) =>
      record.resource_type === 'task' ? { ...record, x_story_points: 3 } : record,
    );
    drifted.push(
      { gid: '1', resource_type: 'widget', size: 'large' },
      { gid: '2', resource_type: 'widget', size: 'small' },
      { gid: '3', resource_type: 'Not A Table', size: 'none' },
    );
    const file = join(dir, 'drifted.jsonl.gz');
    await writeFile(file, await gzipAsync(`${drifted.map((r) => JSON.stringify(r)).join('\n')}\n`));
    const db = join(dir, 'drift.duckdb');
    const result = await runCli(['load', file, '--duckdb', db], {});
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /^warning: .*drifted\.jsonl\.gz: task records carry fields its schema does not list \(kept in _extra\): x_story_points$/m,
    );
    expect(result.stderr).toMatch(
      /^warning: .*: resource_type widget has no schema \(schemaVersion 1\): its 2 records are loaded with every field in _extra$/m,
    );
    expect(result.stderr).toMatch(
      /^warning: .*: 1 records of resource_type "Not A Table", which cannot be a table name, not loaded$/m,
    );
    expect(await query(db, "SELECT _key, _extra->>'size' AS size FROM widget ORDER BY 1")).toEqual([
      { _key: '1', size: 'large' },
      { _key: '2', size: 'small' },
    ]);
    const [task] = await query(db, "SELECT _extra->>'x_story_points' AS points FROM task LIMIT 1");
    expect(task).toEqual({ points: '3' });
    const output = JSON.parse(result.stdout) as { warnings: string[] };
    expect(output.warnings).toHaveLength(3);
  });
});

describe('asana-export load --parquet', () => {
  it('writes every table as DIR/<table>.parquet with its rows, and replaces them only with --force', async () => {
    const dir = await tempDir();
    const db = join(dir, 'asana.duckdb');
    const parquet = join(dir, 'parquet');
    const result = await runCli(['load', graph.path, '--duckdb', db, '--parquet', parquet], {});
    expect(result.code, result.stderr).toBe(0);
    const types = Object.keys(graph.byResourceType);
    const expected = expectedRows([await readRecords(graph.path)]);
    expect((await readdir(parquet)).sort()).toEqual(
      [...types, '_asana_export_history'].map((type) => `${type}.parquet`).sort(),
    );
    for (const type of types) {
      const [row] = await query(
        db,
        `SELECT count(*) AS n FROM read_parquet('${join(parquet, `${type}.parquet`)}')`,
      );
      expect(Number(row?.n), type).toBe(expected[type]);
    }
    expect(result.stderr).toMatch(new RegExp(`^Parquet: ${types.length + 1} files in `, 'm'));

    const refused = await runCli(['load', graph.path, '--duckdb', db, '--parquet', parquet], {});
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/Invalid --parquet: .* already holds \d+ \.parquet files/);
    expect(refused.stderr).toMatch(/^hint: Pass --force/m);

    const forced = await runCli(
      ['load', graph.path, '--duckdb', db, '--parquet', parquet, '--force'],
      {},
    );
    expect(forced.code, forced.stderr).toBe(0);
    expect((await readdir(parquet)).filter((name) => name.startsWith('.'))).toEqual([]);
    expect(await tableRows(db, types)).toEqual(expected);
  });

  it('refuses a --parquet folder whose parent does not exist', async () => {
    const dir = await tempDir();
    const result = await runCli(
      ['load', graph.path, '--duckdb', join(dir, 'x.duckdb'), '--parquet', join(dir, 'a', 'b')],
      {},
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Invalid --parquet: neither .* nor its parent folder exists/);
    expect(await readdir(dir)).toEqual([]);
  });
});

describeWithAge('asana-export load of encrypted exports', () => {
  it('decrypts with --identity beside the database, loads, and leaves no plaintext behind', async () => {
    const keys = await tempDir();
    const alice = ageKeygen(keys, 'alice.txt');
    const bob = ageKeygen(keys, 'bob.txt');
    const encrypted = await exportAt(sandbox, 'organization', '1492000000000003', 0, [
      '--encrypt-to',
      alice.publicKey,
    ]);
    expect(encrypted.path).toMatch(/\.json\.gz\.age$/);
    const dir = await tempDir();
    await mkdir(join(dir, 'db'));
    const db = join(dir, 'db', 'asana.duckdb');

    const without = await runCli(['load', encrypted.path, '--duckdb', db], {});
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(/Invalid --identity: .* is age-encrypted/);

    const wrong = await runCli(
      ['load', encrypted.path, '--duckdb', db, '--identity', bob.path],
      {},
    );
    expect(wrong.code, wrong.stderr).toBe(7);
    expect(wrong.stderr).toContain(
      `the manifest says the export was encrypted to ${alice.publicKey}`,
    );
    expect(await readdir(join(dir, 'db'))).toEqual([]);

    const result = await runCli(['load', encrypted.path, '--duckdb', db, '-i', alice.path], {});
    expect(result.code, result.stderr).toBe(0);
    const output = JSON.parse(result.stdout) as {
      loaded: { byResourceType: Record<string, number> }[];
    };
    expect(output.loaded[0]?.byResourceType).toEqual(encrypted.byResourceType);
    expect(await readdir(join(dir, 'db'))).toEqual(['asana.duckdb']);
    const [row] = await query(db, 'SELECT count(*) AS n FROM workspace');
    expect(row).toEqual({ n: '1' });
  });
});

describe('asana-export load, cancelled', () => {
  it('stops on SIGINT with exit 130, and leaves neither the new database nor its work folder', async () => {
    sandbox.configure({ contentBytes: 48 * 1024 * 1024 });
    let big: Stored;
    try {
      big = await exportAt(sandbox, 'graph', '1492000000000004', 0);
    } finally {
      sandbox.configure({ contentBytes: 256 * 1024 });
    }
    const dir = await tempDir();
    const child = spawn(
      process.execPath,
      [CLI, 'load', big.path, '--duckdb', join(dir, 'x.duckdb')],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    // Interrupted once the load has begun (its work folder is there: the CLI's handler is set),
    // well inside the seconds a 48 MB export takes to check and load.
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    const deadline = Date.now() + 20_000;
    while (!(await readdir(dir)).some((name) => name.startsWith('.x.duckdb.load-'))) {
      if (Date.now() > deadline) throw new Error(`load never started: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGINT');
    const code = await closed;
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/cancelled/);
    expect(await readdir(dir)).toEqual([]);
  });
});
