import type { DiffReport } from '@asana-exports/core/protocol';
import { type RevisionChanges, type Sandbox, startSandbox } from '@asana-exports/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathJoin as join, readText } from './support/files.mts';
import { distDir, type N8nInstance, onlyItem, requireN8n, startN8n } from './support/n8n.mts';
import {
  asanaNode,
  manualTrigger,
  type WorkflowNode,
  waitForSandboxJob,
} from './support/workflows.mts';

/**
 * Compare inside a real n8n: two Download operations of exports the sandbox made of one target
 * at revision 0 and revision 1, n8n's Merge node combining them by position into one item with
 * both binaries (as a user's workflow does), then Compare, whose counts must be the ones the
 * sandbox tallied while it wrote revision 1. Compare itself needs no credential.
 */
const n8nBin = requireN8n();
const CREDENTIAL = { id: 'e2eCompareCredential', name: 'Asana sandbox' };

describe('Compare in a real n8n', () => {
  if (n8nBin === undefined) return;
  let sandbox: Sandbox;
  let n8n: N8nInstance;

  beforeAll(async () => {
    await readText(join(distDir, 'nodes', 'AsanaExport', 'AsanaExport.node.js')); // built?
    sandbox = await startSandbox({ scenario: { durationMs: 200, contentBytes: 256 * 1024 } });
    n8n = await startN8n(n8nBin);
    await n8n.importCredentials([
      {
        ...CREDENTIAL,
        type: 'asanaExportsApi',
        data: { accessToken: sandbox.token, baseUrl: sandbox.apiUrl },
      },
    ]);
  }, 120_000);

  afterAll(async () => {
    await n8n?.close();
    await sandbox?.close();
  });

  /** Two finished graph exports of one parent, at revision 0 and 1. */
  async function twoRevisions(parent: string) {
    const gids: string[] = [];
    for (const revision of [0, 1]) {
      sandbox.configure({ revision });
      const gid = await sandbox.startExport({ parent });
      await waitForSandboxJob(sandbox, gid, 30_000);
      gids.push(gid);
    }
    const [older, newer] = gids as [string, string];
    return { older, newer, changes: (await sandbox.exportFile(newer)).changes };
  }

  it('reports what the sandbox changed, and the limits crossed for an If node', async () => {
    const { older, newer, changes } = await twoRevisions('1840000000000001');
    await n8n.importWorkflows([
      compareWorkflow('e2eCompare000001', older, newer, {
        failOn: 'removed>0',
        whenCrossed: 'report',
        options: {
          includeMarkdown: true,
          // Expressions, as a user writes them: each Download's output item is the manifest.
          oldManifest: "={{ $('Download old').item.json }}",
          newManifest: "={{ $('Download new').item.json }}",
        },
      }),
    ]);
    const execution = await n8n.execute('e2eCompare000001');
    const json = onlyItem(execution, 'Compare').json;
    const report = json as unknown as DiffReport;
    const expected = changes as RevisionChanges;
    expect(expected).toBeDefined();
    for (const [type, want] of Object.entries(expected.byResourceType)) {
      expect(report.byResourceType[type], type).toEqual(want);
    }
    expect(Object.keys(report.byResourceType).sort()).toEqual(
      Object.keys(expected.byResourceType).sort(),
    );
    expect(report.kind).toBe('graph');
    expect(report.old.file).toBe(`asana-graph-export-${older}.jsonl.gz`);
    expect(report.totals.removed).toBeGreaterThan(0);
    expect(json.removedPercent).toBe(
      Math.round((report.totals.removed / report.totals.old) * 10_000) / 100,
    );
    expect(json.crossed).toEqual([
      expect.objectContaining({ limit: 'removed>0', actual: report.totals.removed }),
    ]);
    expect(String(json.markdown)).toContain('**limit crossed**');
    // Each file was checked against its manifest, whose gids the report names.
    const [oldManifest, newManifest] = ['Download old', 'Download new'].map(
      (name) => onlyItem(execution, name).json,
    );
    expect(report.old.exportGid).toBe(oldManifest?.exportGid);
    expect(report.new.exportGid).toBe(newManifest?.exportGid);
    expect(report.new.exportGid).toMatch(/^\d+$/);
  });

  it('fails the node when a limit is crossed, naming it', async () => {
    const { older, newer } = await twoRevisions('1840000000000002');
    await n8n.importWorkflows([
      compareWorkflow('e2eCompare000002', older, newer, { failOn: 'changed>0.1%' }),
    ]);
    const execution = await n8n.execute('e2eCompare000002');
    expect(execution.code).not.toBe(0);
    expect(execution.stdout + execution.stderr).toMatch(
      /Change limit crossed: changed>0\.1%: \d+ records changed/,
    );
  });

  /** Run → Download old ┐, Run → Download new ┘ → Merge (by position) → Compare. */
  function compareWorkflow(
    id: string,
    older: string,
    newer: string,
    parameters: Record<string, unknown>,
  ): Record<string, unknown> {
    const download = (name: string, gid: string, field: string) =>
      asanaNode(
        name,
        { operation: 'download', kind: 'graph', gid, binaryPropertyName: field },
        CREDENTIAL,
      );
    const nodes: WorkflowNode[] = [
      manualTrigger(),
      download('Download old', older, 'old'),
      download('Download new', newer, 'new'),
      {
        id: 'node-merge',
        name: 'Merge',
        type: 'n8n-nodes-base.merge',
        typeVersion: 3,
        position: [0, 0],
        parameters: { mode: 'combine', combineBy: 'combineByPosition', options: {} },
      },
      // No credential: Compare reads the item's binary data only.
      {
        ...asanaNode('Compare', { operation: 'compare', ...parameters }, CREDENTIAL),
        credentials: {},
      },
    ];
    const to = (node: string, index = 0) => ({ node, type: 'main', index });
    return {
      id,
      name: id,
      nodes,
      connections: {
        Run: { main: [[to('Download old'), to('Download new')]] },
        'Download old': { main: [[to('Merge', 0)]] },
        'Download new': { main: [[to('Merge', 1)]] },
        Merge: { main: [[to('Compare')]] },
      },
      active: false,
      settings: { executionOrder: 'v1' },
    };
  }
});
