// How promptly the client notices that an export finished, and how many status requests it
// makes, for exports of 10 s, 60 s and 10 min. The real ExportClient polls the real sandbox; time
// runs faster on both sides (the sandbox's export duration is divided by the same factor as the
// client's clock), so the 10-minute case takes seconds. Figures are in the exports' own time.
//
//   node bench/polling.mjs [--real-seconds 8]
import { parseArgs } from 'node:util';
import { createNodeRuntime, DEFAULT_POLL_POLICY } from '../packages/core/dist/node/index.js';
import { startSandbox } from '../packages/sandbox/dist/index.js';
import { writeResults } from './lib/results.mjs';

const { values } = parseArgs({ options: { 'real-seconds': { type: 'string', default: '8' } } });
const realSecondsPerCase = Number(values['real-seconds']);
const CASES_MS = [10_000, 60_000, 600_000];

/** A clock whose time runs `scale` times faster than the wall clock. */
function scaledClock(scale) {
  const origin = Date.now();
  return {
    now: () => origin + (Date.now() - origin) * scale,
    sleep: (ms, signal) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, ms / scale);
        signal.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            reject(signal.reason);
          },
          { once: true },
        );
      }),
  };
}

const sandbox = await startSandbox({ scenario: { contentBytes: 1024 } });
const results = [];
try {
  for (const [index, runMs] of CASES_MS.entries()) {
    const scale = Math.max(1, runMs / (realSecondsPerCase * 1000));
    sandbox.configure({ durationMs: runMs / scale });
    const clock = scaledClock(scale);
    const runtime = createNodeRuntime({ token: sandbox.token, baseUrl: sandbox.apiUrl, clock });
    const { client } = runtime;
    const createdAt = clock.now();
    const job = await client.create(
      { kind: 'graph', parent: String(1700000000000000 + index) },
      AbortSignal.timeout(60_000),
    );
    await client.waitUntilDone(job, { signal: AbortSignal.timeout(120_000), initial: job });
    const noticedAfterMs = clock.now() - createdAt;
    const statusRequests = sandbox.requests.filter((request) =>
      request.path.endsWith(`/jobs/${job.gid}`),
    ).length;
    const lateByMs = noticedAfterMs - runMs;
    const boundMs = 0.1 * runMs + 2000;
    results.push({
      runMs,
      scale,
      noticedAfterMs,
      lateByMs,
      boundMs,
      withinBound: lateByMs <= boundMs,
      statusRequests,
    });
    await runtime.close();
  }
} finally {
  await sandbox.close();
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const markdown = [
  `| export runs | noticed after | late by | target (10% + 2 s) | status requests |`,
  '|---|---|---|---|---|',
  ...results.map(
    (r) =>
      `| ${seconds(r.runMs)} | ${seconds(r.noticedAfterMs)} | ${seconds(r.lateByMs)} | ${seconds(r.boundMs)} ${r.withinBound ? 'met' : 'MISSED'} | ${r.statusRequests} |`,
  ),
].join('\n');
console.log(markdown);
writeResults('polling', { policy: DEFAULT_POLL_POLICY, results }, markdown);
