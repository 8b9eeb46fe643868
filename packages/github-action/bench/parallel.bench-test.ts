/**
 * A matrix at scale: N jobs of one workflow run start the built action at the same time, each for
 * its own workspace, with one token, against one sandbox and one artifact service stand-in.
 * Reports, for N = 1, 4, 8: the wall time until every leg is done, each process's peak RSS (from
 * `/usr/bin/time`), and the requests each export made: creates, status checks and downloads at
 * Asana, and calls to the artifact service. The action's own polling defaults apply (2 s, ×1.1,
 * capped at poll-interval 1m). Loopback: the time is the export's run time plus the processes'
 * CPU work, shared by the machine's cores.
 *
 *   BENCH_LEGS=1,4,8 BENCH_CONTENT_BYTES=4194304 BENCH_EXPORT_MS=10000 \
 *     npx vitest run --config bench/vitest.config.ts bench/parallel.bench-test.ts
 */

import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { expect, it } from 'vitest';
import { createRequests, requestsOfExport, startWorld } from '../test/support/fixtures.js';

const LEGS = (process.env.BENCH_LEGS ?? '1,4,8').split(',').map(Number);
const CONTENT_BYTES = Number(process.env.BENCH_CONTENT_BYTES ?? 4 * 1024 * 1024);
const EXPORT_MS = Number(process.env.BENCH_EXPORT_MS ?? 10_000);
const TIME = '/usr/bin/time';
const RSS_MARK = 'peak-rss-kb=';

const mib = (kb: number) => `${(kb / 1024).toFixed(0)} MiB`;
const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const mean = (values: readonly number[]) =>
  values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);

it('measures parallel exports', async () => {
  const world = await startWorld({ durationMs: EXPORT_MS, contentBytes: CONTENT_BYTES });
  const wrapper = existsSync(TIME) ? [TIME, '-f', `${RSS_MARK}%M`] : undefined;
  const rows: string[] = [];
  let fileBytes = 0;
  try {
    for (const legs of LEGS) {
      const run = world.newRun();
      const creates = createRequests(world.sandbox).length;
      const serviceCalls = world.service.requests.length;
      const started = performance.now();
      const results = await Promise.all(
        Array.from({ length: legs }, () =>
          world.act(
            world.service.newJob(run),
            { kind: 'resource', workspace: world.newGid(), 'poll-interval': '1m' },
            wrapper ? { wrapper } : {},
          ),
        ),
      );
      const wallMs = performance.now() - started;
      for (const result of results) expect(result.code, result.stdout).toBe(0);
      fileBytes = Number(results[0]?.outputs.bytes ?? 0);

      const rss = results.flatMap((result) => {
        const line = result.stderr.split('\n').find((text) => text.startsWith(RSS_MARK));
        return line ? [Number(line.slice(RSS_MARK.length))] : [];
      });
      const perExport = results.map((result) => requestsOfExport(world.sandbox, result.outputs));
      const status = perExport.map((requests) => requests.status.length);
      const downloads = perExport.map((requests) => requests.downloads.length);
      const newCreates = createRequests(world.sandbox).length - creates;
      const newServiceCalls = world.service.requests.length - serviceCalls;
      rows.push(
        [
          legs,
          `${(wallMs / 1000).toFixed(1)} s`,
          rss.length ? `${mib(median(rss))} / ${mib(Math.max(...rss))}` : 'n/a',
          (newCreates / legs).toFixed(1),
          `${mean(status).toFixed(1)} (${Math.min(...status)}–${Math.max(...status)})`,
          mean(downloads).toFixed(1),
          (newServiceCalls / legs).toFixed(1),
        ].join(' | '),
      );
    }
    expect(world.sandbox.downloadAuthViolations).toEqual([]);
  } finally {
    await world.close();
  }
  console.log(
    [
      `${cpus().length} cores; each export runs ${EXPORT_MS / 1000} s at the sandbox and is ${fileBytes.toLocaleString('en')} B gzipped (${CONTENT_BYTES.toLocaleString('en')} B uncompressed)`,
      '',
      '| parallel exports | wall time (all) | peak RSS per process (median / max) | creates per export | status checks per export (mean, range) | downloads per export | artifact-service calls per export |',
      '|---|---|---|---|---|---|---|',
      ...rows.map((row) => `| ${row} |`),
    ].join('\n'),
  );
});
