// `asana-export download --to s3://…` against `rclone copyurl` (Debian's rclone) moving the same
// sandbox export from its presigned link into the same local S3 server (Ceph's radosgw, started
// here on loopback), in turn, several runs each (the median counts). Ours also verifies the gzip
// stream and every record on the way and stores the manifest and latest.json; rclone only copies.
// `zcat | wc -l` of the same file is measured too: inflating the content is the floor of any check
// of it, which rclone does not make. Prints wall time, peak RSS and the ratios; writes JSON and
// Markdown to bench/results/. The goal (issue 13): at most 1.0x rclone's wall time, RSS flat.
//
//   node bench/store.mjs [--size 100MB --size 1GB --size 4GB] [--runs 3]
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { createNodeRuntime } from '../packages/core/dist/node/index.js';
import { startSandbox } from '../packages/sandbox/dist/index.js';
import { startRadosgw } from '../packages/test-stores/dist/index.js';
import { writeResults } from './lib/results.mjs';
import { createExportOfSize, parseSize } from './lib/sandbox-file.mjs';
import { summarise as summary } from './lib/stats.mjs';
import { timed } from './lib/timed.mjs';

const cli = new URL('../packages/core/dist/cli/main.js', import.meta.url).pathname;
const { values } = parseArgs({
  options: { size: { type: 'string', multiple: true }, runs: { type: 'string' } },
});
const sizes = (values.size ?? ['1GB']).map(parseSize);
const runs = Number(values.runs ?? 3);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs: a whole number, at least 1');
if (spawnSync('rclone', ['version']).error) {
  throw new Error('rclone is missing: apt-get install rclone (scripts/bench.sh installs it)');
}
const rcloneVersion = spawnSync('rclone', ['version'], { encoding: 'utf8' }).stdout.split('\n')[0];

