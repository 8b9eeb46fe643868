// What long exports hold while Asana works, in a started n8n (regular mode, SQLite, n8n's
// production concurrency limit set): EXPORTS graph exports that take MINUTES each in the sandbox,
// started at once through a webhook, two ways (issue 16):
// (a) Create with Wait for Completion: each export is an execution that runs until Asana is done,
//     so it holds one of the instance's N8N_CONCURRENCY_PRODUCTION_LIMIT slots all along, and the
//     others queue behind;
// (b) the example workflow examples/long-export-with-wait.json (Create without waiting → Wait →
//     Get Status → …) with a Wait of WAIT seconds (65 or more: n8n parks the execution): the
//     executions are 'waiting' in the database between checks, holding no slot.
// Every 5 s it counts the executions by status (n8n's REST API) and reads the n8n process's RSS
// and CPU time (/proc); prints the figures and writes them to bench/results/n8n-waiting.*.
//
//   node bench/n8n-waiting.mjs [--exports 10] [--minutes 3] [--limit 5] [--wait 66]
//
// Node 24 (the project's, .tools/): it imports the n8n e2e support, TypeScript, as it is. Needs
// n8n (packages/n8n-node/scripts/install-n8n.sh) and the built packages.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { longExportExample, withTrigger } from '../packages/n8n-node/test/support/examples.mts';
import { findN8n, N8N_VERSION, startN8n } from '../packages/n8n-node/test/support/n8n.mts';
import { startN8nServer } from '../packages/n8n-node/test/support/n8n-server.mts';
import {
  asanaNode,
  chainConnections,
  sandboxCredential,
  webhookTrigger,
} from '../packages/n8n-node/test/support/workflows.mts';
import { startSandbox } from '../packages/sandbox/dist/index.js';
import { writeResults } from './lib/results.mjs';

const { values } = parseArgs({
  options: {
    exports: { type: 'string' },
    minutes: { type: 'string' },
    limit: { type: 'string' },
    wait: { type: 'string' },
  },
});
const EXPORTS = Number(values.exports ?? 10);
const MINUTES = Number(values.minutes ?? 3);
const LIMIT = Number(values.limit ?? 5);
const WAIT_SECONDS = Number(values.wait ?? 66);
const SAMPLE_MS = 5_000;
const n8nBin = findN8n();
if (n8nBin === undefined) {
  throw new Error('n8n is missing: run packages/n8n-node/scripts/install-n8n.sh');
}

const CREDENTIAL = { id: 'benchWaitingCred', name: 'Asana sandbox' };
const IN_NODE = 'benchWaitInNode1';
const PARKED = 'benchWaitParked1';
/** A parent per export and per way: a graph export of a parent already running would join it. */
const parentOf = (way, index) =>
  `11000000000${way === 'a' ? 7 : 8}${String(index).padStart(4, '0')}`;

const sandbox = await startSandbox({ scenario: { durationMs: MINUTES * 60_000 } });
const n8n = await startN8n(n8nBin);
const figures = {};
try {
  await n8n.importCredentials([sandboxCredential(CREDENTIAL, sandbox)]);
  const inNode = [
    webhookTrigger('wait-in-node', { answerAtOnce: true }),
    asanaNode(
      'Create and wait',
      {
        operation: 'create',
        kind: 'graph',
        parent: '={{ $json.body.parent }}',
        waitForCompletion: true,
        download: false,
      },
      CREDENTIAL,
    ),
  ];
  const example = await longExportExample({
    id: PARKED,
    credential: CREDENTIAL,
    parent: '={{ $json.body.parent }}',
    folder: await n8n.folder('parked'),
    wait: { amount: WAIT_SECONDS, unit: 'seconds' },
  });
  await n8n.importWorkflows([
    {
      id: IN_NODE,
      name: IN_NODE,
      nodes: inNode,
      connections: chainConnections(inNode),
      active: false,
      settings: { executionOrder: 'v1' },
    },
    withTrigger(example, webhookTrigger('wait-parked', { answerAtOnce: true }), 'Start export'),
  ]);

  figures.a = await measure('a', IN_NODE, 'wait-in-node', { publish: [IN_NODE, PARKED] });
  figures.b = await measure('b', PARKED, 'wait-parked', {});
} finally {
  await n8n.close();
  await sandbox.close();
}

const row = (label, f) =>
  `| ${label} | ${f.wallSeconds} s | ${f.maxRunning} | ${f.maxQueued} | ${f.maxWaiting} | ${f.slotSeconds} | ${f.idleRssMiB} / ${f.medianRssMiB} / ${f.peakRssMiB} MiB | ${f.cpuPercent}% | ${f.statusRequestsPerExport} |`;
