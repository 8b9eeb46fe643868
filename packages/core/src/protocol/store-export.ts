/**
 * The two steps around a download into object storage that every front end takes alike: opening
 * the sink once the export is done (its keys from the export, refusing names already taken), and
 * publishing beside the verified export its manifest, then the target's `latest.json`. Each is
 * written only after the one before succeeded, so `latest.json` never names an export whose
 * manifest is missing.
 */
import type { AgeRecipient } from './age-x25519.js';
import { InputError } from './errors.js';
import { fileFormat } from './kinds.js';
import { type Manifest, targetOf } from './manifest.js';
import {
  type LatestPointer,
  latestPointer,
  layoutTarget,
  type ObjectKeys,
  objectKeys,
  supersedes,
} from './object-layout.js';
import { createObjectSink, type StoredObject, type StreamVerifier } from './object-sink.js';
import type { ObjectStore } from './object-store.js';
import type { ExportRequest } from './params.js';
import type { Clock, DownloadSink } from './ports.js';
import type { ExportStatus } from './responses.js';
import { defaultFileName, encryptedFileName, manifestFileName, storedMediaType } from './run.js';

export interface StoreSinkOptions {
  readonly store: ObjectStore;
  /** Normalised (`checkPrefix`): empty or ending with `/`. */
  readonly prefix: string;
  /** Checked (`checkLayout`). */
  readonly layout: string;
  /** The input that named the destination, for messages. */
  readonly inputName: string;
  /** The export's request, when this run made it: it names the target. */
  readonly request: ExportRequest | undefined;
  readonly encryptTo: readonly AgeRecipient[] | undefined;
  readonly createVerifier: (format: 'json' | 'jsonl') => StreamVerifier;
  readonly partBytes?: number | undefined;
  readonly concurrency?: number | undefined;
  readonly signal: AbortSignal;
  readonly clock: Clock;
}

export interface OpenedStoreSink {
  readonly sink: DownloadSink<StoredObject>;
  readonly keys: ObjectKeys;
  /** The gid the export's folder is named after. */
  readonly target: string;
}

/** The sink for a finished export, its keys checked free: nothing is ever replaced. */
export async function openStoreSink(
  status: ExportStatus,
  options: StoreSinkOptions,
): Promise<OpenedStoreSink> {
  const { store, signal, encryptTo } = options;
  const fileName = defaultFileName(status);
  const target = layoutTarget({ target: targetOf(status, options.request) }, status.gid);
  const keys = objectKeys(
    options.prefix,
    options.layout,
    {
      kind: status.kind,
      target,
      exportGid: status.kind === 'organization' ? status.gid : (status.exportGid ?? status.gid),
      finishedAt: finishedAt(status, options.clock.now()),
    },
    encryptTo === undefined ? fileName : encryptedFileName(fileName),
    manifestFileName(fileName),
  );
  for (const key of [keys.file, keys.manifest]) {
    if (await store.exists(key, signal)) {
      throw new InputError(
        options.inputName,
        `${store.location(key)} exists already`,
        'An object of that name is never replaced: move it away, or choose another prefix or layout.',
      );
    }
  }
  const format = fileFormat(status.kind);
  const sink = createObjectSink({
    store,
    key: keys.file,
    fileName,
    contentType: storedMediaType(encryptTo !== undefined),
    createVerifier: () => options.createVerifier(format),
    encryptTo,
    partBytes: options.partBytes,
    concurrency: options.concurrency,
    signal,
    clock: options.clock,
  });
  return { sink, keys, target };
}

export interface Published {
  readonly manifestVersionId: string | undefined;
  readonly latest: LatestPointer;
  /** False when `latest.json` already named an export that completed later, and was kept. */
  readonly latestUpdated: boolean;
}

/** The manifest beside the stored export (write-once, like it), then `latest.json`. */
export async function publishBeside(
  store: ObjectStore,
  opened: Pick<OpenedStoreSink, 'keys' | 'target'>,
  manifest: Manifest,
  stored: StoredObject,
  context: { readonly clock: Clock; readonly signal: AbortSignal },
): Promise<Published> {
  const { keys } = opened;
  const { signal } = context;
  const json = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
  const put = await store.put(
    keys.manifest,
    json(manifest),
    { contentType: 'application/json', retain: true, replace: false },
    signal,
  );
  const latest = latestPointer({
    manifest,
    target: opened.target,
    keys,
    storedAt: context.clock.now(),
    versionId: stored.versionId,
  });
  const latestUpdated = supersedes(latest, await store.readText(keys.latest, signal));
  if (latestUpdated) {
    await store.put(
      keys.latest,
      json(latest),
      { contentType: 'application/json', retain: false, replace: true },
      signal,
    );
  }
  return { manifestVersionId: put.versionId, latest, latestUpdated };
}

/** When Asana finished the export, else now: the folder's timestamp. */
function finishedAt(status: ExportStatus, now: number): number {
  const completed = status.completedAt === undefined ? Number.NaN : Date.parse(status.completedAt);
  return Number.isFinite(completed) ? completed : now;
}
