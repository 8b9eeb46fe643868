// `asana-export diff OLD NEW` on two graph exports of one target from the sandbox, at revision 0
// and revision 1 of its workspace, against `zcat` of both files, the floor of anything that reads
// them. Revision 1 is by default the goal's shape (sandbox `revisionEdits: 'few'`: 0.2% of the
// records removed, 1% edited, 0.2% added, about 1% changed); `--many-edits` is the harder case
// measured before (2% removed, 5% edited, 1% added and a custom field renamed, which changes
// about a third of the records). Prints records per side, the share changed, wall time, peak RSS
// and the ratio; writes JSON and Markdown to bench/results/. The goal (issue 14): for 4.4 M
// records (4 GB uncompressed) each side, peak RSS under 300 MB and wall time within 3x of zcat.
// The sandbox's records average about 1.4 KB, so 4 GB holds about 2.8 M of them, not 4.4 M.
//
//   node bench/diff.mjs [--size 100MB --size 1GB --size 4GB] [--runs 1] [--many-edits]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSandbox } from '../packages/sandbox/dist/index.js';
import { writeResults } from './lib/results.mjs';
import { createExportOfSize, parseSize } from './lib/sandbox-file.mjs';
import { summarise } from './lib/stats.mjs';
import { timed } from './lib/timed.mjs';

const cli = new URL('../packages/core/dist/cli/main.js', import.meta.url).pathname;
const { values } = parseArgs({
  options: {
    size: { type: 'string', multiple: true },
    runs: { type: 'string' },
    'many-edits': { type: 'boolean', default: false },
  },
});
const sizes = (values.size ?? ['1GB']).map(parseSize);
const runs = Number(values.runs ?? 1);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs: a whole number, at least 1');
const revisionEdits = values['many-edits'] ? 'many' : 'few';

const results = [];
const sandbox = await startSandbox({ scenario: { durationMs: 0 } });
try {
  for (const contentBytes of sizes) {
    const older = await createExportOfSize(sandbox, contentBytes, { revision: 0 });
    const newer = await createExportOfSize(sandbox, contentBytes, { revision: 1, revisionEdits });
    const temp = mkdtempSync(join(tmpdir(), 'bench-diff-'));
    const ours = [];
    const zcat = [];
    let report;
    try {
      for (let run = 0; run < runs; run++) {
        const zcatBoth = `zcat -- "$1" > /dev/null && zcat -- "$2" > /dev/null`;
        zcat.push(await timed('sh', ['-c', zcatBoth, 'sh', older.file.path, newer.file.path]));
        const done = await timed('node', [
          cli,
          'diff',
          older.file.path,
          newer.file.path,
          '--quiet',
          '--temp-dir',
          temp,
        ]);
        ours.push(done);
        report = JSON.parse(done.stdout);
      }
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
    const expected = newer.file.changes;
    const matches = ['added', 'removed', 'changed'].every(
      (key) =>
        report.totals[key] ===
        Object.values(expected.byResourceType).reduce((sum, type) => sum + type[key], 0),
    );
    if (!matches) throw new Error('the diff does not match what the sandbox changed');
    const changedPercent = (100 * report.totals.changed) / older.file.records;
    const figures = {
      contentBytes,
      revisionEdits,
      changedPercent,
      records: { old: older.file.records, new: newer.file.records },
      totals: report.totals,
      ours: summarise(ours),
      zcat: summarise(zcat),
    };
    figures.ratio = figures.ours.wallSeconds / figures.zcat.wallSeconds;
    // The machine may be shared: the 1-minute load average at the end, to judge the run by.
    figures.loadAverage = loadavg()[0];
    results.push(figures);
    console.log(
      `${(contentBytes / 1e9).toFixed(1)} GB each side, ${older.file.records} → ${newer.file.records} records (${report.totals.changed} changed, ${changedPercent.toFixed(2)}% of the old side): diff ${figures.ours.wallSeconds.toFixed(2)} s, ${figures.ours.peakRssMiB.toFixed(0)} MiB peak; zcat of both ${figures.zcat.wallSeconds.toFixed(2)} s; ratio ${figures.ratio.toFixed(2)}x; load average ${figures.loadAverage.toFixed(2)}`,
    );
  }
} finally {
  await sandbox.close();
}
const gzipVersion = spawnSync('gzip', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
writeResults(
  'diff',
  { gzip: gzipVersion, results },
  [
    '| size each side | edits | records old → new | changed | diff wall | diff peak RSS | zcat both | ratio |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...results.map(
      (r) =>
        `| ${(r.contentBytes / 1e9).toFixed(1)} GB | ${r.revisionEdits} | ${r.records.old} → ${r.records.new} | ${r.totals.changed} (${r.changedPercent.toFixed(2)}%) | ${r.ours.wallSeconds.toFixed(2)} s | ${r.ours.peakRssMiB.toFixed(0)} MiB | ${r.zcat.wallSeconds.toFixed(2)} s | ${r.ratio.toFixed(2)}x |`,
    ),
  ].join('\n'),
);
