// Verify alone, on a sandbox JSON Lines export already on disk: our one-pass verifier (gzip check
// + record count, then also full JSON validation of every line) against `zcat | wc -l` and
// against a bare Node loop that only gunzips. Same file, same run; wall seconds and ratios.
//
//   node bench/verify.mjs [--size 1GB]
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import { verifyGzipFile } from '../packages/core/dist/node/index.js';
import { startSandbox } from '../packages/sandbox/dist/index.js';
import { writeResults } from './lib/results.mjs';
import { exportFileOfSize, parseSize } from './lib/sandbox-file.mjs';

const { values } = parseArgs({ options: { size: { type: 'string', default: '1GB' } } });
const sandbox = await startSandbox();
let file;
try {
  file = await exportFileOfSize(sandbox, parseSize(values.size));
} finally {
  await sandbox.close();
}

async function seconds(task) {
  const started = performance.now();
  const value = await task();
  return { seconds: (performance.now() - started) / 1000, value };
}

const bareGunzip = await seconds(async () => {
  let bytes = 0;
  for await (const chunk of createReadStream(file.path, { highWaterMark: 1 << 20 }).pipe(
    createGunzip({ chunkSize: 256 * 1024 }),
  )) {
    bytes += chunk.length;
  }
  return bytes;
});
const zcat = await seconds(
  () =>
    new Promise((resolve, reject) => {
      const child = spawn('sh', ['-c', `zcat '${file.path}' | wc -l`], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (text) => {
        out += text;
      });
      child.on('error', reject);
      child.on('close', () => resolve(Number(out.trim())));
    }),
);
const countOnly = await seconds(() =>
  verifyGzipFile(file.path, { format: 'jsonl', validateJson: false }),
);
const fullJson = await seconds(() =>
  verifyGzipFile(file.path, { format: 'jsonl', validateJson: true }),
);
for (const run of [countOnly, fullJson]) {
  if (run.value.records.records !== file.records)
    throw new Error('record count disagrees with the served file');
}
if (zcat.value !== file.records) throw new Error('zcat | wc -l disagrees with the served file');

const rows = [
  ['bare Node gunzip loop', bareGunzip.seconds],
  ['zcat \\| wc -l', zcat.seconds],
  ['ours: gzip check + count', countOnly.seconds],
  ['ours: gzip check + count + JSON.parse of every line', fullJson.seconds],
];
const markdown = [
  `Verify alone, ${(file.bytes / 1e6).toFixed(0)} MB gzip (${(file.uncompressedBytes / 1e6).toFixed(0)} MB uncompressed, ${file.records} records)`,
  '',
  '| verifier | wall | speed vs bare gunzip loop | speed vs zcat \\| wc -l |',
  '|---|---|---|---|',
  ...rows.map(
    ([name, s]) =>
      `| ${name} | ${s.toFixed(2)} s | ${(bareGunzip.seconds / s).toFixed(2)}× | ${(zcat.seconds / s).toFixed(2)}× |`,
  ),
].join('\n');
console.log(markdown);
writeResults(
  'verify',
  { file: { bytes: file.bytes, records: file.records }, seconds: Object.fromEntries(rows) },
  markdown,
);
