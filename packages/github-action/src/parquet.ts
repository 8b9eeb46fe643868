/**
 * `parquet: true`: the verified export loaded into a temporary DuckDB database (the core's
 * `loadExports`, as `asana-export load --parquet` runs it) and each table written as Parquet
 * beside the export, named `<export file stem>.<table>.parquet` so that no name can meet one of
 * the export's own files in the artifact.
 */

import { mkdtemp, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type DuckDBImport, type LoadOptions, loadExports } from '@asana-exports/core/node';

/** The load's memory limit: a hosted runner has 7 GB or more; DuckDB spills beyond it. */
const MEMORY_LIMIT: LoadOptions['memoryLimit'] = { bytes: 2 ** 30 };

export interface ParquetTables {
  /** Paths beside the export, in the order DuckDB wrote them. */
  readonly files: readonly string[];
  /** Rows per table, the load's history table (`_asana_export_history`) included. */
  readonly tables: Readonly<Record<string, number>>;
  /** Schema drift and records that could not be loaded, as `asana-export load` reports them. */
  readonly warnings: readonly string[];
}

export async function writeParquetBeside(
  exportPath: string,
  options: {
    readonly duckdb: DuckDBImport;
    readonly signal: AbortSignal;
  },
): Promise<ParquetTables> {
  // Beside the export, on its disk: the files are renamed, not copied, next to it.
  const work = await mkdtemp(join(dirname(exportPath), '.parquet-'));
  try {
    const parquetDir = join(work, 'parquet');
    const result = await loadExports({
      exports: [exportPath],
      database: join(work, 'export.duckdb'),
      parquetDir,
      force: false,
      memoryLimit: MEMORY_LIMIT,
      identities: [],
      now: () => new Date(),
      signal: options.signal,
      duckdb: options.duckdb,
    });
    const stem = basename(exportPath).replace(/\.jsonl?\.gz$/, '');
    const files: string[] = [];
    for (const written of result.parquet ?? []) {
      const target = join(dirname(exportPath), `${stem}.${basename(written)}`);
      await rename(written, target);
      files.push(target);
    }
    return { files, tables: result.tables, warnings: result.warnings };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
