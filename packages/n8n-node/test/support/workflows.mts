/**
 * Workflows for the end-to-end tests and measurements: the nodes they are built from, and
 * Webhook-triggered workflows for queue mode (it runs production executions on workers, and a
 * webhook answers with the last node's output); plus the few direct API calls a test makes to
 * the sandbox.
 */
import { randomUUID } from 'node:crypto';
import type { Sandbox } from '@asana-exports/sandbox';
import { pollUntil } from '@asana-exports/test-stores';
import { NODE_TYPE } from './n8n.mts';

export type WorkflowNode = Record<string, unknown>;

export function asanaNode(
  name: string,
  parameters: Record<string, unknown>,
  credential: { id: string; name: string },
): WorkflowNode {
  return {
    id: randomUUID(),
    name,
    type: NODE_TYPE,
    typeVersion: 1,
    position: [0, 0],
    parameters: { resource: 'export', ...parameters },
    credentials: { asanaExportsApi: credential },
  };
}

/** The Manual Trigger that `n8n execute` starts a workflow from. */
export function manualTrigger(): WorkflowNode {
  return {
    id: 'node-trigger',
    name: 'Run',
    type: 'n8n-nodes-base.manualTrigger',
    typeVersion: 1,
    position: [0, 0],
    parameters: {},
  };
}

/** n8n's Read/Write Files node, writing the item's `data` binary into `folder` under its own name. */
export function writeFileNode(
  name: string,
  folder: string,
  position: readonly [number, number] = [0, 0],
): WorkflowNode {
  return {
    id: randomUUID(),
    name,
    type: 'n8n-nodes-base.readWriteFile',
    typeVersion: 1,
    position,
    parameters: {
      operation: 'write',
      fileName: `=${folder}/{{ $binary.data.fileName }}`,
      dataPropertyName: 'data',
      options: {},
    },
  };
}

/** n8n's HTTP Request node. */
export function httpRequestNode(name: string, parameters: Record<string, unknown>): WorkflowNode {
  return {
    id: randomUUID(),
    name,
    type: 'n8n-nodes-base.httpRequest',
    typeVersion: 4.2,
    position: [0, 0],
    parameters,
  };
}

/** n8n's own Crypto node reads the binary data back from the store and hashes it. */
export function hashNode(): WorkflowNode {
  return {
    id: randomUUID(),
    name: 'Hash',
    type: 'n8n-nodes-base.crypto',
    typeVersion: 2,
    position: [0, 0],
    parameters: {
      action: 'hash',
      type: 'SHA256',
      binaryData: true,
      binaryPropertyName: 'data',
      dataPropertyName: 'sha256',
      encoding: 'hex',
    },
  };
}

/** n8n's connections for nodes in a row, each feeding the next. */
export function chainConnections(nodes: readonly WorkflowNode[]): Record<string, unknown> {
  const connections: Record<string, unknown> = {};
  for (let index = 0; index < nodes.length - 1; index++) {
    connections[String(nodes[index]?.name)] = {
      main: [[{ node: String(nodes[index + 1]?.name), type: 'main', index: 0 }]],
    };
  }
  return connections;
}

/**
 * A POST webhook trigger named Webhook: it answers with the last node's first item, or with
 * `answerAtOnce` as soon as it is called (an execution that parks would keep it waiting).
 */
export function webhookTrigger(path: string, { answerAtOnce = false } = {}): WorkflowNode {
  return {
    id: randomUUID(),
    name: 'Webhook',
    type: 'n8n-nodes-base.webhook',
    typeVersion: 2,
    position: [0, 0],
    webhookId: randomUUID(),
    parameters: {
      httpMethod: 'POST',
      path,
      ...(answerAtOnce
        ? { responseMode: 'onReceived' }
        : { responseMode: 'lastNode', responseData: 'firstEntryJson' }),
      options: {},
    },
  };
}

/** Webhook → nodes in a row; the webhook answers with the last node's first item. */
export function webhookWorkflow(
  id: string,
  path: string,
  nodes: readonly WorkflowNode[],
): Record<string, unknown> {
  const all = [webhookTrigger(path), ...nodes];
  return {
    id,
    name: id,
    nodes: all,
    connections: chainConnections(all),
    active: true,
    settings: { executionOrder: 'v1' },
  };
}

/** Polls the sandbox's API the way Asana would be polled, until the job has finished. */
export async function waitForSandboxJob(sandbox: Sandbox, gid: string, timeoutMs: number) {
  await pollUntil(
    async () => {
      const response = await fetch(`${sandbox.apiUrl}/jobs/${gid}`, {
        headers: { authorization: `Bearer ${sandbox.token}` },
      });
      const job = (await response.json()) as { data: { status: string } };
      return job.data.status === 'succeeded' ? true : undefined;
    },
    { timeoutMs, intervalMs: 250, failure: () => `Job ${gid} did not finish` },
  );
}

/**
 * Manual Trigger → `nodes` in a row, for `n8n execute`; with `writeTo`, a Read/Write Files node
 * after each node of `writeAfter` (default: the last) writes its `data` binary into that folder.
 */
export function manualWorkflow(
  id: string,
  nodes: Array<Record<string, unknown>>,
  options: { writeTo?: string; writeAfter?: string[] } = {},
): Record<string, unknown> {
  const trigger = manualTrigger();
  const all = [trigger, ...nodes];
  const connections = chainConnections(all);
  const folder = options.writeTo;
  if (folder !== undefined) {
    const writeAfter = options.writeAfter ?? [String(nodes.at(-1)?.name)];
    writeAfter.forEach((source, index) => {
      const writer = writeFileNode(`Write ${index}`, folder);
      all.push(writer);
      const existing = connections[source] as { main: unknown[][] } | undefined;
      const link = { node: writer.name, type: 'main', index: 0 };
      if (existing === undefined) connections[source] = { main: [[link]] };
      else existing.main[0]?.push(link);
    });
  }
  return {
    id,
    name: id,
    nodes: all,
    connections,
    active: false,
    settings: { executionOrder: 'v1' },
  };
}

/** An Access Token credential for the sandbox, as `n8n import:credentials` takes it. */
export function sandboxCredential(
  ref: { id: string; name: string },
  sandbox: Pick<Sandbox, 'token' | 'apiUrl'>,
): Record<string, unknown> {
  return {
    ...ref,
    type: 'asanaExportsApi',
    data: { accessToken: sandbox.token, baseUrl: sandbox.apiUrl },
  };
}
