/**
 * DuckDB, opened only by `asana-export load`: its native binding (tens of MB, one package per
 * platform) is imported when a load starts, so no other command pays for it or needs it. Every
 * failure of DuckDB's own (a locked file, a full disk, a statement it refuses) becomes a
 * `DatabaseError`.
 */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { CancelledError } from '../../protocol/errors.js';
import { printable } from '../../protocol/text.js';
import { DatabaseError } from './database-error.js';

export const DUCKDB_PACKAGE = '@duckdb/node-api';

type Row = Record<string, unknown>;

/**
 * How DuckDB's Node API is imported. The CLI finds it in its own node_modules (the default); the
 * GitHub Action, whose bundle leaves the native binding out, installs it into the runner's tool
 * cache and imports it from there.
 */
export type DuckDBImport = () => Promise<typeof import('@duckdb/node-api')>;

const importInstalled: DuckDBImport = () => import('@duckdb/node-api');

export interface Database {
  run(sql: string): Promise<void>;
  rows(sql: string): Promise<Row[]>;
  close(): void;
}

export async function openDatabase(
  path: string,
  settings: Readonly<Record<string, string>>,
  signal: AbortSignal,
  importDuckDB: DuckDBImport = importInstalled,
): Promise<Database> {
  let api: typeof import('@duckdb/node-api');
  try {
    api = await importDuckDB();
  } catch (error) {
    throw new DatabaseError(
      `DuckDB could not be loaded on this platform (${process.platform}-${process.arch}): ${printable(String((error as Error).message ?? error), 300)}`,
      {
        hint: `load needs the package ${DUCKDB_PACKAGE} and its native binding for this platform: install it beside asana-export (npm install ${DUCKDB_PACKAGE}). Every other command works without it.`,
        cause: error,
      },
    );
  }
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  try {
    instance = await api.DuckDBInstance.create(path, { ...settings });
    connection = await instance.connect();
  } catch (error) {
    throw asDatabaseError(error, `open ${printable(path, 300)}`);
  }
  // Ctrl-C interrupts the running statement: it fails, and the export's transaction rolls back.
  const interrupt = () => connection.interrupt();
  signal.addEventListener('abort', interrupt, { once: true });
  const failure = (error: unknown) =>
    signal.aborted
      ? new CancelledError('The load', { cause: error })
      : asDatabaseError(error, 'load');
  return {
    async run(sql) {
      if (signal.aborted) throw failure(undefined);
      try {
        await connection.run(sql);
      } catch (error) {
        throw failure(error);
      }
    },
    async rows(sql) {
      if (signal.aborted) throw failure(undefined);
      try {
        return (await connection.runAndReadAll(sql)).getRowObjectsJson();
      } catch (error) {
        throw failure(error);
      }
    },
    close() {
      signal.removeEventListener('abort', interrupt);
      connection.closeSync();
      instance.closeSync();
    },
  };
}

function asDatabaseError(error: unknown, what: string): DatabaseError {
  const message = error instanceof Error ? error.message : String(error);
  return new DatabaseError(`DuckDB could not ${what}: ${printable(message, 500)}`, {
    hint: /lock/i.test(message)
      ? 'Another process has the database open: close it (a DuckDB shell, a notebook), then run again.'
      : /memory/i.test(message)
        ? 'Raise --memory-limit, or free space where the database is: DuckDB spills what does not fit beside it.'
        : undefined,
    cause: error,
  });
}
