import { readdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Sandbox } from '@asana-exports/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planMemory } from '../src/protocol/load-plan.js';
import { exportAt, type Kind } from './support/exports.js';
import { expectedRows, query, readRecords, tableRows } from './support/load.js';
import { runCli, startTestSandbox, tempDir } from './support/sandbox.js';

// `asana-export load` as a user runs it, on exports the CLI downloaded from the sandbox: the rows
// each table must hold are worked out from the records themselves (distinct gids per type, the
// sandbox's pooled projects and portfolios repeating, links keyed by their content), and the
// records loaded per type are the sandbox's own tally.
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox({ contentBytes: 256 * 1024 });
});
afterAll(async () => {
  await sandbox.close();
});

let nextTarget = 1490000000000000;
const newTarget = () => String(nextTarget++);

interface LoadOutput {
  readonly memory: { limitBytes: number; duckdb: string; threads: number };
  readonly loaded: {
    byResourceType: Record<string, number>;
    exportGid?: string;
    records: number;
  }[];
  readonly alreadyLoaded: string[];
  readonly tables: Record<string, number>;
  readonly parquet?: string[];
  readonly warnings: string[];
}

async function load(args: readonly string[]) {
  const result = await runCli(['load', ...args], {});
  return {
    ...result,
    output: result.code === 0 ? (JSON.parse(result.stdout) as LoadOutput) : undefined,
  };
}

describe('asana-export load', () => {
  it.each(['graph', 'resource', 'organization'] as const)(
    'loads a %s export: a table per type with the rows its records make, and a history row',
    async (kind: Kind) => {
      const stored = await exportAt(sandbox, kind, newTarget(), 0);
      const db = join(await tempDir(), 'asana.duckdb');
      const result = await load([stored.path, '--duckdb', db]);
      expect(result.code, result.stderr).toBe(0);
      const output = result.output as LoadOutput;
      // What was loaded per type is what the sandbox wrote.
      expect(output.loaded).toHaveLength(1);
      expect(output.loaded[0]?.byResourceType).toEqual(stored.byResourceType);
      expect(output.loaded[0]?.exportGid).toBe(stored.manifest.exportGid);
      const types = Object.keys(stored.byResourceType);
      if (kind === 'graph') expect(types.length).toBeGreaterThan(5);
      if (kind === 'organization') expect(types).toContain('workspace');
      const expected = expectedRows([await readRecords(stored.path)]);
      expect(await tableRows(db, types)).toEqual(expected);
      const { _asana_export_history: history, ...tables } = output.tables;
      expect(tables).toEqual(expected);
      expect(history).toBe(1);
      const [row] = await query(
        db,
        'SELECT export_gid, kind, records, schema_version FROM _asana_export_history',
      );
      expect(row).toEqual({
        export_gid: stored.manifest.exportGid,
        kind,
        records: String(stored.manifest.records.total),
        schema_version: 1,
      });
      // The default limit is the whole load's: DuckDB ran under what planMemory left it.
      const plan = planMemory({ bytes: 1e9 }, availableParallelism());
      expect(output.memory).toEqual({
        limitBytes: 1e9,
        // As DuckDB prints it, cut (not rounded) to a tenth.
        duckdb: `${(Math.floor((plan.duckdbBytes / 2 ** 20) * 10) / 10).toFixed(1)} MiB`,
        threads: plan.threads,
      });
      expect(result.stderr).toContain(
        `memory limit 1GB: DuckDB memory_limit ${output.memory.duckdb}, ${plan.threads} thread`,
      );
      // The work folder beside the database is gone.
      expect((await readdir(join(db, '..'))).sort()).toEqual(['asana.duckdb']);
    },
  );

  it('types the columns from the schemas and keeps the rest in _extra', async () => {
    const stored = await exportAt(sandbox, 'resource', newTarget(), 0);
    const db = join(await tempDir(), 'typed.duckdb');
    expect((await load([stored.path, '--duckdb', db])).code).toBe(0);
    const columns = await query(
      db,
      "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'task' AND column_name IN ('gid', 'completed', 'num_likes', 'due_on', 'modified_at', 'assignee', '_extra') ORDER BY 1",
    );
    expect(columns).toEqual([
      { column_name: '_extra', data_type: 'JSON' },
      { column_name: 'assignee', data_type: 'JSON' },
      { column_name: 'completed', data_type: 'BOOLEAN' },
      { column_name: 'due_on', data_type: 'DATE' },
      { column_name: 'gid', data_type: 'VARCHAR' },
      { column_name: 'modified_at', data_type: 'TIMESTAMP WITH TIME ZONE' },
      { column_name: 'num_likes', data_type: 'BIGINT' },
    ]);
    const records = (await readRecords(stored.path)).map((entry) => entry.record);
    const task = records.find(
      (record) => record.resource_type === 'task' && record.due_on !== null,
    );
    const [row] = await query(
      db,
      `SELECT name, completed, strftime(due_on, '%Y-%m-%d') AS due_on, num_likes, assignee->>'gid' AS assignee FROM task WHERE gid = '${task?.gid}'`,
    );
    expect(row).toEqual({
      name: task?.name,
      completed: task?.completed,
      due_on: task?.due_on,
      num_likes: String(task?.num_likes),
      assignee: (task?.assignee as { gid?: string } | null)?.gid ?? null,
    });
  });

  it('splits an organization export that is one JSON document into its parts, the workspace included', async () => {
    const stored = await exportAt(sandbox, 'organization', newTarget(), 0);
    const entries = await readRecords(stored.path);
    const [workspace, ...rest] = entries.map((entry) => entry.record);
    expect(workspace?.resource_type).toBe('workspace');
    const parts: Record<string, unknown[]> = {};
    for (const record of rest) {
      const member = `${record.resource_type}s`;
      parts[member] = [...(parts[member] ?? []), record];
    }
    // Pretty-printed, as a JSON document might be: many lines, one object.
    const document = JSON.stringify({ ...workspace, ...parts }, null, 2);
    const dir = await tempDir();
    const file = join(dir, 'organization-document.json.gz');
    await writeFile(file, gzipSync(document));
    const db = join(dir, 'document.duckdb');
    const result = await load([file, '--duckdb', db]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /^warning: .*organization-document\.json\.gz is one JSON document: its arrays of records \(attachments, custom_fields, .*\) are loaded as records of their own$/m,
    );
    const types = Object.keys(stored.byResourceType);
    expect(await tableRows(db, types)).toEqual(expectedRows([entries]));
    expect(await query(db, 'SELECT gid, name, _extra FROM workspace')).toEqual([
      { gid: workspace?.gid, name: workspace?.name, _extra: null },
    ]);
  });
});
