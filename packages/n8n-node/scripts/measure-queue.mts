/**
 * The figures for running the node at scale, in n8n's queue mode (main + 2 workers, PostgreSQL,
 * Redis, all on loopback; needs scripts/install-n8n.sh, scripts/install-services.sh and a build).
 *
 *   node packages/n8n-node/scripts/measure-queue.mts parallel [exports, default 8] [size, default 100MB]
 *   node packages/n8n-node/scripts/measure-queue.mts ceiling [sizes, default 500MB,1200MB,1500MB,3GB]
 *
 * `parallel`: that many resource exports of different workspaces started at once through the
 * webhook of Webhook → Asana Export (Create, wait, download) → Crypto (SHA-256 of the binary data,
 * read back from the store); wall time, peak RSS of each worker, requests per export.
 * `ceiling`: one export per size through the same workflow in the default binary data mode of
 * queue mode (`database`, its limit raised to n8n's maximum, 1024 MiB): which sizes get through.
 */
import { type Sandbox, startSandbox } from '@asana-exports/sandbox';
import { findN8n } from '../test/support/n8n.mts';
import { startQueueMode } from '../test/support/queue-mode.mts';
import { asanaNode, hashNode, webhookWorkflow } from '../test/support/workflows.mts';

const UNITS: Record<string, number> = { MB: 1024 ** 2, GB: 1024 ** 3 };
const mode = process.argv[2] ?? 'parallel';
const bin = findN8n();
if (bin === undefined) throw new Error('n8n is not installed: run scripts/install-n8n.sh first');

if (mode === 'parallel') {
  await measureParallel(Number(process.argv[3] ?? 8), parseSize(process.argv[4] ?? '100MB'));
} else if (mode === 'ceiling') {
  await measureCeiling((process.argv[3] ?? '500MB,1200MB,1500MB,3GB').split(',').map(parseSize));
} else {
  throw new Error(`Mode must be parallel or ceiling, not ${mode}`);
}

async function measureParallel(count: number, contentBytes: number): Promise<void> {
  const sandbox = await startSandbox({ scenario: { durationMs: 5_000, contentBytes } });
  const n8n = await startInstallation(sandbox, {});
  try {
    const workspaces = Array.from({ length: count }, (_, index) =>
      String(1400000000000001 + index),
    );
    await warm(sandbox, workspaces);
    const before = sandbox.requests.length;
    const startedAt = performance.now();
    const answers = await Promise.all(
      workspaces.map((workspace) => n8n.webhook('measure', { workspace })),
    );
    const wallMs = performance.now() - startedAt;
    const results = answers.map((answer) => {
      if (answer.status !== 200) throw new Error(`Failed: ${JSON.stringify(answer.body)}`);
      return answer.body as { jobGid: string; sha256: string; file: { bytes: number } };
    });
    for (const result of results) {
      const expected = await sandbox.exportFile(result.jobGid);
      if (result.sha256 !== expected.sha256) throw new Error(`Hash differs for ${result.jobGid}`);
    }
    const requests = sandbox.requests.slice(before);
    const statusPolls = results.map(
      (result) =>
        requests.filter((request) => request.path.endsWith(`/jobs/${result.jobGid}`)).length,
    );
    const perWorker = n8n.workers.map((worker) => ({
      worker: worker.name,
      executions: (worker.log().match(/Worker started execution/g) ?? []).length,
      peakRssMiB: Math.round((worker.peakRssKiB() ?? 0) / 1024),
    }));
    console.log(
      `${count} exports of ${formatSize(contentBytes)} (${formatSize(results[0]?.file.bytes ?? 0)} gzip) each, all byte for byte`,
    );
    console.log(`wall time for all: ${(wallMs / 1000).toFixed(1)} s`);
    console.log(
      `requests per export: ${requests.filter((r) => r.method === 'POST').length / count} create, ` +
        `${Math.min(...statusPolls)}–${Math.max(...statusPolls)} status, ` +
        `${requests.filter((r) => r.origin === 'download').length / count} download`,
    );
    console.log('| worker | executions | peak RSS |\n|---|---|---|');
    for (const row of perWorker) {
      console.log(`| ${row.worker} | ${row.executions} | ${row.peakRssMiB} MiB |`);
    }
    console.log(`main: peak RSS ${Math.round((n8n.main.peakRssKiB() ?? 0) / 1024)} MiB`);
  } finally {
    await n8n.close();
    await sandbox.close();
  }
}

