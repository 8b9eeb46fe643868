import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { describeStatus } from '../output';
import { readExportRef } from '../params';
import type { Runtime } from '../transport/runtime';

/** Reads an export's state once: the normalised one (waiting, done, failed) and Asana's own. */
export async function getStatus(
  context: IExecuteFunctions,
  runtime: Runtime,
  itemIndex: number,
): Promise<INodeExecutionData[]> {
  const status = await runtime.client.status(readExportRef(context, itemIndex), runtime.signal);
  return [{ json: describeStatus(status), pairedItem: { item: itemIndex } }];
}
