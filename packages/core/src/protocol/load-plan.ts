/**
 * What `asana-export load` does to a DuckDB database, decided without I/O: the tables and their
 * columns (from `record-schemas.ts`), the SQL that fills them from a staging table of raw JSON
 * records, which of two versions of a record wins, and the `--memory-limit` it runs under. The
 * node side (`node/load/`) only runs these statements.
 *
 * One table per `resource_type`: the schema's fields as typed columns, the record's other fields
 * in `_extra` (JSON), and the provenance columns below. A record is keyed by its gid; a record
 * without one (graph exports' links) by the MD5 of its JSON, so the same link loaded twice is one
 * row.
 */
import { InputError } from './errors.js';
import { formatBytes } from './format.js';
import { quoteUserValue } from './params.js';
import type { FieldSchema, FieldType, RecordSchema } from './record-schemas.js';

/** One row per export loaded: which file, what it held, when, under which schemas. */
export const HISTORY_TABLE = '_asana_export_history';

/** DuckDB's type for each schema type. */
export const COLUMN_TYPES: Readonly<Record<FieldType, string>> = {
  string: 'VARCHAR',
  boolean: 'BOOLEAN',
  integer: 'BIGINT',
  number: 'DOUBLE',
  date: 'DATE',
  'date-time': 'TIMESTAMPTZ',
  object: 'JSON',
  array: 'JSON',
};

/**
 * The columns every table has after the schema's. `_export_sha256` (the content's SHA-256, as
 * `_asana_export_history.sha256`) is the export the row's values come from; `_changed_in` the
 * export in which the record last appeared new or different, so "changed since the last export"
 * is one comparison.
 */
export const PROVENANCE_COLUMNS: readonly (readonly [name: string, type: string])[] = [
  ['_extra', 'JSON'],
  ['_key', 'VARCHAR'],
  ['_hash', 'VARCHAR'],
  ['_export_gid', 'VARCHAR'],
  ['_export_sha256', 'VARCHAR'],
  ['_export_at', 'TIMESTAMPTZ'],
  ['_changed_in', 'VARCHAR'],
  ['_loaded_at', 'TIMESTAMPTZ'],
];

export const HISTORY_COLUMNS: readonly (readonly [name: string, type: string])[] = [
  ['sha256', 'VARCHAR'],
  ['export_gid', 'VARCHAR'],
  ['file', 'VARCHAR'],
  ['kind', 'VARCHAR'],
  ['target', 'VARCHAR'],
  ['completed_at', 'TIMESTAMPTZ'],
  ['records', 'BIGINT'],
  ['records_by_type', 'JSON'],
  ['loaded_at', 'TIMESTAMPTZ'],
  ['schema_version', 'INTEGER'],
];

/** The staging table each export is read into, one raw JSON object per row. */
export const STAGING_TABLE = '_asana_export_staging';
/** The records of one type from one export, typed and deduplicated, before they are merged. */
export const INCOMING_TABLE = '_asana_export_incoming';
/** The staging row of each key's version that is loaded. */
export const WINNERS_TABLE = '_asana_export_winners';

const TABLE_NAME = /^[a-z][a-z0-9_]{0,62}$/;

/**
 * The table of a resource type, or undefined when the type cannot be a table name (it came from
 * the file: nothing from outside becomes SQL unless it is a plain lower-case name).
 */
export function tableNameFor(resourceType: string): string | undefined {
  return TABLE_NAME.test(resourceType) ? resourceType : undefined;
}

/** A DuckDB identifier, always quoted. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A DuckDB string literal. */
export function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** The columns of a type's table, in order: the schema's fields, then the provenance. */
export function tableColumns(
  schema: RecordSchema | undefined,
): (readonly [name: string, type: string])[] {
  const fields = schemaFields(schema).map(
    (field) => [field.name, COLUMN_TYPES[field.type]] as const,
  );
  return [...fields, ...PROVENANCE_COLUMNS];
}

export function createTableSql(
  table: string,
  columns: readonly (readonly [string, string])[],
): string {
  const list = columns.map(([name, type]) => `${quoteIdentifier(name)} ${type}`).join(', ');
  return `CREATE TABLE IF NOT EXISTS ${quoteIdentifier(table)} (${list})`;
}

/** Columns a table made by an earlier version lacks: added, never dropped. */
export function addColumnSql(table: string, name: string, type: string): string {
  return `ALTER TABLE ${quoteIdentifier(table)} ADD COLUMN ${quoteIdentifier(name)} ${type}`;
}

