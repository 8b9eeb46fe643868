/**
 * `asana-export load EXPORT... --duckdb FILE [--parquet DIR]`: downloaded exports into DuckDB
 * tables (and Parquet files), for analysis. Prints what was loaded as JSON on stdout; warnings
 * (schema drift) and a summary, with the memory limit DuckDB ran under, on stderr.
 */
import { readIdentities } from '../node/export-file.js';
import { type LoadResult, loadExports } from '../node/load/load-exports.js';
import { formatDuration } from '../protocol/format.js';
import type { LoadArgs } from './args.js';

export interface LoadOutcome {
  readonly result: LoadResult;
  readonly notes: readonly string[];
}

export async function runLoad(args: LoadArgs, signal: AbortSignal): Promise<LoadOutcome> {
  const started = Date.now();
  const identities = await readIdentities(args.identities);
  const result = await loadExports({
    exports: args.exports,
    database: args.duckdb,
    parquetDir: args.parquetDir,
    force: args.force,
    memoryLimit: args.memoryLimit,
    identities,
    now: () => new Date(),
    signal,
  });
  const records = result.loaded.reduce((total, one) => total + one.records, 0);
  const tables = Object.keys(result.tables).filter((name) => !name.startsWith('_'));
  const notes = [
    ...result.warnings.map((warning) => `warning: ${warning}`),
    ...result.alreadyLoaded.map((file) => `skipped: ${file} is already in the database's history`),
    `Loaded ${result.loaded.length} export${result.loaded.length === 1 ? '' : 's'} (${records} records) into ${result.database}: ${tables.length} table${tables.length === 1 ? '' : 's'} (${tables.map((name) => `${name} ${result.tables[name]}`).join(', ')}) in ${formatDuration(Date.now() - started)}; memory limit ${args.memoryLimitText}: DuckDB memory_limit ${result.memory.duckdb}, ${result.memory.threads} thread${result.memory.threads === 1 ? '' : 's'}, the rest for Node and what DuckDB does not count`,
    ...(result.parquet === undefined
      ? []
      : [`Parquet: ${result.parquet.length} files in ${args.parquetDir}`]),
  ];
  return { result, notes };
}
