/**
 * `asana-export load`: exports into one DuckDB database, a table per resource type, merged by
 * gid (see `protocol/load-plan.ts` for what wins), with a history of the exports loaded, and
 * optionally every table written as Parquet. DuckDB reads the gzip JSON itself, streaming, under
 * the `memory_limit` the command sets, spilling to a work folder beside the database that is
 * removed when the load ends; nothing here holds more than a chunk of an export.
 */
import { mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { AgeIdentity } from '../../protocol/age-x25519.js';
import { CancelledError, InputError } from '../../protocol/errors.js';
import {
  addColumnSql,
  createTableSql,
  documentPartsSql,
  firstLoadSql,
  HISTORY_COLUMNS,
  HISTORY_TABLE,
  INCOMING_TABLE,
  incomingSql,
  type MemoryLimit,
  type MemoryPlan,
  mergeSql,
  planMemory,
  quoteIdentifier,
  quoteLiteral,
  STAGING_TABLE,
  splitDocumentSql,
  stagingSql,
  tableColumns,
  tableNameFor,
  WINNERS_TABLE,
  winnersSql,
} from '../../protocol/load-plan.js';
import { recordSchema, SCHEMA_VERSION, unknownFields } from '../../protocol/record-schemas.js';
import { printable } from '../../protocol/text.js';
import { onDisk } from '../local-error.js';
import { type Database, type DuckDBImport, openDatabase } from './duckdb.js';
import { type CheckedExport, checkExport, type FoundExport, findExport } from './open-exports.js';

export interface LoadOptions {
  readonly exports: readonly string[];
  /** The DuckDB file: created, or merged into when it exists. */
  readonly database: string;
  readonly parquetDir: string | undefined;
  /** Replace .parquet files already in `parquetDir`. */
  readonly force: boolean;
  /** The whole load's, shared out between Node and DuckDB by `planMemory`. */
  readonly memoryLimit: MemoryLimit;
  readonly identities: readonly AgeIdentity[];
  readonly now: () => Date;
  /** Aborting interrupts DuckDB's statement; the export's transaction is rolled back. */
  readonly signal: AbortSignal;
  /** Where DuckDB's Node API comes from; default this package's dependency. */
  readonly duckdb?: DuckDBImport;
}

export interface LoadedExport {
  readonly file: string;
  readonly exportGid: string | undefined;
  readonly kind: string | undefined;
  readonly sha256: string;
  readonly records: number;
  /** Records per resource type, as loaded (before merging). */
  readonly byResourceType: Record<string, number>;
}

export interface LoadResult {
  readonly database: string;
  /** How the load's memory limit was shared out; `duckdb` is DuckDB's memory_limit as it reports it. */
  readonly memory: {
    readonly limitBytes: number;
    readonly duckdb: string;
    readonly threads: number;
  };
  readonly loaded: readonly LoadedExport[];
  /** Exports already in the database's history, left out. */
  readonly alreadyLoaded: readonly string[];
  /** Rows per table after the load. */
  readonly tables: Record<string, number>;
  readonly parquet: readonly string[] | undefined;
  readonly warnings: readonly string[];
}

export async function loadExports(options: LoadOptions): Promise<LoadResult> {
  const found: FoundExport[] = [];
  for (const path of options.exports) found.push(await findExport(path, options.identities));
  const existed = await checkDatabasePath(options.database);
  if (options.parquetDir !== undefined) await checkParquetDir(options.parquetDir, options.force);

  const folder = dirname(resolve(options.database));
  const workDir = await onDisk('create', folder, () =>
    mkdtemp(join(folder, `.${basename(options.database)}.load-`)),
  );
  try {
    const checked: CheckedExport[] = [];
    for (const [index, one] of found.entries()) {
      throwIfCancelled(options.signal);
      checked.push(await checkExport(one, options.identities, workDir, index));
    }
    throwIfCancelled(options.signal);
    checked.sort((a, b) => Date.parse(a.exportAt) - Date.parse(b.exportAt));
    const plan = planMemory(options.memoryLimit, availableParallelism());
    try {
      const db = await openDatabase(
        options.database,
        {
          ...plan.settings,
          temp_directory: join(workDir, 'spill'),
          // The extensions load needs (json, parquet, icu) are built in: never fetch one.
          autoinstall_known_extensions: 'false',
        },
        options.signal,
        options.duckdb,
      );
      try {
        return await loadInto(db, checked, plan, options);
      } finally {
        db.close();
      }
    } catch (error) {
      // A database this load created and did not finish is not left behind half made.
      if (!existed) {
        await rm(options.database, { force: true });
        await rm(`${options.database}.wal`, { force: true });
      }
      throw error;
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new CancelledError('The load');
}

async function loadInto(
  db: Database,
  exports: readonly CheckedExport[],
  plan: MemoryPlan,
  options: LoadOptions,
): Promise<LoadResult> {
  // Only matters to strings without an offset (Asana's all have one), but then the same everywhere.
  await db.run("SET TimeZone = 'UTC'");
  const [setting] = await db.rows(
    "SELECT current_setting('memory_limit') AS duckdb, current_setting('threads') AS threads",
  );
  await db.run(createTableSql(HISTORY_TABLE, HISTORY_COLUMNS));
  const loadedAt = options.now().toISOString();
  const warnings: string[] = [];
  const loaded: LoadedExport[] = [];
  const alreadyLoaded: string[] = [];
  for (const one of exports) {
    const known = await db.rows(
      `SELECT 1 FROM ${HISTORY_TABLE} WHERE sha256 = ${quoteLiteral(one.sha256)}`,
    );
    if (known.length > 0) {
      alreadyLoaded.push(one.shown);
      continue;
    }
    await db.run('BEGIN TRANSACTION');
    try {
      loaded.push(await loadOne(db, one, loadedAt, warnings));
      await db.run('COMMIT');
    } catch (error) {
      await db.run('ROLLBACK').catch(() => {});
      throw error;
    }
  }
  await db.run(`DROP TABLE IF EXISTS ${STAGING_TABLE}`);
  await db.run(`DROP TABLE IF EXISTS ${INCOMING_TABLE}`);
  await db.run(`DROP TABLE IF EXISTS ${WINNERS_TABLE}`);
  const tables = await tableCounts(db);
  const parquet =
    options.parquetDir === undefined
      ? undefined
      : await writeParquet(db, options.parquetDir, Object.keys(tables));
  return {
    database: options.database,
    memory: {
      limitBytes: plan.limitBytes,
      duckdb: String(setting?.duckdb ?? plan.settings.memory_limit),
      threads: Number(setting?.threads ?? plan.threads),
    },
    loaded,
    alreadyLoaded,
    tables,
    parquet,
    warnings,
  };
}

async function loadOne(
  db: Database,
  one: CheckedExport,
  loadedAt: string,
  warnings: string[],
): Promise<LoadedExport> {
  await db.run(stagingSql(one.gzipPath, one.format));
  if (one.format === 'json') await splitDocument(db, one, warnings);
  const counts = await db.rows(
    `SELECT resource_type AS type, count(*) AS n FROM ${STAGING_TABLE} GROUP BY ALL ORDER BY ALL`,
  );
  const fields = await db.rows(
    `SELECT resource_type AS type, key, count(*) AS n FROM (SELECT resource_type, unnest(json_keys(json)) AS key FROM ${STAGING_TABLE} WHERE json_type(json) = 'OBJECT') GROUP BY ALL ORDER BY ALL`,
  );
  await db.run(winnersSql());
  const byResourceType: Record<string, number> = {};
  for (const { type, n } of counts) {
    const records = Number(n);
    if (typeof type !== 'string') {
      warnings.push(
        `${one.shown}: ${records} record${records === 1 ? '' : 's'} without a resource_type, not loaded`,
      );
      continue;
    }
    const table = tableNameFor(type);
    if (table === undefined || table === HISTORY_TABLE) {
      warnings.push(
        `${one.shown}: ${records} records of resource_type ${JSON.stringify(printable(type, 80))}, which cannot be a table name, not loaded`,
      );
      continue;
    }
    const schema = recordSchema(type);
    if (schema === undefined) {
      warnings.push(
        `${one.shown}: resource_type ${type} has no schema (schemaVersion ${SCHEMA_VERSION}): its ${records} records are loaded with every field in _extra`,
      );
    } else {
      const keys = fields.filter((row) => row.type === type).map((row) => String(row.key));
      const unknown = unknownFields(Object.fromEntries(keys.map((key) => [key, true])), schema);
      if (unknown.length > 0) {
        warnings.push(
          `${one.shown}: ${type} records carry fields its schema does not list (kept in _extra): ${unknown.map((name) => printable(name, 80)).join(', ')}`,
        );
      }
    }
    await ensureTable(db, table, schema);
    const provenance = {
      exportGid: one.manifest?.exportGid,
      sha256: one.sha256,
      exportAt: one.exportAt,
      loadedAt,
    };
    const [stored] = await db.rows(
      `SELECT EXISTS (SELECT 1 FROM ${quoteIdentifier(table)}) AS any`,
    );
    const statements =
      stored?.any === true
        ? [...incomingSql(type, schema, provenance), ...mergeSql(table, schema)]
        : firstLoadSql(table, type, schema, provenance);
    for (const statement of statements) await db.run(statement);
    byResourceType[type] = records;
  }
  const manifest = one.manifest;
  const target = manifest
    ? (manifest.target.organization ?? manifest.target.workspace ?? manifest.target.parent)
    : undefined;
  const values = [
    quoteLiteral(one.sha256),
    literal(manifest?.exportGid),
    quoteLiteral(one.path),
    literal(manifest?.kind),
    literal(target),
    `${quoteLiteral(one.exportAt)}::TIMESTAMPTZ`,
    String(one.records.records),
    `${quoteLiteral(JSON.stringify(byResourceType))}::JSON`,
    `${quoteLiteral(loadedAt)}::TIMESTAMPTZ`,
    String(SCHEMA_VERSION),
  ];
  await db.run(`INSERT INTO ${HISTORY_TABLE} VALUES (${values.join(', ')})`);
  return {
    file: one.shown,
    exportGid: manifest?.exportGid,
    kind: manifest?.kind,
    sha256: one.sha256,
    records: one.records.records,
    byResourceType,
  };
}

/** A one-document organization export: its arrays of records loaded as records, said so. */
async function splitDocument(db: Database, one: CheckedExport, warnings: string[]): Promise<void> {
  // One row, however many lines it spans: DuckDB reads a document as one object.
  const [staged] = await db.rows(`SELECT count(*) AS n FROM ${STAGING_TABLE}`);
  if (Number(staged?.n) !== 1) return;
  const parts = await db.rows(documentPartsSql());
  const members = parts.map((row) => String(row.key));
  if (parts[0] === undefined) return;
  for (const statement of splitDocumentSql(String(parts[0].id), members)) await db.run(statement);
  warnings.push(
    `${one.shown} is one JSON document: its arrays of records (${members.map((name) => printable(name, 80)).join(', ')}) are loaded as records of their own`,
  );
}

function literal(text: string | undefined): string {
  return text === undefined ? 'NULL' : quoteLiteral(text);
}

/** Creates a type's table, or adds the columns a newer schema has to one made before. */
async function ensureTable(
  db: Database,
  table: string,
  schema: ReturnType<typeof recordSchema>,
): Promise<void> {
  const columns = tableColumns(schema);
  await db.run(createTableSql(table, columns));
  const existing = new Set(
    (
      await db.rows(
        `SELECT column_name FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = ${quoteLiteral(table)}`,
      )
    ).map((row) => String(row.column_name)),
  );
  for (const [name, type] of columns) {
    if (!existing.has(name)) await db.run(addColumnSql(table, name, type));
  }
}

/** Rows per table this tool made: every type the history records, and the history. */
async function tableCounts(db: Database): Promise<Record<string, number>> {
  const types = await db.rows(
    `SELECT DISTINCT unnest(json_keys(records_by_type)) AS type FROM ${HISTORY_TABLE} ORDER BY 1`,
  );
  const counts: Record<string, number> = {};
  for (const table of [...types.map((row) => String(row.type)), HISTORY_TABLE]) {
    if (tableNameFor(table) === undefined && table !== HISTORY_TABLE) continue;
    const [row] = await db.rows(`SELECT count(*) AS n FROM ${quoteIdentifier(table)}`);
    counts[table] = Number(row?.n ?? 0);
  }
  return counts;
}

/** Each table as DIR/<table>.parquet, written under a temporary name and renamed when complete. */
async function writeParquet(
  db: Database,
  dir: string,
  tables: readonly string[],
): Promise<string[]> {
  await onDisk('create', dir, () => mkdir(dir, { recursive: true }));
  const written: string[] = [];
  for (const table of tables) {
    const path = join(dir, `${table}.parquet`);
    const partial = join(dir, `.${table}.parquet.partial-${process.pid}`);
    try {
      await db.run(
        `COPY ${quoteIdentifier(table)} TO ${quoteLiteral(partial)} (FORMAT parquet, COMPRESSION zstd)`,
      );
      await onDisk('publish', path, () => rename(partial, path));
    } finally {
      await rm(partial, { force: true });
    }
    written.push(path);
  }
  return written;
}

/** Whether the database exists already (it is then merged into). */
async function checkDatabasePath(path: string): Promise<boolean> {
  const shown = printable(path, 300);
  const folder = dirname(resolve(path));
  const folderStat = await stat(folder).catch(() => undefined);
  if (!folderStat?.isDirectory()) {
    throw new InputError(
      '--duckdb',
      `the folder of ${shown} does not exist`,
      'Create the folder first, or name a database file in an existing one.',
    );
  }
  const fileStat = await stat(path).catch(() => undefined);
  if (fileStat !== undefined && !fileStat.isFile()) {
    throw new InputError(
      '--duckdb',
      `${shown} is not a file`,
      'Name a DuckDB database file: it is created, or merged into when it exists.',
    );
  }
  return fileStat !== undefined;
}

async function checkParquetDir(dir: string, force: boolean): Promise<void> {
  const shown = printable(dir, 300);
  const dirStat = await stat(dir).catch(() => undefined);
  if (dirStat === undefined) {
    const parent = await stat(dirname(resolve(dir))).catch(() => undefined);
    if (!parent?.isDirectory()) {
      throw new InputError(
        '--parquet',
        `neither ${shown} nor its parent folder exists`,
        'Name an existing folder, or a new one in an existing folder.',
      );
    }
    // Made once the load has worked (writeParquet), so a refused export leaves nothing behind.
    return;
  }
  if (!dirStat.isDirectory()) {
    throw new InputError(
      '--parquet',
      `${shown} is not a folder`,
      'Name a folder for the .parquet files.',
    );
  }
  const existing = (await readdir(dir)).filter((name) => name.endsWith('.parquet'));
  if (existing.length > 0 && !force) {
    throw new InputError(
      '--parquet',
      `${shown} already holds ${existing.length} .parquet file${existing.length === 1 ? '' : 's'} (${printable(existing.slice(0, 3).join(', '), 200)}${existing.length > 3 ? ', ...' : ''})`,
      'Pass --force to replace them (each is written under a temporary name, then renamed), or name an empty folder.',
    );
  }
}
