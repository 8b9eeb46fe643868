import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { RevisionChanges, Sandbox } from '@asana-exports/sandbox';
import { DuckDBInstance } from '@duckdb/node-api';
import { expect } from 'vitest';
import { type Manifest, manifestSchema } from '../../src/protocol/manifest.js';
import { runCli, tempDir } from './sandbox.js';

export type Kind = 'graph' | 'resource' | 'organization';

export interface Stored {
  readonly path: string;
  readonly manifest: Manifest;
  readonly changes: RevisionChanges | undefined;
  /** Lines per resource type, as the sandbox counted them while it wrote the file. */
  readonly byResourceType: Record<string, number>;
}

export type JsonRecord = Record<string, unknown> & { resource_type?: string; gid?: string };

export const fastPoll = ['--poll-interval', '50ms', '--poll-max-interval', '200ms'];

export function targetArgs(kind: Kind, target: string): string[] {
  switch (kind) {
    case 'graph':
      return ['--kind', 'graph', '--parent', target];
    case 'resource':
      return ['--kind', 'resource', '--workspace', target, '--resource-types', 'task,message,team'];
    case 'organization':
      return ['--kind', 'organization', '--organization', target];
  }
}

/** An export of `target` at `revision`, downloaded by the CLI, with the sandbox's tally. */
export async function exportAt(
  sandbox: Sandbox,
  kind: Kind,
  target: string,
  revision: number,
  extra: readonly string[] = [],
): Promise<Stored> {
  const out = await tempDir();
  sandbox.configure({ revision });
  const result = await runCli(
    [
      'run',
      ...targetArgs(kind, target),
      '--out',
      out,
      '--base-url',
      sandbox.apiUrl,
      ...fastPoll,
      ...extra,
    ],
    { ASANA_TOKEN: sandbox.token },
  );
  expect(result.code, result.stderr).toBe(0);
  const manifest = manifestSchema.parse(JSON.parse(result.stdout));
  const file = manifest.encryption?.file.name ?? manifest.file.name;
  const info = await sandbox.exportFile(manifest.jobGid ?? manifest.exportGid ?? '');
  return {
    path: join(out, file),
    manifest,
    changes: info.changes,
    byResourceType: info.byResourceType,
  };
}

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
