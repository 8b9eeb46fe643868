import type { AgeRecipient } from '../protocol/age-x25519.js';
import { InputError } from '../protocol/errors.js';
import type { ProgressListener } from '../protocol/events.js';
import { fileFormat } from '../protocol/kinds.js';
import type { StallPolicy } from '../protocol/limits.js';
import { targetOf } from '../protocol/manifest.js';
import {
  type LatestPointer,
  latestPointer,
  layoutTarget,
  type ObjectKeys,
  objectKeys,
  supersedes,
} from '../protocol/object-layout.js';
import { createObjectSink, type StoredObject } from '../protocol/object-sink.js';
import type { ObjectStore } from '../protocol/object-store.js';
import type { PollPolicy } from '../protocol/polling.js';
import type { ExportStatus } from '../protocol/responses.js';
import type { RetryPolicy } from '../protocol/retry.js';
import {
  defaultFileName,
  encryptedFileName,
  manifestFileName,
  type RunResult,
  type RunStart,
  runExport,
  storedMediaType,
} from '../protocol/run.js';
import { GzipVerifier } from './gzip-verifier.js';
import { checkedRecipients } from './run-to-file.js';
import type { NodeRuntime } from './runtime.js';

export interface RunToStoreOptions {
  readonly runtime: NodeRuntime;
  readonly start: RunStart;
  readonly store: ObjectStore;
  /** Normalised (`checkPrefix`): empty or ending with `/`. */
  readonly prefix: string;
  /** Checked (`checkLayout`). */
  readonly layout: string;
  /** The input that named the destination (`--to`, `destination`), for messages. */
  readonly destinationInputName: string;
  readonly signal: AbortSignal;
  readonly validateJson?: boolean;
  readonly poll?: PollPolicy;
  readonly retry?: RetryPolicy;
  readonly stall?: StallPolicy;
  readonly onProgress?: ProgressListener;
  readonly encryptTo?: readonly AgeRecipient[] | undefined;
  readonly encryptToInputName?: string;
  readonly partBytes?: number | undefined;
  readonly concurrency?: number | undefined;
}

export interface RunToStoreResult extends RunResult<StoredObject> {
  readonly keys: ObjectKeys;
  readonly manifestVersionId: string | undefined;
  readonly latest: LatestPointer;
  /** False when `latest.json` already named an export that completed later, and was kept. */
  readonly latestUpdated: boolean;
}

/**
 * `runExport` into object storage: the export streams into a multipart upload completed only once
 * it is verified, then its manifest is stored beside it, then the target's `latest.json` points at
 * it. Each is written only after the one before succeeded, so `latest.json` never names an export
 * whose manifest is missing. Before the first request to Asana, the store is probed: a missing
 * bucket, a refused permission or a wrong region is found then, not after hours of waiting.
 */
export async function runExportToStore(options: RunToStoreOptions): Promise<RunToStoreResult> {
  const { runtime, store, signal } = options;
  const encryptTo = checkedRecipients(options);
  await store.probe(options.prefix, signal);
  let keys: ObjectKeys | undefined;
  let target = '';

  const result = await runExport<StoredObject>({
    client: runtime.client,
    source: runtime.source,
    clock: runtime.clock,
    random: runtime.random,
    signal,
    start: options.start,
    ...(options.poll ? { poll: options.poll } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.stall ? { stall: options.stall } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    openSink: async (status) => {
      const fileName = defaultFileName(status);
      target = layoutTarget(
        {
          target: targetOf(status, 'request' in options.start ? options.start.request : undefined),
        },
        status.gid,
      );
      keys = objectKeys(
        options.prefix,
        options.layout,
        {
          kind: status.kind,
          target,
          exportGid: exportGidOf(status),
          finishedAt: finishedAt(status, runtime.clock.now()),
        },
        encryptTo === undefined ? fileName : encryptedFileName(fileName),
        manifestFileName(fileName),
      );
      for (const key of [keys.file, keys.manifest]) {
        if (await store.exists(key, signal))
          throw objectExists(store, key, options.destinationInputName);
      }
      const format = fileFormat(status.kind);
      const validateJson = options.validateJson ?? true;
      return createObjectSink({
        store,
        key: keys.file,
        fileName,
        contentType: storedMediaType(encryptTo !== undefined),
        createVerifier: () => new GzipVerifier({ format, validateJson }),
        encryptTo,
        partBytes: options.partBytes,
        concurrency: options.concurrency,
        signal,
        clock: runtime.clock,
      });
    },
  });
  if (keys === undefined) throw new RangeError('the export finished without a sink');
  const manifest = new TextEncoder().encode(`${JSON.stringify(result.manifest, null, 2)}\n`);
  const stored = await store.put(
    keys.manifest,
    manifest,
    { contentType: 'application/json', retain: true, replace: false },
    signal,
  );
  const latest = latestPointer({
    manifest: result.manifest,
    target,
    keys,
    storedAt: runtime.clock.now(),
    versionId: result.download.sink.versionId,
  });
  const latestUpdated = supersedes(latest, await store.readText(keys.latest, signal));
  if (latestUpdated) {
    await store.put(
      keys.latest,
      new TextEncoder().encode(`${JSON.stringify(latest, null, 2)}\n`),
      { contentType: 'application/json', retain: false, replace: true },
      signal,
    );
  }
  return { ...result, keys, manifestVersionId: stored.versionId, latest, latestUpdated };
}

function exportGidOf(status: ExportStatus): string {
  return status.kind === 'organization' ? status.gid : (status.exportGid ?? status.gid);
}

/** When Asana finished the export, else now: the folder's timestamp. */
function finishedAt(status: ExportStatus, now: number): number {
  const completed = status.completedAt === undefined ? Number.NaN : Date.parse(status.completedAt);
  return Number.isFinite(completed) ? completed : now;
}

function objectExists(store: ObjectStore, key: string, input: string): InputError {
  return new InputError(
    input,
    `${store.location(key)} exists already`,
    'An object of that name is never replaced: move it away, or choose another prefix or layout.',
  );
}