async function measureCeiling(sizes: readonly number[]): Promise<void> {
  const sandbox = await startSandbox({ scenario: { durationMs: 500 } });
  console.log('| export (uncompressed → gzip) | result | peak RSS of the worker |\n|---|---|---|');
  try {
    for (const [index, contentBytes] of sizes.entries()) {
      sandbox.configure({ contentBytes });
      const workspace = String(1500000000000001 + index);
      await warm(sandbox, [workspace]);
      // A fresh installation per size, so each peak RSS belongs to one export.
      const n8n = await startInstallation(sandbox, {
        N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE: '1024',
      });
      try {
        const answer = await n8n.webhook('measure', { workspace });
        const body = answer.body as { sha256?: string; jobGid?: string };
        const gzip = await gzipSizeOf(sandbox, workspace);
        const ok =
          answer.status === 200 &&
          body.jobGid !== undefined &&
          body.sha256 === (await sandbox.exportFile(body.jobGid)).sha256;
        const outcome = ok ? 'intact' : `failed: ${failureOf(n8n.workers.map((w) => w.log()))}`;
        const rss = Math.max(...n8n.workers.map((worker) => worker.peakRssKiB() ?? 0));
        console.log(
          `| ${formatSize(contentBytes)} → ${formatSize(gzip)} | ${outcome} | ${Math.round(rss / 1024)} MiB |`,
        );
      } finally {
        await n8n.close();
      }
    }
  } finally {
    await sandbox.close();
  }
}

async function startInstallation(sandbox: Sandbox, env: Record<string, string>) {
  const credential = { id: 'measureQueueCred', name: 'Asana sandbox' };
  return await startQueueMode(
    bin ?? '',
    {
      credentials: [
        {
          ...credential,
          type: 'asanaExportsApi',
          data: { accessToken: sandbox.token, baseUrl: sandbox.apiUrl },
        },
      ],
      workflows: [
        webhookWorkflow('measureQueue0001', 'measure', [
          asanaNode(
            'Asana Export',
            {
              operation: 'create',
              kind: 'resource',
              workspace: '={{ $json.body.workspace }}',
              resources: { resource: [{ resourceType: 'task' }] },
            },
            credential,
          ),
          hashNode(),
        ]),
      ],
    },
    { env },
  );
}

/** Generates each workspace's file once beforehand, so generation time is not measured. */
async function warm(sandbox: Sandbox, workspaces: readonly string[]): Promise<void> {
  for (const workspace of workspaces) {
    await sandbox.exportFile(await sandbox.startExport({ workspace }));
    // Let the warming export end, so the workspace's one slot is free again.
    await new Promise((resolve) => setTimeout(resolve, 5_500));
  }
}

/** The size of the file the sandbox serves for this workspace's exports (one per content size). */
async function gzipSizeOf(sandbox: Sandbox, workspace: string): Promise<number> {
  const job = await sandbox.startExport({ workspace });
  return (await sandbox.exportFile(job)).bytes;
}

/** The first error line a worker logged, without stack frames. */
function failureOf(logs: readonly string[]): string {
  for (const log of logs) {
    const line = log.split('\n').find((text) => /error|too large|cannot|exceed/i.test(text));
    if (line !== undefined) return line.trim().slice(0, 200);
  }
  return 'no error logged';
}

function parseSize(text: string): number {
  const match = /^(\d+)(MB|GB)$/.exec(text);
  if (match === null) throw new Error(`Size must look like 512MB or 1GB, not ${text}`);
  return Number(match[1]) * (UNITS[match[2] ?? 'MB'] ?? 0);
}

function formatSize(bytes: number): string {
  return bytes >= 1024 ** 3
    ? `${(bytes / 1024 ** 3).toFixed(1)} GiB`
    : `${Math.round(bytes / 1024 ** 2)} MiB`;
}