const results = [];
const sandbox = await startSandbox({ scenario: { durationMs: 0 } });
try {
  for (const contentBytes of sizes) {
    const { gid, file } = await createExportOfSize(sandbox, contentBytes);
    // The store keeps objects in memory: room for one run of each tool at a time, and a margin.
    const s3 = await startRadosgw({ memoryBytes: 1024 ** 3 + 4 * file.bytes });
    // A remote named "radosgw", configured through rclone's environment variables.
    const remote = 'radosgw';
    // rclone's AWS SDK refuses AWS_CA_BUNDLE (set on some machines) for a plain-HTTP endpoint.
    const { AWS_CA_BUNDLE: _, ...inherited } = process.env;
    const rcloneEnv = {
      ...inherited,
      RCLONE_CONFIG_RADOSGW_TYPE: 's3',
      RCLONE_CONFIG_RADOSGW_PROVIDER: 'Ceph',
      RCLONE_CONFIG_RADOSGW_ENDPOINT: s3.endpoint,
      RCLONE_CONFIG_RADOSGW_REGION: s3.region,
      RCLONE_CONFIG_RADOSGW_ACCESS_KEY_ID: s3.accessKeyId,
      RCLONE_CONFIG_RADOSGW_SECRET_ACCESS_KEY: s3.secretAccessKey,
    };
    const rclone = (...args) => {
      const done = spawnSync('rclone', args, { encoding: 'utf8', env: rcloneEnv });
      if (done.status !== 0) throw new Error(`rclone ${args[0]} failed: ${done.stderr}`);
      return done.stdout;
    };
    rclone('mkdir', `${remote}:bench`);
    const env = {
      ...process.env,
      ASANA_TOKEN: sandbox.token,
      AWS_ACCESS_KEY_ID: s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
      AWS_REGION: s3.region,
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    const runtime = createNodeRuntime({ token: sandbox.token, baseUrl: sandbox.apiUrl });
    const ours = [];
    const linesOnly = [];
    const reference = [];
    const inflate = [];
    try {
      for (let run = 0; run < runs; run++) {
        // In turn, so that whatever else the machine does weighs on both alike.
        const ourRun = (prefix, extra) =>
          timed(
            process.execPath,
            [
              cli,
              'download',
              ...['--kind', 'graph', '--gid', gid, '--to', `s3://bench/${prefix}`],
              ...['--s3-endpoint', s3.endpoint, '--base-url', sandbox.apiUrl, '--quiet', ...extra],
            ],
            { env },
          );
        // Counting lines only, without parsing each record: what the gzip check alone costs.
        linesOnly.push(await ourRun(`lines-${run}`, ['--skip-json-check']));
        rclone('purge', `${remote}:bench/lines-${run}`);
        const result = await ourRun(`ours-${run}`, []);
        const manifest = JSON.parse(result.stdout);
        if (manifest.file.sha256 !== file.sha256 || manifest.records.total !== file.records) {
          throw new Error('the stored export does not match the served file');
        }
        const listed = rclone('lsjson', '-R', '--hash', `${remote}:bench/ours-${run}`);
        const object = JSON.parse(listed).find((entry) => entry.Path.endsWith('.jsonl.gz'));
        if (object?.Size !== file.bytes) throw new Error('the stored object has another size');
        ours.push(result);
        rclone('purge', `${remote}:bench/ours-${run}`);

        // A fresh link each time, as Asana gives one per status call.
        const status = await runtime.client.status(
          { kind: 'graph', gid },
          AbortSignal.timeout(30_000),
        );
        reference.push(
          await timed(
            'rclone',
            ['copyurl', status.downloadUrl, `${remote}:bench/ref-${run}/export.jsonl.gz`],
            { env: rcloneEnv },
          ),
        );
        const copied = JSON.parse(rclone('lsjson', `${remote}:bench/ref-${run}`))[0];
        if (copied?.Size !== file.bytes) throw new Error('rclone stored another size');
        rclone('purge', `${remote}:bench/ref-${run}`);

        // The floor of any check of the content: inflating it, on one core, with nothing else.
        const zcat = await timed('sh', ['-c', `zcat '${file.path}' | wc -l`]);
        if (Number(zcat.stdout.trim()) !== file.records) throw new Error('zcat | wc -l disagrees');
        inflate.push(zcat);
      }
    } finally {
      await runtime.close();
      await s3.stop();
    }
    const row = {
      uncompressedBytes: contentBytes,
      compressedBytes: file.bytes,
      records: file.records,
      runs,
      ours: summary(ours),
      skipJsonCheck: summary(linesOnly),
      rclone: summary(reference),
      zcat: summary(inflate),
    };
    row.zcatRatio = row.ours.wallSeconds / row.zcat.wallSeconds;
    row.wallRatio = row.ours.wallSeconds / row.rclone.wallSeconds;
    row.rssRatio = row.ours.peakRssMiB / row.rclone.peakRssMiB;
    row.ours.mbPerSecond = file.bytes / 1e6 / row.ours.wallSeconds;
    row.rclone.mbPerSecond = file.bytes / 1e6 / row.rclone.wallSeconds;
    results.push(row);
    console.error(JSON.stringify(row));
  }
} finally {
  await sandbox.close();
}

const rows = results.map(
  (r) =>
    `| ${(r.uncompressedBytes / 1e6).toFixed(0)} MB (${(r.compressedBytes / 1e6).toFixed(0)} MB gz, ${r.records} records) | ` +
    `${r.ours.wallSeconds.toFixed(2)} s, ${r.ours.peakRssMiB.toFixed(0)} MiB | ` +
    `${r.skipJsonCheck.wallSeconds.toFixed(2)} s, ${r.skipJsonCheck.peakRssMiB.toFixed(0)} MiB | ` +
    `${r.rclone.wallSeconds.toFixed(2)} s, ${r.rclone.peakRssMiB.toFixed(0)} MiB | ` +
    `${r.wallRatio.toFixed(2)}× wall, ${r.rssRatio.toFixed(2)}× RSS | ` +
    `${r.zcat.wallSeconds.toFixed(2)} s (ours ${r.zcatRatio.toFixed(2)}×) |`,
);
const markdown = [
  `Median of ${runs} runs each, in turn, into Ceph radosgw on loopback; peak RSS is the largest seen. ${rcloneVersion}.`,
  '',
  "| export | download --to s3:// (every record parsed; wall, peak RSS) | with --skip-json-check (gzip and lines only) | rclone copyurl (copy only) | ours / rclone | zcat \\| wc -l of the file (the check's floor) |",
  '|---|---|---|---|---|---|',
  ...rows,
].join('\n');
console.log(markdown);
writeResults('store', { results }, markdown);
