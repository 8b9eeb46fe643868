import { type Sandbox, startSandbox } from '@asana-exports/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  pathJoin as join,
  listFiles,
  readText,
  removeDir,
  sha256Of,
  tempDir,
} from './support/files.mts';
import { type N8nInstance, packageRoot, requireN8n, startN8n } from './support/n8n.mts';
import { runInPackage } from './support/process.mts';

/**
 * The package as a user gets it: `npm pack`, then `npm install --omit=peer` of the tarball into
 * n8n's community nodes folder (~/.n8n/nodes), as the README says, and n8n started without any
 * custom extension. The README's example workflow, imported unchanged but for its credential and
 * target, must run there and write the export the sandbox serves.
 */
const n8nBin = requireN8n();
const CREDENTIAL = { id: 'tarballCredential', name: 'Asana sandbox' };

describe.skipIf(n8nBin === undefined)('the packed tarball, installed into a real n8n', () => {
  let sandbox: Sandbox;
  let n8n: N8nInstance;
  let packDir: string;

  beforeAll(async () => {
    packDir = await tempDir('n8n-tarball-');
    const packed = runInPackage('npm', [
      'pack',
      '--json',
      '--ignore-scripts',
      '--pack-destination',
      packDir,
    ]);
    expect(packed.status, packed.output).toBe(0);
    const [report] = JSON.parse(packed.stdout) as [{ filename: string }];
    sandbox = await startSandbox({ scenario: { durationMs: 1_000 } });
    n8n = await startN8n(n8nBin ?? '', { tarball: join(packDir, report.filename) });
    await n8n.importCredentials([
      {
        ...CREDENTIAL,
        type: 'asanaExportsApi',
        data: { accessToken: sandbox.token, baseUrl: sandbox.apiUrl },
      },
    ]);
  }, 180_000);

  afterAll(async () => {
    await n8n?.close();
    await sandbox?.close();
    if (packDir !== undefined) await removeDir(packDir);
  });

  it('holds the package and nothing else: no second n8n-workflow', async () => {
    const installed = await listFiles(join(n8n.home, 'user', '.n8n', 'nodes', 'node_modules'));
    expect(installed.filter((name) => !name.startsWith('.'))).toEqual(['n8n-nodes-asana-exports']);
  });

  it('runs the README example workflow with the node type users have', async () => {
    const example = JSON.parse(
      await readText(join(packageRoot, 'examples', 'scheduled-organization-export.json')),
    ) as { nodes: Array<Record<string, unknown>> };
    const folder = await n8n.folder('example');
    const asana = example.nodes.find((node) => node.type === 'n8n-nodes-asana-exports.asanaExport');
    expect(asana).toBeDefined();
    for (const node of example.nodes) {
      if (node === asana) node.credentials = { asanaExportsApi: CREDENTIAL };
      if (node.type === 'n8n-nodes-base.readWriteFile') {
        (node.parameters as Record<string, unknown>).fileName =
          `=${folder}/{{ $binary.data.fileName }}`;
      }
    }
    await n8n.importWorkflows([{ ...example, id: 'tarballExample01' }]);

    const execution = await n8n.execute('tarballExample01');
    const runs = execution.data?.data.resultData.runData[String(asana?.name)];
    // n8n found the node in the installed package (an unknown type would leave no run of it).
    expect(runs, execution.stdout + execution.stderr).toHaveLength(1);
    expect(runs?.[0]?.error).toBeUndefined();
    const item = runs?.[0]?.data?.main[0]?.[0];
    const exportGid = String(item?.json.exportGid);
    const written = await listFiles(folder);
    expect(written).toHaveLength(1);
    const served = await sandbox.exportFile(exportGid);
    expect(await sha256Of(join(folder, written[0] ?? ''))).toBe(served.sha256);
  }, 120_000);
});