/** The fields that get a column of their own (`resource_type` is the table itself). */
function schemaFields(schema: RecordSchema | undefined): readonly FieldSchema[] {
  return (schema?.fields ?? []).filter(
    (field) => field.name !== 'resource_type' && !field.name.startsWith('_'),
  );
}

/** When the record says it was last modified, for picking the newer of two versions. */
function modifiedExpression(schema: RecordSchema | undefined, alias: string): string {
  const column = schemaFields(schema).find((field) => field.name === 'modified_at');
  return column?.type === 'date-time'
    ? `${alias}.${quoteIdentifier('modified_at')}`
    : `TRY_CAST(json_extract_string(${alias}._extra, '$.modified_at') AS TIMESTAMPTZ)`;
}

export interface ExportProvenance {
  readonly exportGid: string | undefined;
  /** The content's SHA-256: the export's key in the history table. */
  readonly sha256: string;
  /** When the export was made (its manifest's completedAt), ISO 8601. */
  readonly exportAt: string;
  /** When this load started, ISO 8601. */
  readonly loadedAt: string;
}

/**
 * Fills `INCOMING_TABLE` with the records of one type from the staging table, typed: of each key
 * only the version `winnersSql` picked.
 */
export function incomingSql(
  resourceType: string,
  schema: RecordSchema | undefined,
  provenance: ExportProvenance,
): string[] {
  return [
    `CREATE OR REPLACE TEMP TABLE ${INCOMING_TABLE} AS ${typedRecords(resourceType, schema, provenance)}`,
  ];
}

/**
 * Into a type's table that is still empty, the same records go straight in: there is nothing to
 * merge with, and the copy through `INCOMING_TABLE` is most of a first load's time.
 */
export function firstLoadSql(
  table: string,
  resourceType: string,
  schema: RecordSchema | undefined,
  provenance: ExportProvenance,
): string[] {
  return [
    `INSERT INTO ${quoteIdentifier(table)} BY NAME ${typedRecords(resourceType, schema, provenance)}`,
  ];
}

/**
 * The staging row of the version of each key that is loaded, for every type in one pass over the
 * staging table: the one modified last, and of those the last in the file. Picked by an aggregate
 * over (key, line) pairs, so that only the winners are typed: a window over the typed rows holds
 * them all at once and runs out of memory long before DuckDB's limit. A pass per type read the
 * whole staging table each time: 8 types of a 4 GB export, 5 s each for the smallest.
 */
export function winnersSql(): string {
  const modified = "TRY_CAST(json_extract_string(json, '$.modified_at') AS TIMESTAMPTZ)";
  return [
    `CREATE OR REPLACE TEMP TABLE ${WINNERS_TABLE} AS`,
    `SELECT resource_type, max_by(rowid, struct_pack(m := coalesce(${modified}, '-infinity'::TIMESTAMPTZ), r := rowid)) AS line`,
    `FROM ${STAGING_TABLE} WHERE resource_type IS NOT NULL`,
    `GROUP BY resource_type, ${KEY_EXPRESSION}`,
  ].join('\n');
}

function typedRecords(
  resourceType: string,
  schema: RecordSchema | undefined,
  provenance: ExportProvenance,
): string {
  const fields = schemaFields(schema);
  // One parse of each record into every typed column (a json_extract per column parses it once
  // per column, and holds them all: out of memory on a 100 MB export). A value that does not
  // fit its column's type is NULL there; a JSON null is SQL NULL, so `assignee IS NULL` says it.
  const structure = JSON.stringify(
    Object.fromEntries(fields.map((field) => [field.name, COLUMN_TYPES[field.type]])),
  );
  const typed =
    fields.length === 0 ? [] : [`unnest(json_transform(json, ${quoteLiteral(structure)}))`];
  // RFC 7396: a null in the patch removes the key, so `_extra` is what no column holds.
  const removed = JSON.stringify(
    Object.fromEntries(
      ['resource_type', ...fields.map((field) => field.name)].map((n) => [n, null]),
    ),
  );
  const literal = (text: string | undefined) => (text === undefined ? 'NULL' : quoteLiteral(text));
  const sha = quoteLiteral(provenance.sha256);
  const type = quoteLiteral(resourceType);
  return [
    'SELECT',
    [
      ...typed,
      `nullif(json_merge_patch(json, ${quoteLiteral(removed)}), '{}'::JSON) AS _extra`,
      `${KEY_EXPRESSION} AS _key`,
      'md5(json::VARCHAR) AS _hash',
      `${literal(provenance.exportGid)} AS _export_gid`,
      `${sha} AS _export_sha256`,
      `${quoteLiteral(provenance.exportAt)}::TIMESTAMPTZ AS _export_at`,
      `${sha} AS _changed_in`,
      `${quoteLiteral(provenance.loadedAt)}::TIMESTAMPTZ AS _loaded_at`,
    ].join(', '),
    `FROM ${STAGING_TABLE} WHERE resource_type = ${type}`,
    `AND rowid IN (SELECT line FROM ${WINNERS_TABLE} WHERE resource_type = ${type})`,
  ].join('\n');
}

