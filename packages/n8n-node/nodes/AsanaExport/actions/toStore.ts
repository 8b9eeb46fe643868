import {
  type AgeRecipient,
  type DownloadSink,
  type ExportRequest,
  type ExportStatus,
  InputError,
  type Manifest,
  type OpenedStoreSink,
  openStoreSink,
  publishBeside,
  type StoredObject,
} from '@asana-exports/core/protocol';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { readFileOptions, readRequestTimeout } from '../params';
import { openDestination } from '../storeIn';
import { GzipVerifier } from '../transport/gzipVerifier';
import type { Runtime } from '../transport/runtime';

/** Where the export went, as the item's `storedIn`. */
export interface StoredIn extends IDataObject {
  location: string;
  key: string;
  url: string;
  versionId: string | null;
  manifestKey: string;
  /** Null when `latest.json` already named an export that completed later, and was kept. */
  latestKey: string | null;
}

/** A store checked and probed, ready for the export once Asana has finished it. */
export interface PreparedStore {
  /** The sink for the finished export, its final keys checked free. */
  openSink(status: ExportStatus): Promise<DownloadSink<StoredObject>>;
  /** After the verified upload completed: the manifest beside it, then `latest.json`. */
  publish(manifest: Manifest, stored: StoredObject): Promise<StoredIn>;
}

/**
 * Store In for Create (with download) and Download alike. Everything the user typed is checked,
 * and the store probed, before anything is asked of Asana: a wrong bucket name, a missing
 * container or a refused key is found now, not after hours of waiting for the export.
 */
export async function prepareStore(
  context: IExecuteFunctions,
  runtime: Runtime,
  itemIndex: number,
  storeIn: 's3' | 'azure',
  request: ExportRequest | undefined,
): Promise<PreparedStore> {
  const { encryptTo } = readStoreFileOptions(context, itemIndex);
  const { signal, clock } = runtime;
  const opened = await openDestination(
    context,
    itemIndex,
    storeIn,
    runtime,
    readRequestTimeout(context, itemIndex),
  );
  const { store } = opened;
  const { prefix } = opened.destination;
  await store.probe(prefix, signal);
  let sink: OpenedStoreSink | undefined;
  return {
    async openSink(status) {
      sink = await openStoreSink(status, {
        store,
        prefix,
        layout: opened.layout,
        inputName: storeIn === 's3' ? 'Bucket' : 'Container',
        request,
        encryptTo,
        createVerifier: (format) => {
          const verifier = new GzipVerifier(format);
          return {
            write: (chunk) => verifier.write(chunk),
            end: () => verifier.end(),
            destroy: () => verifier.abort(),
          };
        },
        signal,
        clock,
      });
      return sink.sink;
    },
    async publish(manifest, stored) {
      if (sink === undefined) throw new RangeError('the export finished without a sink');
      const published = await publishBeside(store, sink, manifest, stored, { clock, signal });
      return {
        location: stored.location,
        key: stored.key,
        url: stored.url,
        versionId: stored.versionId ?? null,
        manifestKey: sink.keys.manifest,
        latestKey: published.latestUpdated ? sink.keys.latest : null,
      };
    },
  };
}

/**
 * The file options that apply in a store: only Encrypt To. The stored file keeps Asana's gzip
 * bytes (which the manifest's SHA-256 describes) and the layout's name.
 */
function readStoreFileOptions(
  context: IExecuteFunctions,
  itemIndex: number,
): { encryptTo: readonly AgeRecipient[] | undefined } {
  const options = readFileOptions(context, itemIndex);
  if (options.decompress || options.fileName !== '') {
    throw new InputError(
      options.decompress ? 'Decompress' : 'File Name',
      'applies to Binary Data only',
      'Remove it: the export is stored as Asana serves it, under the layout’s name.',
    );
  }
  return { encryptTo: options.encryptTo };
}
