import { join } from 'node:path';
import type { Sandbox } from '@asana-exports/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_QUERIES } from '../src/protocol/load-queries.js';
import { exportAt } from './support/exports.js';
import {
  expectedRows,
  type JsonRecord,
  keyOf,
  query,
  readRecords,
  tableRows,
} from './support/load.js';
import { runCli, startTestSandbox, tempDir } from './support/sandbox.js';

// Increments: two exports of one target at revisions 0 and 1 of the sandbox's workspace (some
// records removed, edited and added, a custom field renamed), loaded one after the other into one
// database. What the tables must hold is worked out from both files' records; what changed is
// also the sandbox's own tally.
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox({ contentBytes: 256 * 1024 });
});
afterAll(async () => {
  await sandbox.close();
});

let nextTarget = 1491000000000000;

async function load(args: readonly string[]) {
  const result = await runCli(['load', ...args], {});
  expect(result.code, result.stderr).toBe(0);
  return result;
}

/** Each table's keys and content hashes, in order: what two databases must agree on. */
async function contents(db: string, types: readonly string[]) {
  const all: Record<string, unknown[]> = {};
  for (const type of types) {
    all[type] = await query(db, `SELECT _key, _hash, _export_sha256 FROM "${type}" ORDER BY _key`);
  }
  return all;
}

describe('asana-export load, increments', () => {
  it.each(['graph', 'organization', 'resource'] as const)(
    'merges a later %s export by gid: the newer versions win, nothing is lost, the order does not matter',
    async (kind) => {
      const target = String(nextTarget++);
      const older = await exportAt(sandbox, kind, target, 0);
      const newer = await exportAt(sandbox, kind, target, 1);
      const oldRecords = await readRecords(older.path);
      const newRecords = await readRecords(newer.path);
      const types = Object.keys({ ...older.byResourceType, ...newer.byResourceType });

      const db = join(await tempDir(), 'merged.duckdb');
      await load([older.path, '--duckdb', db]);
      const second = await load([newer.path, '--duckdb', db]);
      // Removed records stay (an increment cannot tell removed from unchanged), added ones join.
      expect(await tableRows(db, types)).toEqual(expectedRows([oldRecords, newRecords]));
      expect(second.stderr).toMatch(/Loaded 1 export/);

      // Every record of the newer export is there as the newer export has it.
      const newest = new Map(newRecords.map((entry) => [keyOf(entry), entry.record]));
      const tasks = await query(db, 'SELECT gid, name, _export_sha256 FROM task');
      expect(tasks.length).toBeGreaterThan(0);
      for (const row of tasks) {
        const record = newest.get(String(row.gid)) as JsonRecord | undefined;
        if (record !== undefined) expect(row.name).toBe(record.name);
      }
      const [history] = await query(
        db,
        'SELECT count(*) AS n, count(DISTINCT sha256) AS exports FROM _asana_export_history',
      );
      expect(history).toEqual({ n: '2', exports: '2' });

      // The same export again is skipped, and changes nothing.
      const again = await load([newer.path, '--duckdb', db]);
      expect(again.stderr).toMatch(/skipped: .* is already in the database's history/);
      expect(await tableRows(db, types)).toEqual(expectedRows([oldRecords, newRecords]));

      // Loaded the other way round, in one run, the tables are the same.
      const reversed = join(await tempDir(), 'reversed.duckdb');
      await load([newer.path, older.path, '--duckdb', reversed]);
      const reversedFirst = join(await tempDir(), 'reversed-first.duckdb');
      await load([newer.path, '--duckdb', reversedFirst]);
      await load([older.path, '--duckdb', reversedFirst]);
      const want = await contents(db, types);
      expect(await contents(reversed, types)).toEqual(want);
      expect(await contents(reversedFirst, types)).toEqual(want);
    },
  );
});

describe('the documented example queries, on sandbox data', () => {
  const today = new Date().toISOString().slice(0, 10);

  it('answer what the records say: overdue by assignee, messages per team per month, changed since the last export', async () => {
    const target = String(nextTarget++);
    const older = await exportAt(sandbox, 'resource', target, 0);
    const newer = await exportAt(sandbox, 'resource', target, 1);
    const db = join(await tempDir(), 'queries.duckdb');
    await load([older.path, '--duckdb', db]);
    await load([newer.path, '--duckdb', db]);
    const oldRecords = await readRecords(older.path);
    const newRecords = await readRecords(newer.path);

    // The current tasks and messages: the newer version of each, and those only the older has.
    const current = new Map<string, JsonRecord>();
    for (const entry of [...oldRecords, ...newRecords]) current.set(keyOf(entry), entry.record);
    const records = [...current.values()];

    const overdue = new Map<string | null, number>();
    for (const task of records.filter((record) => record.resource_type === 'task')) {
      if (task.completed !== false || typeof task.due_on !== 'string' || task.due_on >= today) {
        continue;
      }
      const name = (task.assignee as { name?: string } | null)?.name ?? null;
      overdue.set(name, (overdue.get(name) ?? 0) + 1);
    }
    const overdueRows = await query(db, EXAMPLE_QUERIES.overdueByAssignee.sql);
    expect(overdueRows.length).toBeGreaterThan(3);
    expect(sorted(overdueRows.map((row) => [row.assignee, Number(row.overdue)]))).toEqual(
      sorted([...overdue]),
    );
    // Most overdue first.
    const counts = overdueRows.map((row) => Number(row.overdue));
    expect(counts).toEqual([...counts].sort((a, b) => b - a));

    const perTeamMonth = new Map<string, number>();
    for (const message of records.filter((record) => record.resource_type === 'message')) {
      for (const parent of (message.parents ?? []) as { resource_type: string; name: string }[]) {
        if (parent.resource_type !== 'team') continue;
        const key = JSON.stringify([parent.name, String(message.created_at).slice(0, 7)]);
        perTeamMonth.set(key, (perTeamMonth.get(key) ?? 0) + 1);
      }
    }
    const messageRows = await query(db, EXAMPLE_QUERIES.messagesPerTeamPerMonth.sql);
    expect(messageRows.length).toBeGreaterThan(3);
    expect(
      sorted(
        messageRows.map((row) => [JSON.stringify([row.team, row.month]), Number(row.messages)]),
      ),
    ).toEqual(sorted([...perTeamMonth]));

    // Changed since the last export: tasks the newer export added, or holds otherwise than the
    // older did; exactly the sandbox's tally of added and changed tasks.
    const before = new Map(oldRecords.map((entry) => [keyOf(entry), entry.line]));
    const changed = newRecords
      .filter((entry) => entry.record.resource_type === 'task')
      .filter((entry) => before.get(keyOf(entry)) !== entry.line)
      .map((entry) => String(entry.record.gid))
      .sort();
    const tally = newer.changes?.byResourceType.task;
    expect(changed.length).toBe((tally?.added ?? 0) + (tally?.changed ?? 0));
    expect(changed.length).toBeGreaterThan(0);
    const changedRows = await query(db, EXAMPLE_QUERIES.tasksChangedSinceLastExport.sql);
    expect(changedRows.map((row) => String(row.gid)).sort()).toEqual(changed);
  });
});

function sorted(pairs: readonly (readonly [unknown, number])[]): string[] {
  return pairs.map((pair) => JSON.stringify(pair)).sort();
}
