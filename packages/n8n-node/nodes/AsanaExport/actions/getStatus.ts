import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { describeStatus } from '../output';
import { readExportRef } from '../params';
import type { Runtime } from '../transport/runtime';

/**
 * Reads an export's state once: the normalised one (waiting, done, failed) and Asana's own.
 * The presigned link is left out unless asked for: it is a credential, and n8n keeps node output
 * in the execution's data. It is there for exports too large for n8n's binary data store, so a
 * node that streams a URL onward (an upload-from-URL API, a command) can move the file instead.
 */
export async function getStatus(
  context: IExecuteFunctions,
  runtime: Runtime,
  itemIndex: number,
): Promise<INodeExecutionData[]> {
  const status = await runtime.client.status(readExportRef(context, itemIndex), runtime.signal);
  const json = describeStatus(status);
  const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
  if (options.includeDownloadLink === true && status.downloadUrl !== null) {
    json.downloadUrl = status.downloadUrl;
  }
  return [{ json, pairedItem: { item: itemIndex } }];
}
