/**
 * `parquet: true` with `destination`: the export was streamed into the bucket or container and
 * never kept on the runner, so it is read back from there (which also proves the stored object
 * whole: DuckDB reads every record of it), loaded into Parquet tables as `parquet: true` does for
 * an artifact (`writeParquetBeside`, the same names), and each table stored beside the export,
 * through the export's own multipart upload: published only complete, write-once, with its
 * retention and storage options.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import {
  type Clock,
  copyStoredObject,
  type DuckDBImport,
  type ObjectReader,
  type ObjectStore,
  storeFile,
} from '@asana-exports/core/node';
import { type ParquetTables, writeParquetBeside } from './parquet.js';

/** Apache Parquet's registered media type. */
const PARQUET_MEDIA_TYPE = 'application/vnd.apache.parquet';

export interface StoredParquet extends ParquetTables {
  /** The tables' keys in the store, beside the export's, in the order of `files`. */
  readonly keys: readonly string[];
}

export async function storeParquetBeside(request: {
  readonly store: ObjectStore & ObjectReader;
  /** The export just published, and its plaintext's name (the manifest's file name). */
  readonly exportKey: string;
  readonly fileName: string;
  readonly duckdb: DuckDBImport;
  readonly tempDir: string;
  readonly signal: AbortSignal;
  readonly clock: Clock;
}): Promise<StoredParquet> {
  const { store, exportKey, signal } = request;
  const work = await mkdtemp(join(request.tempDir, 'asana-export-parquet-'));
  try {
    const local = join(work, basename(request.fileName));
    if (!(await copyStoredObject(store, exportKey, local, signal))) {
      throw new Error(`${store.location(exportKey)} is gone from the store`);
    }
    const tables = await writeParquetBeside(local, { duckdb: request.duckdb, signal });
    const folder = exportKey.slice(0, exportKey.lastIndexOf('/') + 1);
    const keys: string[] = [];
    for (const file of tables.files) {
      const key = `${folder}${basename(file)}`;
      await storeFile(store, key, file, {
        contentType: PARQUET_MEDIA_TYPE,
        signal,
        clock: request.clock,
      });
      keys.push(key);
    }
    return { ...tables, keys };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
