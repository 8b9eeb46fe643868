// Runs every benchmark in turn and gathers their Markdown tables into bench/results/summary.md.
// Each benchmark measures the project and its reference (curl, zcat, a bare gunzip loop) in the
// same run, so the ratios compare like with like on whatever machine this runs on.
//
//   ./scripts/bench.sh                 all benchmarks, 100 MB / 1 GB / 4 GB downloads
//   ./scripts/bench.sh --quick         100 MB only, fewer action runs
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const quick = process.argv.includes('--quick');
const steps = [
  [
    'download-verify',
    [
      'download-verify.mjs',
      ...(quick ? ['--size', '100MB'] : ['--size', '100MB', '--size', '1GB', '--size', '4GB']),
      '--long-line',
      '256MB',
    ],
  ],
  ['verify', ['verify.mjs', '--size', quick ? '100MB' : '1GB']],
  [
    'encrypt',
    [
      'encrypt.mjs',
      ...(quick ? ['--size', '100MB', '--runs', '1'] : ['--size', '100MB', '--size', '1GB']),
    ],
  ],
  [
    'store',
    [
      'store.mjs',
      ...(quick
        ? ['--size', '100MB', '--runs', '1']
        : ['--size', '100MB', '--size', '1GB', '--size', '4GB']),
    ],
  ],
  ['polling', ['polling.mjs', '--real-seconds', quick ? '3' : '8']],
  ['action', ['action.mjs', '--runs', quick ? '3' : '7']],
];

const sections = [];
for (const [name, [script, ...args]] of steps) {
  console.error(`\n== ${name}`);
  const result = spawnSync(process.execPath, [join(import.meta.dirname, script), ...args], {
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    console.error(`${name} failed with exit code ${result.status}`);
    process.exit(1);
  }
  sections.push(
    `## ${name}\n\n${readFileSync(join(import.meta.dirname, 'results', `${name}.md`), 'utf8')}`,
  );
}
const summary = `# Benchmarks, ${new Date().toISOString()}, Node ${process.version}\n\n${sections.join('\n')}`;
writeFileSync(join(import.meta.dirname, 'results', 'summary.md'), summary);
console.log(`\n${summary}`);
