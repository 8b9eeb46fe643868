// The n8n node's Store In on a queue-mode worker (PostgreSQL, Redis; n8n's own binary data mode for
// queue mode, the database): one large sandbox export downloaded by the worker into a local S3
// server (Ceph's radosgw on loopback), and the worker's peak RSS (VmHWM of its process) before and
// after, past a warm-up with a small export. The figure for issue 13: memory stays flat whatever
// the export's size, because the file never passes through n8n's binary data. With --binary, the
// same export is then also downloaded as Binary Data on the same worker, for comparison (the
// database mode holds the file in memory and refuses it past 512 MiB); it runs second because VmHWM
// only ever grows.
//
//   node bench/n8n-destination-rss.mjs [--size 1GB] [--binary]
//
// Node 24 (the project's, .tools/): it imports the n8n e2e support, TypeScript, as it is.
//
// Needs n8n (packages/n8n-node/scripts/install-n8n.sh), PostgreSQL and Redis
// (scripts/install-services.sh), Ceph (scripts/install-ceph.sh), and the built packages.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { findN8n, N8N_VERSION, NODE_TYPE } from '../packages/n8n-node/test/support/n8n.mts';
import { startQueueMode } from '../packages/n8n-node/test/support/queue-mode.mts';
import { webhookWorkflow } from '../packages/n8n-node/test/support/workflows.mts';
import { startSandbox } from '../packages/sandbox/dist/index.js';
import { startRadosgw } from '../packages/test-stores/dist/index.js';
import { writeResults } from './lib/results.mjs';
import { createExportOfSize, parseSize } from './lib/sandbox-file.mjs';

const { values } = parseArgs({
  options: { size: { type: 'string' }, binary: { type: 'boolean' } },
});
const contentBytes = parseSize(values.size ?? '1GB');
const n8nBin = findN8n();
if (n8nBin === undefined)
  throw new Error('n8n is missing: run packages/n8n-node/scripts/install-n8n.sh');
// The SDK the test stores use, to make the bucket and list what was stored.
const s3Sdk = createRequire(new URL('../packages/test-stores/package.json', import.meta.url))(
  '@aws-sdk/client-s3',
);

const ASANA = { id: 'benchRssAsana001', name: 'Asana sandbox' };
const STORAGE = { id: 'benchRssS3Cred01', name: 'radosgw' };
const BUCKET = 'bench-n8n';

