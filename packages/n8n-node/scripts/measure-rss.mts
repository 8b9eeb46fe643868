/**
 * Peak RSS of the n8n process while the Asana Export node downloads a large export, per binary
 * data mode. Needs n8n (scripts/install-n8n.sh), a build (dist/) and GNU time (/usr/bin/time).
 *
 *   node packages/n8n-node/scripts/measure-rss.mts [size, default 1GB]
 *
 * The sandbox makes a graph export of that uncompressed size; each run is one `n8n execute` of
 * Manual Trigger → Asana Export (Create, wait, download), measured with /usr/bin/time -f %M.
 */
import { startSandbox } from '@asana-exports/sandbox';
import { findN8n, startN8n } from '../test/support/n8n.mts';

const sizes: Record<string, number> = { MB: 1024 ** 2, GB: 1024 ** 3 };
const sizeArg = process.argv[2] ?? '1GB';
const match = /^(\d+)(MB|GB)$/.exec(sizeArg);
if (match === null) throw new Error(`Size must look like 512MB or 1GB, not ${sizeArg}`);
const contentBytes = Number(match[1]) * (sizes[match[2] ?? 'MB'] ?? 0);

const bin = findN8n();
if (bin === undefined) throw new Error('n8n is not installed: run scripts/install-n8n.sh first');

const sandbox = await startSandbox({ scenario: { durationMs: 500, contentBytes } });
const runs: Array<{ mode: string; decompress: boolean; baseline?: boolean }> = [
  { mode: 'filesystem', decompress: false, baseline: true },
  { mode: 'filesystem', decompress: false },
  { mode: 'default', decompress: false },
  { mode: 'database', decompress: false },
  { mode: 'filesystem', decompress: true },
  { mode: 'default', decompress: true },
  { mode: 'database', decompress: true },
];
try {
  // Warm the sandbox's file cache so generation time is not measured.
  const warmJob = await sandbox.startExport({ parent: '1300000000000000' });
  const file = await sandbox.exportFile(warmJob);
  console.log(`export: ${sizeArg} uncompressed, ${(file.bytes / 1024 ** 2).toFixed(1)} MiB gzip`);

  for (const [index, run] of runs.entries()) {
    const n8n = await startN8n(bin, { binaryMode: run.mode });
    try {
      await n8n.importCredentials([
        {
          id: 'measureCredential',
          name: 'sandbox',
          type: 'asanaExportsApi',
          data: { accessToken: sandbox.token, baseUrl: sandbox.apiUrl },
        },
      ]);
      const id = `measureRss${String(index).padStart(6, '0')}`;
      await n8n.importWorkflows([
        {
          id,
          name: id,
          active: false,
          settings: { executionOrder: 'v1' },
          nodes: [
            {
              id: 't',
              name: 'Run',
              type: 'n8n-nodes-base.manualTrigger',
              typeVersion: 1,
              position: [0, 0],
              parameters: {},
            },
            {
              id: 'a',
              name: 'Asana Export',
              type: 'CUSTOM.asanaExport',
              typeVersion: 1,
              position: [200, 0],
              // The baseline only reads a status: n8n's own footprint, with the node loaded.
              parameters: run.baseline
                ? { resource: 'export', operation: 'getStatus', kind: 'graph', gid: warmJob }
                : {
                    resource: 'export',
                    operation: 'create',
                    kind: 'graph',
                    parent: '1300000000000000',
                    options: { decompress: run.decompress },
                  },
              credentials: { asanaExportsApi: { id: 'measureCredential', name: 'sandbox' } },
            },
          ],
          connections: { Run: { main: [[{ node: 'Asana Export', type: 'main', index: 0 }]] } },
        },
      ]);
      const started = Date.now();
      const result = await n8n.execute(id, { N8N_E2E_MEASURE_RSS: 'true' });
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const item = result.data?.data.resultData.runData['Asana Export']?.[0]?.data?.main[0]?.[0];
      const stored = item?.binary?.data?.bytes;
      const error = /(n8n could not (?:store|hold) the export: [^"\\\n]*)/.exec(
        `${result.stdout}\n${result.stderr}`,
      );
      const outcome =
        result.code === 0
          ? `stored ${((stored ?? 0) / 1024 ** 2).toFixed(1)} MiB`
          : `FAILED: ${error?.[1] ?? `exit ${result.code}`}`;
      console.log(
        `${run.baseline ? 'baseline (Get Status only) ' : ''}mode=${run.mode.padEnd(10)} decompress=${String(run.decompress).padEnd(5)} peak RSS ${((result.maxRssKiB ?? 0) / 1024).toFixed(0)} MiB, ${seconds}s, ${outcome}`,
      );
    } finally {
      await n8n.close();
    }
  }
} finally {
  await sandbox.close();
}
