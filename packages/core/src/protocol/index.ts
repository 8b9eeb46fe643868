export {
  type AgeDecryptor,
  type AgeEncryptor,
  ageCiphertextSize,
  createAgeDecryptor,
  createAgeEncryptor,
} from './age.js';
export { parseAgeIdentities, parseAgeRecipients } from './age-keys.js';
export { EncryptedOutput } from './age-output.js';
export type { AgeIdentity, AgeRecipient } from './age-x25519.js';
export {
  AZURE_API_VERSION,
  type AzureAccessTier,
  type AzureAuth,
  type AzureStoreOptions,
  createAzureStore,
} from './azure-store.js';
export * from './base-url.js';
export * from './client.js';
export * from './deadline.js';
export {
  checkBucket,
  checkPrefix,
  type Destination,
  formatDestination,
  parseDestination,
} from './destination.js';
export {
  DESTINATION_OPTIONS,
  type DestinationInputs,
  type DestinationOption,
  readDestinationInputs,
} from './destination-options.js';
export {
  CUSTOM_FIELDS,
  type CustomFieldChange,
  compareRecords,
  type JsonObject,
  jsonEqual,
  type RecordChanges,
} from './diff-fields.js';
export { type ComparedExport, checkComparable } from './diff-manifests.js';
export { diffMarkdown } from './diff-markdown.js';
export { MAX_COMPARED_RECORD_BYTES } from './diff-record-key.js';
export {
  type ChangedExample,
  DIFF_EXAMPLES,
  DIFF_REPORT_VERSION,
  DIFF_VALUE_CHARS,
  type DiffReport,
  type DiffSide,
  DiffTally,
  NO_GID,
  OTHER_FIELDS,
  type RecordRef,
  type TypeDiff,
} from './diff-report.js';
export {
  assertRecordsPerLine,
  DEFAULT_DIFF_BATCH_BYTES,
  type DiffStreamFigures,
  type DiffStreamSide,
  type DiffStreamsOptions,
  type DiffStreamsResult,
  diffRecordStreams,
} from './diff-streams.js';
export {
  CHANGE_COUNTS,
  type ChangeCount,
  type ChangeLimit,
  type CrossedLimit,
  crossedLimits,
  describeCrossed,
  parseChangeLimits,
} from './diff-thresholds.js';
export * from './download.js';
export * from './download-plan.js';
export * from './errors.js';
export * from './events.js';
export * from './format.js';
export {
  type FreshnessVerdict,
  judgeFreshness,
  type LastExport,
  newestExport,
  parseLatestPointer,
} from './freshness.js';
export { GzipMembers } from './gzip-members.js';
export * from './hash.js';
export * from './kinds.js';
export * from './labels.js';
export * from './limits.js';
export * from './links.js';
export * from './manifest.js';
export * from './manifest-check.js';
export {
  checkLayout,
  DEFAULT_LAYOUT,
  LATEST_VERSION,
  type LatestPointer,
  type LayoutValues,
  latestKey,
  latestPointer,
  layoutTarget,
  type ObjectKeys,
  objectKeys,
  pendingKey,
} from './object-layout.js';
export {
  createObjectSink,
  DEFAULT_PART_BYTES,
  DEFAULT_UPLOAD_CONCURRENCY,
  type ObjectSinkOptions,
  type StoredObject,
  type StreamVerifier,
} from './object-sink.js';
export type {
  ListedKeys,
  ObjectRead,
  ObjectReader,
  ObjectStore,
  PartUpload,
  PutOptions,
  StoredVersion,
  StoreRequestContext,
} from './object-store.js';
export * from './params.js';
export * from './polling.js';
export * from './ports.js';
export * from './progress-text.js';
export {
  EXPORT_LAYOUTS,
  type ExportLayout,
  type FieldSchema,
  type FieldType,
  RECORD_SCHEMAS,
  type RecordSchema,
  recordSchema,
  SCHEMA_VERSION,
  unknownFields,
} from './record-schemas.js';
export * from './records.js';
export * from './redact.js';
export * from './requests.js';
export * from './resource-lists.js';
export * from './responses.js';
export * from './resume.js';
export * from './retry.js';
export * from './run.js';
export {
  createS3Store,
  type ObjectLockMode,
  type S3ServerSideEncryption,
  type S3StoreOptions,
} from './s3-store.js';
export * from './schemas.js';
export { type AwsCredentials, signSigV4 } from './sigv4.js';
export * from './since.js';
export {
  type OpenedStoreSink,
  openStoreSink,
  type Published,
  publishBeside,
  type StoreSinkOptions,
} from './store-export.js';
export * from './store-settings.js';
export {
  checkObjectKey,
  type ExportListing,
  exportKeyBeside,
  exportListing,
  MAX_LISTED_KEYS,
  MAX_MANIFESTS_READ,
  MAX_OBJECT_KEY_BYTES,
  manifestKeyOf,
  manifestsToRead,
  previousExport,
  type StoredCandidate,
} from './stored-exports.js';
export {
  type LatestPairQuery,
  latestAndPrevious,
  latestAndPreviousKeys,
  readStoredManifest,
  type StoredExportsReader,
} from './stored-pair.js';
export * from './text.js';
export * from './version.js';
export { WHO_MAY_EXPORT, whoMayExport } from './who-may-export.js';
export * from './workspace-busy.js';
