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
import { DUCKDB_PACKAGE, DUCKDB_VERSION } from './duckdb-package.js';

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
    throw duckDBMissing(error);
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

/**
 * The CLI leaves DuckDB out unless asked for (an optional peer dependency: 70 MB that backups do
 * not need), so "not installed" is the usual case and says how to install it; a package found
 * without its native binding for this platform reads differently.
 */
function duckDBMissing(error: unknown): DatabaseError {
  const said = String((error as Error)?.message ?? error);
  const install = `npm install ${DUCKDB_PACKAGE}@${DUCKDB_VERSION}`;
  const notInstalled =
    (error as NodeJS.ErrnoException)?.code === 'ERR_MODULE_NOT_FOUND' &&
    said.includes(`'${DUCKDB_PACKAGE}'`);
  if (notInstalled) {
    return new DatabaseError(`DuckDB is not installed: load needs the package ${DUCKDB_PACKAGE}`, {
      hint: `Install it where asana-export is installed (${install}, with --global if asana-export is global), or run load with npx -p asana-export -p ${DUCKDB_PACKAGE}@${DUCKDB_VERSION} asana-export load …; every other command works without it.`,
      cause: error,
    });
  }
  return new DatabaseError(
    `DuckDB could not be loaded on this platform (${process.platform}-${process.arch}): ${printable(said, 300)}`,
    {
      hint: `load needs ${DUCKDB_PACKAGE} with its native binding for this platform: reinstall it where asana-export is installed (${install}). Every other command works without it.`,
      cause: error,
    },
  );
}
