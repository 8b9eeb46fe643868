/**
 * The shipped example workflows (examples/), read as a user imports them, with only what a user
 * sets changed: the credential, the export's parent, the folder written to, and for the tests the
 * Wait's length and the number of checks.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { NODE_TYPE, packageRoot } from './n8n.mts';
import type { WorkflowNode } from './workflows.mts';

export interface LongExportSettings {
  readonly id: string;
  readonly credential: { id: string; name: string };
  readonly parent: string;
  readonly folder: string;
  readonly wait: { amount: number; unit: 'seconds' | 'minutes' };
  /** Instead of the example's 48. */
  readonly checks?: number;
}

type Node = WorkflowNode & { name: string; type: string; parameters: Record<string, unknown> };

/** examples/long-export-with-wait.json, with `settings` applied. */
export async function longExportExample(settings: LongExportSettings) {
  const workflow = JSON.parse(
    await readFile(join(packageRoot, 'examples', 'long-export-with-wait.json'), 'utf8'),
  ) as { nodes: Node[]; connections: Record<string, unknown> };
  for (const node of workflow.nodes) {
    const parameters = node.parameters;
    if (node.type === 'n8n-nodes-asana-exports.asanaExport') {
      node.type = NODE_TYPE;
      node.credentials = { asanaExportsApi: settings.credential };
      if (parameters.operation === 'create') {
        (parameters.parent as { value: string }).value = settings.parent;
      }
    }
    if (node.type === 'n8n-nodes-base.wait') {
      expect(parameters).toEqual({ amount: 5, unit: 'minutes' });
      Object.assign(parameters, settings.wait);
    }
    if (node.name === 'Checks left?' && settings.checks !== undefined) {
      const [condition] = (parameters.conditions as { conditions: Array<{ rightValue: number }> })
        .conditions;
      expect(condition?.rightValue).toBe(48);
      if (condition) condition.rightValue = settings.checks;
    }
    if (node.type === 'n8n-nodes-base.readWriteFile') {
      parameters.fileName = `=${settings.folder}/{{ $binary.data.fileName }}`;
    }
  }
  return { ...workflow, id: settings.id };
}

/** Adds `trigger` (a Webhook, for a started n8n) in front of the node the example's triggers feed. */
export function withTrigger(
  workflow: { nodes: WorkflowNode[]; connections: Record<string, unknown> },
  trigger: WorkflowNode,
  first: string,
) {
  return {
    ...workflow,
    nodes: [...workflow.nodes, trigger],
    connections: {
      ...workflow.connections,
      [String(trigger.name)]: { main: [[{ node: first, type: 'main', index: 0 }]] },
    },
  };
}