/** A record's key: its gid, or for a record without one (a link), the MD5 of its JSON. */
const KEY_EXPRESSION = "coalesce(json_extract_string(json, '$.gid'), 'md5:' || md5(json::VARCHAR))";

/**
 * Merges `INCOMING_TABLE` into a type's table. A version replaces the stored one when it was
 * modified later, or, modified at the same time (or neither says when), when its export is not
 * older: so the order exports are loaded in does not matter, and an old export loaded after a
 * new one changes nothing. A record whose content did not change keeps the `_changed_in` it had.
 * Records absent from a later export stay: an increment cannot tell removed from unchanged.
 */
export function mergeSql(table: string, schema: RecordSchema | undefined): string[] {
  const target = quoteIdentifier(table);
  const incoming = modifiedExpression(schema, 'i');
  const stored = modifiedExpression(schema, 't');
  const inf = "'-infinity'::TIMESTAMPTZ";
  const wins =
    `(coalesce(${incoming}, ${inf}) > coalesce(${stored}, ${inf}) OR ` +
    `(${incoming} IS NOT DISTINCT FROM ${stored} AND i._export_at >= t._export_at))`;
  return [
    `UPDATE ${INCOMING_TABLE} AS i SET _changed_in = t._changed_in FROM ${target} AS t WHERE t._key = i._key AND t._hash = i._hash`,
    `DELETE FROM ${target} AS t USING ${INCOMING_TABLE} AS i WHERE t._key = i._key AND ${wins}`,
    `INSERT INTO ${target} BY NAME SELECT i.* FROM ${INCOMING_TABLE} AS i WHERE NOT EXISTS (SELECT 1 FROM ${target} AS t WHERE t._key = i._key)`,
  ];
}

/** Reads one export's records into the staging table, DuckDB doing the gzip and the JSON. */
export function stagingSql(path: string, format: 'json' | 'jsonl'): string {
  // `auto` reads a JSON array of records as well as one record per line. A record may be up to
  // DuckDB's maximum_object_size (16 MiB): each reading thread holds a buffer of about twice it.
  const layout = format === 'jsonl' ? 'newline_delimited' : 'auto';
  return [
    `CREATE OR REPLACE TEMP TABLE ${STAGING_TABLE} AS`,
    // The table keeps the file's order (DuckDB's preserve_insertion_order): its rowid is the line.
    "SELECT json, json_extract_string(json, '$.resource_type') AS resource_type",
    `FROM read_json_objects(${quoteLiteral(path)}, format = '${layout}', compression = 'gzip')`,
  ].join('\n');
}

/**
 * An organization export that is one JSON document (Asana documents only "JSON format"; the
 * sandbox's, and older ones, are a record a line) is split into its parts: each member that is
 * an array of records (objects with a resource_type) gives records of their own, and the
 * document without those members is a record too when it has a resource_type (the workspace).
 * First the document's rowid and members' names (`documentPartsSql`, on a staging table of that
 * one row: rowids inside a transaction do not start at 0), then the statements for those members.
 */
export function documentPartsSql(): string {
  return [
    `SELECT DISTINCT s.rowid AS id, m.key AS key FROM ${STAGING_TABLE} AS s, json_each(s.json) AS m, json_each(m.value) AS e`,
    `WHERE m.type = 'ARRAY' AND e.type = 'OBJECT' AND json_extract_string(e.value, '$.resource_type') IS NOT NULL`,
    'ORDER BY key',
  ].join('\n');
}

export function splitDocumentSql(rowid: string, members: readonly string[]): string[] {
  if (!/^\d+$/.test(rowid)) throw new RangeError('splitDocumentSql needs a rowid');
  const patch = quoteLiteral(JSON.stringify(Object.fromEntries(members.map((key) => [key, null]))));
  const names = members.map(quoteLiteral).join(', ');
  return [
    [
      `INSERT INTO ${STAGING_TABLE} SELECT e.value AS json, json_extract_string(e.value, '$.resource_type') AS resource_type`,
      `FROM ${STAGING_TABLE} AS s, json_each(s.json) AS m, json_each(m.value) AS e`,
      `WHERE s.rowid = ${rowid} AND m.key IN (${names}) AND e.type = 'OBJECT' AND json_extract_string(e.value, '$.resource_type') IS NOT NULL`,
    ].join('\n'),
    `UPDATE ${STAGING_TABLE} SET json = json_merge_patch(json, ${patch}) WHERE rowid = ${rowid}`,
    `DELETE FROM ${STAGING_TABLE} WHERE rowid = ${rowid} AND resource_type IS NULL`,
  ];
}

