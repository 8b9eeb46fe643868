// The Node adapter: undici transport, timers, files and zlib, for the CLI and the GitHub Action.
// Re-exports the protocol so a Node user needs one import.
export * from '../protocol/index.js';
export { systemClock } from './clock.js';
export {
  type OpenStoreOptions,
  openStore,
  type StoreInputNames,
  type StorePlace,
  type StoreSettings,
  withStore,
} from './destination-store.js';
export {
  type DiffFileInput,
  type DiffFilesOptions,
  type DiffResult,
  diffExportFiles,
} from './diff-exports.js';
export { createUndiciDownloadSource } from './download-source.js';
export {
  assertFree,
  createFileSink,
  type FileSinkOptions,
  type VerifiedFile,
} from './file-sink.js';
export { GzipVerifier, type VerifyOptions } from './gzip-verifier.js';
export { writeJsonFileExclusive } from './json-file.js';
export {
  type DestinationPlace,
  type FoundExports,
  lastExportAtDestination,
  lastExportInFolder,
  lastExportInStore,
} from './last-export.js';
export type { DuckDBImport } from './load/duckdb.js';
export { DUCKDB_VERSION } from './load/duckdb-package.js';
export { type LoadOptions, type LoadResult, loadExports } from './load/load-exports.js';
export { type RunToFileOptions, type RunToFileResult, runExportToFile } from './run-to-file.js';
export { type RunToStoreOptions, type RunToStoreResult, runExportToStore } from './run-to-store.js';
export { createNodeRuntime, type NodeRuntime, type NodeRuntimeOptions } from './runtime.js';
export { copyStoredObject, type StoreFileOptions, storeFile } from './store-file.js';
export { createUndiciStoreHttp } from './store-http.js';
export { diffStoredExports, type StoredDiffOptions } from './stored-diff.js';
export { ASANA_BASE_URL, createUndiciTransport } from './transport.js';
export {
  digestFile,
  type EncryptedFileVerification,
  type FileDigest,
  type FileVerification,
  verifyEncryptedGzipFile,
  verifyGzipFile,
} from './verify-file.js';