const markdown = [
  `${EXPORTS} graph exports of ${MINUTES} minutes each (sandbox), n8n ${N8N_VERSION} regular mode, SQLite, N8N_CONCURRENCY_PRODUCTION_LIMIT=${LIMIT}, 2 cores.`,
  '',
  '| way | wall time for all | most running at once | most queued | most parked (waiting) | slot-seconds held | RSS idle / median / peak | CPU while waiting | status requests per export |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  row('(a) Create with Wait for Completion', figures.a),
  row(`(b) example workflow, Wait ${WAIT_SECONDS} s`, figures.b),
].join('\n');
writeResults(
  'n8n-waiting',
  { exports: EXPORTS, minutes: MINUTES, limit: LIMIT, ...figures },
  markdown,
);
console.log(markdown);

/** Starts n8n, fires the exports at once, samples until every execution has ended. */
async function measure(way, workflowId, path, options) {
  const server = await startN8nServer(n8nBin, n8n, {
    ...options,
    env: { N8N_CONCURRENCY_PRODUCTION_LIMIT: String(LIMIT), N8N_LOG_LEVEL: 'info' },
  });
  const pid = server.process.child.pid;
  try {
    await sleep(30_000); // past start-up's own work and its garbage
    const idle = processFigures(pid);
    const requestsBefore = statusRequests();
    const startedAt = Date.now();
    // All at once, not awaited: over the concurrency limit, n8n holds a webhook's answer until
    // its execution gets a slot.
    const calls = Array.from({ length: EXPORTS }, (_, index) =>
      server.webhook(path, { parent: parentOf(way, index) }).then((answer) => {
        if (answer.status !== 200) throw new Error(`${path}: ${JSON.stringify(answer)}`);
      }),
    );
    const failedCall = Promise.all(calls).then(
      () => undefined,
      (error) => error,
    );
    const samples = [];
    for (;;) {
      await sleep(SAMPLE_MS);
      const answer = await server.rest(
        'GET',
        `/rest/executions?limit=100&filter=${encodeURIComponent(JSON.stringify({ workflowId }))}`,
      );
      const executions = answer.body.data.results;
      const count = (status) => executions.filter((e) => e.status === status).length;
      const sample = {
        at: Math.round((Date.now() - startedAt) / 1000),
        running: count('running'),
        queued: count('new'),
        waiting: count('waiting'),
        done: count('success'),
        failed: count('error') + count('crashed'),
        ...processFigures(pid),
      };
      samples.push(sample);
      console.log(`(${way}) ${JSON.stringify(sample)}`);
      if (sample.failed > 0)
        throw new Error(`(${way}) an execution failed:\n${server.process.log().slice(-4000)}`);
      if (sample.done === EXPORTS) break;
      const error = await Promise.race([failedCall, sleep(0)]);
      if (error !== undefined) throw error;
      if (Date.now() - startedAt > (MINUTES * 4 + 10) * 60_000)
        throw new Error(`(${way}) timed out`);
    }
    const last = samples.at(-1);
    // Execution slots held over time: running executions times the sampling interval.
    let slotSeconds = 0;
    samples.forEach((sample, index) => {
      slotSeconds += sample.running * (sample.at - (samples[index - 1]?.at ?? 0));
    });
    return {
      wallSeconds: Math.round((Date.now() - startedAt) / 1000),
      maxRunning: Math.max(...samples.map((s) => s.running)),
      maxQueued: Math.max(...samples.map((s) => s.queued)),
      maxWaiting: Math.max(...samples.map((s) => s.waiting)),
      slotSeconds,
      idleRssMiB: Math.round(idle.rssKiB / 1024),
      medianRssMiB: Math.round(median(samples.map((s) => s.rssKiB)) / 1024),
      peakRssMiB: Math.round(Math.max(...samples.map((s) => s.rssKiB)) / 1024),
      cpuPercent: Math.round(((last.cpuSeconds - idle.cpuSeconds) / last.at) * 1000) / 10,
      statusRequestsPerExport:
        Math.round(((statusRequests() - requestsBefore) / EXPORTS) * 10) / 10,
      samples,
    };
  } finally {
    await server.close();
  }
}

/** The process's resident memory and CPU time (user + system) so far, from /proc. */
function processFigures(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKiB = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime, fields 14 and 15 of stat (11 and 12 after the command), in 1/100 s.
  const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / 100;
  return { rssKiB, cpuSeconds };
}

function statusRequests() {
  return sandbox.requests.filter(
    (request) => request.method === 'GET' && request.path.includes('/jobs/'),
  ).length;
}

function median(numbers) {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
