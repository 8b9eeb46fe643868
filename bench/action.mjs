// The action's footprint: the size of its committed bundle, and the time from starting
// `node dist/index.js` (as the runner does) to its first HTTP request. A loopback server stands in
// for both the artifact service and Asana; it records when the first request arrives and the
// run is stopped there (the action would otherwise retry the refused request for a while).
//
//   node bench/action.mjs [--runs 5]
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeResults } from './lib/results.mjs';

const distDir = join(import.meta.dirname, '../packages/github-action/dist');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);

const files = readdirSync(distDir).map((name) => ({
  name,
  bytes: statSync(join(distDir, name)).size,
}));
const jsBytes = files
  .filter((file) => file.name.endsWith('.js'))
  .reduce((sum, file) => sum + file.bytes, 0);

let firstRequestAt;
let current;
const server = createServer((request, response) => {
  firstRequestAt ??= performance.now();
  current?.kill('SIGKILL');
  request.resume();
  response.writeHead(503, { 'content-type': 'application/json' }).end('{"msg":"bench"}');
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;
// An unsigned JWT with the claims @actions/artifact reads.
const claims = Buffer.from(JSON.stringify({ scp: 'Actions.Results:run:job' })).toString(
  'base64url',
);

const samples = [];
for (let run = 0; run < runs; run++) {
  firstRequestAt = undefined;
  const started = performance.now();
  await new Promise((resolve) => {
    const child = spawn(process.execPath, [join(distDir, 'index.js')], {
      stdio: 'ignore',
      env: {
        PATH: process.env.PATH,
        NO_PROXY: '127.0.0.1',
        RUNNER_TEMP: process.env.TMPDIR ?? '/tmp',
        GITHUB_ACTIONS: 'true',
        ACTIONS_RESULTS_URL: origin,
        ACTIONS_RUNTIME_TOKEN: `e30.${claims}.`,
        'INPUT_ASANA-TOKEN': 'bench-token-0123456789',
        INPUT_KIND: 'graph',
        INPUT_PARENT: '1200000000000003',
        'INPUT_BASE-URL': `${origin}/api/1.0`,
      },
    });
    current = child;
    child.on('close', resolve);
  });
  if (firstRequestAt === undefined) throw new Error('the action made no request');
  samples.push(firstRequestAt - started);
}
server.close();

samples.sort((a, b) => a - b);
const median = samples[Math.floor(samples.length / 2)];
const markdown = [
  '| action bundle (dist/*.js) | files in dist/ | start to first request (median of ' +
    runs +
    ') |',
  '|---|---|---|',
  `| ${(jsBytes / 1e6).toFixed(2)} MB | ${files.length} | ${median.toFixed(0)} ms |`,
].join('\n');
console.log(markdown);
writeResults('action', { dist: files, jsBytes, startToFirstRequestMs: samples }, markdown);
