/**
 * How to upload an already-compressed export: measures `@actions/artifact` uploading the same
 * export to the artifact service stand-in as a single file (`skipArchive`), as a zip with
 * `compressionLevel: 0`, and as a zip at the default level 6 (plus level 1 and 6 with the
 * uncompressed copy that `decompress: true` adds). Reports the bytes uploaded and the median
 * time of a few runs. Loopback: the time is the client's CPU work (zip, deflate, hashing); over a
 * real network add the bytes' transfer time.
 */

import { copyFile, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DefaultArtifactClient } from '@actions/artifact';
import { startSandbox } from '@asana-exports/sandbox';
import { expect, it } from 'vitest';
import { ArtifactService } from '../test/support/artifact-service.js';

const CONTENT_BYTES = Number(process.env.BENCH_CONTENT_BYTES ?? 24 * 1024 * 1024);
const RUNS = 3;

it('measures the upload modes', async () => {
  // An export as Asana serves it: the sandbox's generated JSON Lines, gzipped.
  const sandbox = await startSandbox({
    cacheDir: await mkdtemp(join(tmpdir(), 'bench-sandbox-')),
    scenario: { durationMs: 0, contentBytes: CONTENT_BYTES },
  });
  const served = await sandbox.exportFile(
    await sandbox.startExport({ parent: '1200000000000003' }),
  );
  await sandbox.close();

  const dir = await mkdtemp(join(tmpdir(), 'bench-upload-'));
  const gz = join(dir, 'asana-graph-export-1.jsonl.gz');
  const manifest = join(dir, 'asana-graph-export-1.manifest.json');
  const jsonl = join(dir, 'asana-graph-export-1.jsonl');
  await copyFile(served.path, gz);
  await writeFile(manifest, JSON.stringify({ file: { bytes: served.bytes } }, null, 2));
  await writeFile(jsonl, gunzipSync(await readFile(gz)));

  const service = await ArtifactService.start();
  const client = new DefaultArtifactClient();
  const modes: {
    name: string;
    files: string[];
    options: { skipArchive?: boolean; compressionLevel?: number };
  }[] = [
    { name: 'skipArchive (.gz only)', files: [gz], options: { skipArchive: true } },
    { name: 'zip, compressionLevel 0', files: [gz, manifest], options: { compressionLevel: 0 } },
    { name: 'zip, default (level 6)', files: [gz, manifest], options: {} },
    {
      name: 'decompress: zip level 0',
      files: [gz, jsonl, manifest],
      options: { compressionLevel: 0 },
    },
    {
      name: 'decompress: zip level 1',
      files: [gz, jsonl, manifest],
      options: { compressionLevel: 1 },
    },
    { name: 'decompress: zip level 6', files: [gz, jsonl, manifest], options: {} },
  ];
  const rows: string[] = [];
  for (const mode of modes) {
    const times: number[] = [];
    let bytes = 0;
    for (let index = 0; index < RUNS; index++) {
      const run = service.newRun(index + 1);
      process.env.ACTIONS_RUNTIME_TOKEN = run.runtimeToken;
      process.env.ACTIONS_RESULTS_URL = `${service.origin}/`;
      process.env.GITHUB_WORKSPACE = dir;
      const started = performance.now();
      const result = await client.uploadArtifact(`bench-${index}`, mode.files, dir, mode.options);
      times.push(performance.now() - started);
      bytes = result.size ?? 0;
    }
    const median = times.sort((a, b) => a - b)[Math.floor(RUNS / 2)] ?? 0;
    rows.push(
      `| ${mode.name} | ${bytes.toLocaleString('en')} | ${(bytes / served.bytes).toFixed(3)} | ${Math.round(median)} ms |`,
    );
  }
  await service.close();
  const sizes = `export: ${(await stat(gz)).size.toLocaleString('en')} B gzipped, ${(await stat(jsonl)).size.toLocaleString('en')} B uncompressed`;
  console.log(
    [sizes, '| mode | uploaded bytes | × .gz | median time |', '|---|---|---|---|', ...rows].join(
      '\n',
    ),
  );
  expect(rows).toHaveLength(modes.length);
});
