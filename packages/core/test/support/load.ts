import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';

export type JsonRecord = Record<string, unknown> & { resource_type?: string; gid?: string };

/** Every line of a plain gzip export, parsed: the test's own reading, without DuckDB. */
export async function readRecords(path: string): Promise<{ line: string; record: JsonRecord }[]> {
  const lines = createInterface({ input: createReadStream(path).pipe(createGunzip()) });
  const records: { line: string; record: JsonRecord }[] = [];
  for await (const line of lines) {
    if (line.trim() !== '') records.push({ line, record: JSON.parse(line) as JsonRecord });
  }
  return records;
}

/** A record's key as the loader's: its gid, or (links) its whole line. */
export function keyOf(entry: { line: string; record: JsonRecord }): string {
  return typeof entry.record.gid === 'string' ? entry.record.gid : `line:${entry.line}`;
}

/** Rows per type a database loaded from these exports must hold: distinct keys per type. */
export function expectedRows(
  exports: readonly { line: string; record: JsonRecord }[][],
): Record<string, number> {
  const keys = new Map<string, Set<string>>();
  for (const records of exports) {
    for (const entry of records) {
      const type = String(entry.record.resource_type);
      let set = keys.get(type);
      if (set === undefined) {
        set = new Set();
        keys.set(type, set);
      }
      set.add(keyOf(entry));
    }
  }
  return Object.fromEntries([...keys].map(([type, set]) => [type, set.size]).sort());
}

/** Runs queries on a database file, read-only, as a user's DuckDB would. */
export async function query(path: string, sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    await connection.run("SET TimeZone = 'UTC'");
    return (await connection.runAndReadAll(sql)).getRowObjectsJson();
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Rows per type table in a database (the history table left out). */
export async function tableRows(
  path: string,
  types: readonly string[],
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const type of [...types].sort()) {
    const [row] = await query(path, `SELECT count(*) AS n FROM "${type}"`);
    counts[type] = Number(row?.n);
  }
  return counts;
}
