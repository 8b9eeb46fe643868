// Download + verify of a sandbox JSON Lines export: our CLI (`asana-export download`, which
// streams, hashes, gunzips and parses every record in one pass) against `curl -o` followed by
// `zcat | wc -l` on the same file, in the same run. Prints wall time, throughput and peak RSS of
// each, and their ratios; writes the figures as JSON and Markdown to bench/results/.
//
// `--long-line 256MB` adds a hostile row: a small export with one record of that length, a gzip
// bomb of well under 1 MB that inflates to one huge line. Memory must stay as flat as on an
// ordinary export (the line is scanned as it streams, never held), where `zcat | wc -l` holds
// nothing either.
//
//   node bench/download-verify.mjs [--size 1GB] [--size 100MB ...] [--long-line 256MB]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSandbox } from '../packages/sandbox/dist/index.js';
import { writeResults } from './lib/results.mjs';
import { createExportOfSize, parseSize } from './lib/sandbox-file.mjs';
import { timed } from './lib/timed.mjs';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'packages/core/dist/cli/main.js');
const { values } = parseArgs({
  options: { size: { type: 'string', multiple: true }, 'long-line': { type: 'string' } },
});
const sizes = (values.size ?? ['1GB']).map((size) => ({ contentBytes: parseSize(size) }));
if (values['long-line'] !== undefined) {
  // 1 MB of ordinary records around the long one.
  sizes.push({ contentBytes: 1e6, longLineBytes: parseSize(values['long-line']) });
}

const results = [];
const sandbox = await startSandbox({ scenario: { durationMs: 0 } });
try {
  for (const { contentBytes, longLineBytes } of sizes) {
    const { gid, file } = await createExportOfSize(
      sandbox,
      contentBytes,
      longLineBytes === undefined ? {} : { corruption: 'long-line', longLineBytes },
    );
    const work = mkdtempSync(join(tmpdir(), 'asana-exports-bench-'));
    try {
      const ours = await timed(
        process.execPath,
        [
          cli,
          'download',
          '--kind',
          'graph',
          '--gid',
          gid,
          '--out',
          join(work, 'ours'),
          '--base-url',
          sandbox.apiUrl,
          '--quiet',
        ],
        {
          env: { ...process.env, ASANA_TOKEN: sandbox.token },
        },
      );
      const manifest = JSON.parse(ours.stdout);
      if (manifest.file.sha256 !== file.sha256 || manifest.records.total !== file.records) {
        throw new Error('our download does not match the served file');
      }

      const status = await (
        await fetch(`${sandbox.apiUrl}/jobs/${gid}`, {
          headers: { authorization: `Bearer ${sandbox.token}` },
        })
      ).json();
      const target = join(work, 'curl.jsonl.gz');
      const curl = await timed('curl', [
        '-sSf',
        '-o',
        target,
        status.data.new_graph_export.download_url,
      ]);
      const zcat = await timed('sh', ['-c', `zcat '${target}' | wc -l`]);
      if (Number(zcat.stdout.trim()) !== file.records)
        throw new Error('zcat | wc -l disagrees with the served file');

      const reference = curl.wallSeconds + zcat.wallSeconds;
      const mb = file.bytes / 1e6;
      results.push({
        uncompressedBytes: contentBytes + (longLineBytes ?? 0),
        ...(longLineBytes === undefined ? {} : { longLineBytes }),
        compressedBytes: file.bytes,
        records: file.records,
        ours: {
          wallSeconds: ours.wallSeconds,
          mbPerSecond: mb / ours.wallSeconds,
          peakRssMiB: ours.peakRssMiB,
        },
        reference: {
          wallSeconds: reference,
          curlSeconds: curl.wallSeconds,
          zcatWcSeconds: zcat.wallSeconds,
          mbPerSecond: mb / reference,
          peakRssMiB: Math.max(curl.peakRssMiB, zcat.peakRssMiB),
        },
        wallRatio: ours.wallSeconds / reference,
      });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
} finally {
  await sandbox.close();
}

const rows = results.map(
  (r) =>
    `| ${(r.uncompressedBytes / 1e6).toFixed(0)} MB (${(r.compressedBytes / 1e6).toFixed(r.longLineBytes ? 2 : 0)} MB gz, ${r.records} records${r.longLineBytes ? `, one of ${(r.longLineBytes / 1e6).toFixed(0)} MB` : ''}) | ` +
    `${r.ours.wallSeconds.toFixed(2)} s, ${r.ours.peakRssMiB.toFixed(0)} MiB | ` +
    `${r.reference.wallSeconds.toFixed(2)} s (curl ${r.reference.curlSeconds.toFixed(2)} + zcat\\|wc ${r.reference.zcatWcSeconds.toFixed(2)}), ${r.reference.peakRssMiB.toFixed(0)} MiB | ` +
    `${r.wallRatio.toFixed(2)}× |`,
);
const markdown = [
  '| export | asana-export download (wall, peak RSS) | curl -o + zcat \\| wc -l (wall, peak RSS) | wall ratio |',
  '|---|---|---|---|',
  ...rows,
].join('\n');
console.log(markdown);
writeResults('download-verify', { results }, markdown);
