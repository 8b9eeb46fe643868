import { RunDeadline, runExport } from '@asana-exports/core/protocol';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { isToolNode } from '../descriptions/tool';
import { binaryFileFor, describeStatus } from '../output';
import { readDownloadPolicy, readExportRequest, readFileOptions, readPollPolicy } from '../params';
import { readStoreIn } from '../storeIn';
import { BinaryDownload } from '../transport/binaryDownload';
import type { Runtime } from '../transport/runtime';
import { createStreamSource } from '../transport/streamSource';
import { prepareStore } from './toStore';

/**
 * Starts an export; optionally waits for it (polling with the core's backoff up to the timeout)
 * and downloads it in the same step, as one item with the file as binary data, or with Store In
 * into a bucket or container, the item then saying where it is stored.
 */
export async function create(
  context: IExecuteFunctions,
  runtime: Runtime,
  itemIndex: number,
): Promise<INodeExecutionData[]> {
  const request = readExportRequest(context, itemIndex);
  const { client, signal } = runtime;
  // A tool never waits: an agent's call would hold a worker for hours (see descriptions/tool.ts).
  const wait =
    !isToolNode(context.getNode()) &&
    context.getNodeParameter('waitForCompletion', itemIndex, true) === true;
  const pairedItem = { item: itemIndex };
  // Also bounds the wait for a running export of the same workspace to end (see `create`).
  const poll = readPollPolicy(context, itemIndex);

  if (!wait) {
    const status = await client.create(request, signal, { poll });
    return [{ json: describeStatus(status), pairedItem }];
  }
  if (context.getNodeParameter('download', itemIndex, true) !== true) {
    // One limit for creating and waiting, as for a whole run.
    const deadline = new RunDeadline({ clock: runtime.clock, timeoutMs: poll.timeoutMs, signal });
    try {
      const initial = await client.create(request, signal, { poll, deadline });
      const status = await client.waitUntilDone(
        { kind: initial.kind, gid: initial.gid },
        { signal, poll, initial, deadline },
      );
      return [{ json: describeStatus(status), pairedItem }];
    } finally {
      deadline.dispose();
    }
  }

  const { stall } = readDownloadPolicy(context, itemIndex, poll);
  const storeIn = readStoreIn(context, itemIndex);
  if (storeIn !== 'binary') {
    // Probed before the export is asked for (see `prepareStore`).
    const prepared = await prepareStore(context, runtime, itemIndex, storeIn, request);
    const result = await runExport({
      client,
      source: createStreamSource(context),
      clock: runtime.clock,
      random: runtime.random,
      signal,
      start: { request },
      poll,
      stall,
      onProgress: runtime.onProgress,
      openSink: (status) => prepared.openSink(status),
    });
    const storedIn = await prepared.publish(result.manifest, result.download.sink);
    return [{ json: { ...(result.manifest as unknown as IDataObject), storedIn }, pairedItem }];
  }
  const options = readFileOptions(context, itemIndex);
  const binary = new BinaryDownload(context, signal);
  const result = await runExport({
    client,
    source: binary,
    clock: runtime.clock,
    random: runtime.random,
    signal,
    start: { request },
    poll,
    stall,
    onProgress: runtime.onProgress,
    openSink: async (status) => binary.prepare(binaryFileFor(status, options)),
  });
  return [
    {
      json: result.manifest as unknown as IDataObject,
      binary: { [options.binaryPropertyName]: result.download.sink.binary },
      pairedItem,
    },
  ];
}
