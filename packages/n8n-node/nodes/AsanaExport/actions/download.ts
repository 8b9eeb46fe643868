import {
  buildManifest,
  type DownloadResult,
  defaultFileName,
  downloadExport,
  type ExportRef,
  type Manifest,
  type VerifiedContent,
} from '@asana-exports/core/protocol';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { binaryFileFor } from '../output';
import {
  readDownloadPolicy,
  readExportRef,
  readFileOptions,
  readMaxRecords,
  readPollPolicy,
} from '../params';
import { readStoreIn } from '../storeIn';
import { BinaryDownload } from '../transport/binaryDownload';
import { RecordsSink } from '../transport/recordsSink';
import type { Runtime } from '../transport/runtime';
import { createStreamSource } from '../transport/streamSource';
import { prepareStore } from './toStore';

/**
 * Downloads a finished export by its gid: a fresh link is fetched right before, and the file
 * streams into n8n's binary data store (or, for small exports, becomes one item per record).
 */
export async function download(
  context: IExecuteFunctions,
  runtime: Runtime,
  itemIndex: number,
): Promise<INodeExecutionData[]> {
  const ref = readExportRef(context, itemIndex);
  const startedAt = runtime.clock.now();
  if (context.getNodeParameter('splitIntoItems', itemIndex, false) === true) {
    return await downloadRecords(context, runtime, ref, itemIndex);
  }
  const storeIn = readStoreIn(context, itemIndex);
  if (storeIn !== 'binary') {
    return await downloadToStore(context, runtime, ref, itemIndex, storeIn, startedAt);
  }
  const options = readFileOptions(context, itemIndex);
  const binary = new BinaryDownload(context, runtime.signal);
  const result = await downloadExport({
    client: runtime.client,
    ref,
    source: binary,
    // Named after the gid it was asked for: the one a later run resumes it by.
    sink: binary.prepare(binaryFileFor(ref, options)),
    clock: runtime.clock,
    random: runtime.random,
    signal: runtime.signal,
    policy: readDownloadPolicy(context, itemIndex, readPollPolicy(context, itemIndex)),
    onProgress: runtime.onProgress,
  });
  return [
    {
      json: describeDownload(result, runtime, startedAt),
      binary: { [options.binaryPropertyName]: result.sink.binary },
      pairedItem: { item: itemIndex },
    },
  ];
}

/**
 * Store In: the file streams from Asana's presigned link straight into the user's bucket or
 * container, never through n8n's binary data (so no size limit of queue mode applies), and is
 * published there only once verified; the manifest goes beside it, then `latest.json`. The item
 * carries the manifest and where the export is stored.
 */
async function downloadToStore(
  context: IExecuteFunctions,
  runtime: Runtime,
  ref: ExportRef,
  itemIndex: number,
  storeIn: 's3' | 'azure',
  startedAt: number,
): Promise<INodeExecutionData[]> {
  const { signal } = runtime;
  // Before anything is asked of Asana (see `prepareStore`).
  const prepared = await prepareStore(context, runtime, itemIndex, storeIn, undefined);
  const status = await runtime.client.status(ref, signal);
  const result = await downloadExport({
    client: runtime.client,
    ref,
    source: createStreamSource(context),
    sink: await prepared.openSink(status),
    clock: runtime.clock,
    random: runtime.random,
    signal,
    policy: readDownloadPolicy(context, itemIndex, readPollPolicy(context, itemIndex)),
    onProgress: runtime.onProgress,
  });
  const manifest = describeDownload(result, runtime, startedAt);
  const storedIn = await prepared.publish(manifest as unknown as Manifest, result.sink);
  return [{ json: { ...manifest, storedIn }, pairedItem: { item: itemIndex } }];
}

async function downloadRecords(
  context: IExecuteFunctions,
  runtime: Runtime,
  ref: ExportRef,
  itemIndex: number,
): Promise<INodeExecutionData[]> {
  const limit = readMaxRecords(context, itemIndex);
  const result = await downloadExport({
    client: runtime.client,
    ref,
    source: createStreamSource(context),
    sink: new RecordsSink(defaultFileName(ref), limit),
    clock: runtime.clock,
    random: runtime.random,
    signal: runtime.signal,
    policy: readDownloadPolicy(context, itemIndex, readPollPolicy(context, itemIndex)),
    onProgress: runtime.onProgress,
  });
  return result.sink.items.map((json) => ({ json, pairedItem: { item: itemIndex } }));
}

/**
 * The core's manifest: what was downloaded, its size, SHA-256 and record count; when it was
 * stored encrypted, also the ciphertext's and the recipients' public keys (`encryption`).
 */
export function describeDownload(
  result: DownloadResult<VerifiedContent>,
  runtime: Runtime,
  startedAt: number,
): IDataObject {
  const now = runtime.clock.now();
  return buildManifest({
    status: result.status,
    file: { name: result.sink.fileName, bytes: result.bytes, sha256: result.sha256 },
    records: result.sink.records,
    encryption: result.sink.encryption,
    downloadedAt: new Date(now).toISOString(),
    durationMs: now - startedAt,
  }) as unknown as IDataObject;
}
