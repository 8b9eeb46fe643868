// `asana-export load FILE --duckdb DB` of a graph export from the sandbox (a dozen record types
// mixed in one file, as Asana's are), against DuckDB's own `read_json_auto` of the same file into
// one table, through the same @duckdb/node-api in a child process, under the same memory_limit:
// the baseline a data person starts from. Ours also checks the gzip stream and every record as
// `verify` does, and splits, types and merges by gid. Prints wall time, peak RSS (GNU time) and
// the ratios, and whether load's peak stayed within --memory-limit (which load shares out between
// Node and DuckDB); writes JSON and Markdown to bench/results/. The figures: 100 MB, 1 GB,
// 4 GB.
//
//   node bench/load.mjs [--size 100MB --size 1GB --size 4GB] [--runs 1] [--memory-limit 1GB]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSandbox } from '../packages/sandbox/dist/index.js';
import { writeResults } from './lib/results.mjs';
import { createExportOfSize, parseSize } from './lib/sandbox-file.mjs';
import { summarise } from './lib/stats.mjs';
import { timed } from './lib/timed.mjs';

const cli = new URL('../packages/core/dist/cli/main.js', import.meta.url).pathname;
const reference = new URL('./lib/duckdb-read-json-auto.mjs', import.meta.url).pathname;
const { values } = parseArgs({
  options: {
    size: { type: 'string', multiple: true },
    runs: { type: 'string' },
    'memory-limit': { type: 'string' },
  },
});
const sizes = (values.size ?? ['100MB']).map(parseSize);
const runs = Number(values.runs ?? 1);
const memoryLimit = values['memory-limit'] ?? '1GB';
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs: a whole number, at least 1');

const results = [];
const sandbox = await startSandbox({ scenario: { durationMs: 0 } });
try {
  for (const contentBytes of sizes) {
    const { file } = await createExportOfSize(sandbox, contentBytes);
    const ours = [];
    const auto = [];
    let output;
    let autoRows;
    for (let run = 0; run < runs; run++) {
      const temp = mkdtempSync(join(tmpdir(), 'bench-load-'));
      try {
        const db = join(temp, 'ours.duckdb');
        const done = await timed('node', [
          cli,
          'load',
          file.path,
          '--duckdb',
          db,
          '--memory-limit',
          memoryLimit,
          '--quiet',
        ]);
        ours.push(done);
        output = JSON.parse(done.stdout);
        const baseline = await timed('node', [
          reference,
          file.path,
          join(temp, 'auto.duckdb'),
          memoryLimit,
        ]);
        auto.push(baseline);
        autoRows = JSON.parse(baseline.stdout).rows;
      } finally {
        rmSync(temp, { recursive: true, force: true });
      }
    }
    const loaded = output.loaded[0];
    if (loaded.records !== file.records || autoRows !== file.records) {
      throw new Error(
        `records: the file holds ${file.records}, load read ${loaded.records}, read_json_auto ${autoRows}`,
      );
    }
    for (const [type, count] of Object.entries(file.byResourceType)) {
      if (loaded.byResourceType[type] !== count) throw new Error(`${type}: not all loaded`);
    }
    const figures = {
      contentBytes,
      fileBytes: file.bytes,
      records: file.records,
      types: Object.keys(file.byResourceType).length,
      memoryLimit,
      // How load shared the limit out (DuckDB's memory_limit as it reports it, its threads).
      duckdb: output.memory,
      ours: summarise(ours),
      readJsonAuto: summarise(auto),
    };
    figures.wallRatio = figures.ours.wallSeconds / figures.readJsonAuto.wallSeconds;
    figures.rssRatio = figures.ours.peakRssMiB / figures.readJsonAuto.peakRssMiB;
    // The bound: the whole load's peak within the limit it was given (DuckDB's own
    // read_json_auto is held to nothing but its memory_limit, which binds its buffer manager).
    const limitMiB = parseSize(memoryLimit) / 2 ** 20;
    figures.withinLimit = figures.ours.peakRssMiB <= limitMiB;
    results.push(figures);
    console.log(
      `${(contentBytes / 1e9).toFixed(1)} GB, ${file.records} records of ${figures.types} types: load ${figures.ours.wallSeconds.toFixed(2)} s, ${figures.ours.peakRssMiB.toFixed(0)} MiB peak; read_json_auto ${figures.readJsonAuto.wallSeconds.toFixed(2)} s, ${figures.readJsonAuto.peakRssMiB.toFixed(0)} MiB peak; ratios ${figures.wallRatio.toFixed(2)}x time, ${figures.rssRatio.toFixed(2)}x RSS; --memory-limit ${memoryLimit} (${limitMiB.toFixed(0)} MiB, DuckDB's share ${output.memory.duckdb}, ${output.memory.threads} threads): ${figures.withinLimit ? 'within it' : 'OVER it'}`,
    );
  }
} finally {
  await sandbox.close();
}
writeResults(
  'load',
  { results },
  [
    '| size | records (types) | memory limit (DuckDB share, threads) | load wall | load peak RSS | read_json_auto wall | read_json_auto peak RSS | time ratio | RSS ratio |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.map(
      (r) =>
        `| ${(r.contentBytes / 1e9).toFixed(1)} GB | ${r.records} (${r.types}) | ${r.memoryLimit} (${r.duckdb.duckdb}, ${r.duckdb.threads}) | ${r.ours.wallSeconds.toFixed(2)} s | ${r.ours.peakRssMiB.toFixed(0)} MiB | ${r.readJsonAuto.wallSeconds.toFixed(2)} s | ${r.readJsonAuto.peakRssMiB.toFixed(0)} MiB | ${r.wallRatio.toFixed(2)}x | ${r.rssRatio.toFixed(2)}x |`,
    ),
  ].join('\n'),
);