const sandbox = await startSandbox({ scenario: { durationMs: 0 } });
let s3;
let n8n;
let client;
try {
  // A small export first, stored once to warm the worker up (loading the node, first requests):
  // what is left to grow after it is what the large export costs.
  const warmUp = await createExportOfSize(sandbox, 1_000_000);
  const { gid, file } = await createExportOfSize(sandbox, contentBytes);
  // The in-memory OSD holds the stored export: room for it, and a margin.
  s3 = await startRadosgw({ memoryBytes: 1024 ** 3 + 2 * file.bytes });
  client = new s3Sdk.S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  await client.send(new s3Sdk.CreateBucketCommand({ Bucket: BUCKET }));

  const downloadNode = (parameters) => ({
    id: randomUUID(),
    name: 'Download',
    type: NODE_TYPE,
    typeVersion: 1,
    position: [0, 0],
    parameters: {
      resource: 'export',
      operation: 'download',
      kind: 'graph',
      gid: '={{ $json.body.gid }}',
      options: { timeout: 60 },
      ...parameters,
    },
    credentials: { asanaExportsApi: ASANA, asanaExportsS3Api: STORAGE },
  });
  console.error('starting n8n in queue mode (main, one worker)...');
  n8n = await startQueueMode(n8nBin, {
    credentials: [
      {
        ...ASANA,
        type: 'asanaExportsApi',
        data: { accessToken: sandbox.token, baseUrl: sandbox.apiUrl },
      },
      {
        ...STORAGE,
        type: 'asanaExportsS3Api',
        data: {
          endpoint: s3.endpoint,
          region: s3.region,
          accessKeyId: s3.accessKeyId,
          secretAccessKey: s3.secretAccessKey,
          sessionToken: '',
          forcePathStyle: true,
        },
      },
    ],
    workflows: [
      webhookWorkflow('benchRssStore001', 'bench-store', [
        downloadNode({ storeIn: 's3', bucket: BUCKET, prefix: 'n8n' }),
      ]),
      webhookWorkflow('benchRssBinary01', 'bench-binary', [downloadNode({})]),
    ],
  });
  const worker = n8n.workers[0];
  const rssMiB = () => (worker.peakRssKiB() ?? Number.NaN) / 1024;

  async function run(path, exportGid = gid) {
    const startedAt = performance.now();
    const answer = await n8n.webhook(path, { gid: exportGid }, AbortSignal.timeout(30 * 60_000));
    return { answer, wallSeconds: (performance.now() - startedAt) / 1000 };
  }

  const startedMiB = rssMiB();
  const warm = await run('bench-store', warmUp.gid);
  if (warm.answer.status !== 200)
    throw new Error(`warm-up failed: ${JSON.stringify(warm.answer.body)}`);
  const idleMiB = rssMiB();
  console.error(
    `worker peak RSS ${startedMiB.toFixed(0)} MiB started, ${idleMiB.toFixed(0)} MiB warm; storing ${file.bytes} bytes...`,
  );
  const stored = await run('bench-store');
  const body = stored.answer.body;
  if (stored.answer.status !== 200 || body?.file?.sha256 !== file.sha256) {
    throw new Error(`Store In failed: ${JSON.stringify(body).slice(0, 2000)}`);
  }
  const head = await client.send(
    new s3Sdk.HeadObjectCommand({ Bucket: BUCKET, Key: body.storedIn.key }),
  );
  if (head.ContentLength !== file.bytes) throw new Error('the stored object has another size');
  const row = {
    uncompressedBytes: contentBytes,
    compressedBytes: file.bytes,
    records: file.records,
    workerStartedPeakRssMiB: startedMiB,
    workerWarmPeakRssMiB: idleMiB,
    storeIn: {
      wallSeconds: stored.wallSeconds,
      mbPerSecond: file.bytes / 1e6 / stored.wallSeconds,
      workerPeakRssMiB: rssMiB(),
    },
  };
  console.error(JSON.stringify(row));

  if (values.binary) {
    console.error('the same export as Binary Data (database mode)...');
    const binary = await run('bench-binary');
    row.binaryData = {
      status: binary.answer.status,
      ok: binary.answer.status === 200 && binary.answer.body?.file?.sha256 === file.sha256,
      error:
        binary.answer.status === 200 ? undefined : JSON.stringify(binary.answer.body).slice(0, 300),
      wallSeconds: binary.wallSeconds,
      workerPeakRssMiB: rssMiB(),
    };
    console.error(JSON.stringify(row.binaryData));
  }

  const lines = [
    `n8n ${N8N_VERSION} in queue mode (one worker, PostgreSQL, Redis), Download of one sandbox export into Ceph radosgw on loopback; worker peak RSS is its VmHWM.`,
    '',
    '| export | worker peak RSS: started, after a 1 MB warm-up | Store In S3: wall, MB/s (gz) | worker peak RSS after | Binary Data (database mode): result, peak RSS after |',
    '|---|---|---|---|---|',
    `| ${(contentBytes / 1e6).toFixed(0)} MB (${(file.bytes / 1e6).toFixed(0)} MB gz, ${file.records} records) | ` +
      `${startedMiB.toFixed(0)}, ${idleMiB.toFixed(0)} MiB | ${row.storeIn.wallSeconds.toFixed(1)} s, ${row.storeIn.mbPerSecond.toFixed(1)} MB/s | ` +
      `${row.storeIn.workerPeakRssMiB.toFixed(0)} MiB (+${(row.storeIn.workerPeakRssMiB - idleMiB).toFixed(0)}) | ` +
      (row.binaryData === undefined
        ? 'not run (--binary) |'
        : `${row.binaryData.ok ? 'stored' : `failed (${row.binaryData.status})`}, ${row.binaryData.workerPeakRssMiB.toFixed(0)} MiB |`),
  ];
  const markdown = lines.join('\n');
  console.log(markdown);
  writeResults('n8n-destination-rss', { n8n: N8N_VERSION, results: [row] }, markdown);
} finally {
  await n8n?.close();
  client?.destroy();
  await s3?.stop();
  await sandbox.close();
}