/** `--memory-limit`: the most memory the whole load may take (the process's peak RSS). */
export interface MemoryLimit {
  readonly bytes: number;
}

export const DEFAULT_MEMORY_LIMIT = '1GB';

const MiB = 2 ** 20;
/**
 * Memory DuckDB's buffer manager does not count, measured as a load's peak RSS above DuckDB's
 * memory_limit (sandbox graph exports, two threads, `node bench/load.mjs`): Node with DuckDB's
 * library loaded is 154 MiB before the first statement; the whole excess was 268 MiB for 1 GB,
 * and 290 to 430 MiB over three runs for 4 GB (one thread: 70 MiB less). So 256 MiB, and 128 MiB
 * a thread (each reading thread's JSON buffers, each task's vectors), which holds the worst seen.
 */
const RESERVED_BYTES = 256 * MiB;
const RESERVED_PER_THREAD_BYTES = 128 * MiB;
/** DuckDB's own share a thread should have at least: less, and it spends its time spilling. */
const DUCKDB_PER_THREAD_BYTES = 192 * MiB;
/** The least `--memory-limit`: the reserve for one thread, and 128 MiB for DuckDB. */
const MIN_MEMORY_BYTES = 512 * MiB;

const UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** `--memory-limit 2GB`, `512MiB`: checked here, so DuckDB never sees a value it would refuse. */
export function parseMemoryLimit(input: string, text: string): MemoryLimit {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(text);
  const unit = match?.[2]?.toLowerCase();
  const factor = unit === undefined ? undefined : UNITS[unit];
  if (match === null || factor === undefined) {
    throw new InputError(
      input,
      `${quoteUserValue(text)} is not an amount of memory`,
      'Write a number and a unit, e.g. --memory-limit 1GB or 512MiB.',
    );
  }
  const bytes = Math.floor(Number(match[1]) * factor);
  if (bytes < MIN_MEMORY_BYTES) {
    throw new InputError(
      input,
      `${quoteUserValue(text)} is less than ${formatBytes(MIN_MEMORY_BYTES)}`,
      'Give the load at least 512MiB: Node and DuckDB need about 400 MiB besides what DuckDB spills.',
    );
  }
  return { bytes };
}

/** How a load's memory limit is shared out, and the DuckDB settings that hold it to that. */
export interface MemoryPlan {
  /** The whole load's limit, as given. */
  readonly limitBytes: number;
  /** DuckDB's memory_limit: the limit less the reserve for what its buffer manager does not count. */
  readonly duckdbBytes: number;
  readonly threads: number;
  /** For DuckDB's configuration, all as strings. */
  readonly settings: Readonly<Record<string, string>>;
}

/**
 * DuckDB's memory_limit binds only its buffer manager (DuckDB's documentation says to set it to
 * 50-60% of what may be used, for that reason): the load's limit is shared out so that the
 * process as a whole stays within it. As many threads as there are cores, as long as each keeps
 * DUCKDB_PER_THREAD_BYTES of DuckDB's share; at least one.
 */
export function planMemory(limit: MemoryLimit, cores: number): MemoryPlan {
  const perThread = RESERVED_PER_THREAD_BYTES + DUCKDB_PER_THREAD_BYTES;
  const affordable = Math.floor((limit.bytes - RESERVED_BYTES) / perThread);
  const threads = Math.max(1, Math.min(Math.max(1, Math.floor(cores)), affordable));
  const duckdbBytes = limit.bytes - RESERVED_BYTES - threads * RESERVED_PER_THREAD_BYTES;
  return {
    limitBytes: limit.bytes,
    duckdbBytes,
    threads,
    settings: {
      memory_limit: `${duckdbBytes}B`,
      threads: String(threads),
      // DuckDB's jemalloc keeps freed memory for reuse unless told to give it back: with its
      // background threads purging, and a flush after each task that peaked above 16 MiB, a
      // 1 GB export's load peaked at 1,300 MiB rather than 1,581 MiB, in the same time.
      allocator_background_threads: 'true',
      allocator_flush_threshold: `${16 * MiB}B`,
    },
  };
}
