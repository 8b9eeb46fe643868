// Encrypted against plain download + verify of the same sandbox export: `asana-export download`
// as it is, then with `--encrypt-to` (the same pass also encrypts with age and hashes the
// ciphertext), run in turn on the same served file, several times each (the median counts);
// and, as a reference, Debian's `age -r` encrypting the downloaded .gz alone. Prints wall time,
// peak RSS and the ratios; writes the figures as JSON and Markdown to bench/results/. The goal
// (issue 12): encrypted within 1.2x of plain, memory flat.
//
//   node bench/encrypt.mjs [--size 1GB] [--size 100MB ...] [--runs 3]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSandbox } from '../packages/sandbox/dist/index.js';
import { writeResults } from './lib/results.mjs';
import { createExportOfSize, parseSize } from './lib/sandbox-file.mjs';
import { summarise as summary } from './lib/stats.mjs';
import { timed } from './lib/timed.mjs';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'packages/core/dist/cli/main.js');
const { values } = parseArgs({
  options: { size: { type: 'string', multiple: true }, runs: { type: 'string' } },
});
const sizes = (values.size ?? ['1GB']).map(parseSize);
const runs = Number(values.runs ?? 3);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs: a whole number, at least 1');
if (spawnSync('age-keygen', ['--help']).error) {
  throw new Error('age-keygen is missing: run scripts/install-age.sh');
}

const results = [];
const sandbox = await startSandbox({ scenario: { durationMs: 0 } });
const work = mkdtempSync(join(tmpdir(), 'asana-exports-bench-encrypt-'));
try {
  const key = join(work, 'key.txt');
  spawnSync('age-keygen', ['-o', key], { stdio: 'ignore' });
  const recipient = spawnSync('age-keygen', ['-y', key], { encoding: 'utf8' }).stdout.trim();
  for (const contentBytes of sizes) {
    const { gid, file } = await createExportOfSize(sandbox, contentBytes);
    const download = (out, extra) =>
      timed(
        process.execPath,
        [
          cli,
          'download',
          ...['--kind', 'graph', '--gid', gid, '--out', out],
          ...['--base-url', sandbox.apiUrl, '--quiet', ...extra],
        ],
        { env: { ...process.env, ASANA_TOKEN: sandbox.token } },
      );
    const plain = [];
    const encrypted = [];
    const reference = [];
    for (let run = 0; run < runs; run++) {
      // In turn, so that whatever else the machine does weighs on both alike.
      const plainOut = join(work, `plain-${run}`);
      const ours = await download(plainOut, []);
      const manifest = JSON.parse(ours.stdout);
      if (manifest.file.sha256 !== file.sha256 || manifest.records.total !== file.records) {
        throw new Error('the plain download does not match the served file');
      }
      plain.push(ours);

      const encryptedOut = join(work, `encrypted-${run}`);
      const theirs = await download(encryptedOut, ['--encrypt-to', recipient]);
      const encryptedManifest = JSON.parse(theirs.stdout);
      if (
        encryptedManifest.file.sha256 !== file.sha256 ||
        encryptedManifest.encryption?.recipients[0] !== recipient
      ) {
        throw new Error('the encrypted download does not describe the served file');
      }
      if (run === 0) {
        // Not timed: age itself decrypts what we wrote to the bytes the store served.
        const stored = join(encryptedOut, encryptedManifest.encryption.file.name);
        const check = spawnSync('sh', ['-c', `age -d -i '${key}' '${stored}' | sha256sum`], {
          encoding: 'utf8',
        });
        if (check.stdout.split(' ')[0] !== file.sha256) {
          throw new Error('age -d does not decrypt our file to the served bytes');
        }
      }
      encrypted.push(theirs);

      const gz = join(plainOut, manifest.file.name);
      reference.push(await timed('age', ['-r', recipient, '-o', join(work, `ref-${run}.age`), gz]));
      rmSync(plainOut, { recursive: true, force: true });
      rmSync(encryptedOut, { recursive: true, force: true });
      rmSync(join(work, `ref-${run}.age`), { force: true });
    }
    const row = {
      uncompressedBytes: contentBytes,
      compressedBytes: file.bytes,
      records: file.records,
      runs,
      plain: summary(plain),
      encrypted: summary(encrypted),
      ageReference: summary(reference),
    };
    row.wallRatio = row.encrypted.wallSeconds / row.plain.wallSeconds;
    row.rssRatio = row.encrypted.peakRssMiB / row.plain.peakRssMiB;
    // Of the gzip file served, the figure download-verify reports too.
    row.plain.mbPerSecond = file.bytes / 1e6 / row.plain.wallSeconds;
    row.encrypted.mbPerSecond = file.bytes / 1e6 / row.encrypted.wallSeconds;
    results.push(row);
    console.error(JSON.stringify(row));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
  await sandbox.close();
}

const ageVersion = spawnSync('age', ['--version'], { encoding: 'utf8' }).stdout.trim();
const rows = results.map(
  (r) =>
    `| ${(r.uncompressedBytes / 1e6).toFixed(0)} MB (${(r.compressedBytes / 1e6).toFixed(0)} MB gz, ${r.records} records) | ` +
    `${r.plain.wallSeconds.toFixed(2)} s, ${r.plain.peakRssMiB.toFixed(0)} MiB | ` +
    `${r.encrypted.wallSeconds.toFixed(2)} s, ${r.encrypted.peakRssMiB.toFixed(0)} MiB | ` +
    `${r.wallRatio.toFixed(2)}× wall, ${r.rssRatio.toFixed(2)}× RSS | ` +
    `${r.ageReference.wallSeconds.toFixed(2)} s, ${r.ageReference.peakRssMiB.toFixed(0)} MiB |`,
);
const markdown = [
  `Median of ${runs} runs each, in turn; peak RSS is the largest seen. age ${ageVersion}.`,
  '',
  '| export | download (wall, peak RSS) | download --encrypt-to (wall, peak RSS) | encrypted / plain | age -r of the .gz alone (wall, peak RSS) |',
  '|---|---|---|---|---|',
  ...rows,
].join('\n');
console.log(markdown);
writeResults('encrypt', { ageVersion, results }, markdown);
