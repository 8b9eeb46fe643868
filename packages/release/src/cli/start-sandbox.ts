#!/usr/bin/env node
/**
 * start-sandbox [--log-dir DIR] [-- SANDBOX OPTIONS]
 *
 * Starts the Asana sandbox in the background and outputs `api-url`, `download-origin`, `token`,
 * `pid`, `log` and a target gid per kind (`organization`, `workspace`, `parent`). Options after
 * `--` go to the sandbox (`-- --duration 2s --size 1MB`; see its --help).
 */
import { parseArgs } from 'node:util';
import { setOutputs } from '../github-output.js';
import { launchSandbox } from '../sandbox-launch.js';
import { runMain } from './main.js';

runMain('start-sandbox', async () => {
  const { values, positionals } = parseArgs({
    options: { 'log-dir': { type: 'string' } },
    allowPositionals: true,
  });
  const sandbox = await launchSandbox({ logDir: values['log-dir'], sandboxArgs: positionals });
  // Not a real secret, but the action masks its token and a test should see that happen.
  if (process.env.GITHUB_ACTIONS === 'true') process.stdout.write(`::add-mask::${sandbox.token}\n`);
  process.stdout.write(
    `sandbox: API at ${sandbox.apiUrl}, downloads from ${sandbox.downloadOrigin}, pid ${sandbox.pid}, requests logged to ${sandbox.log}\n`,
  );
  await setOutputs({
    'api-url': sandbox.apiUrl,
    'download-origin': sandbox.downloadOrigin,
    token: sandbox.token,
    pid: String(sandbox.pid),
    log: sandbox.log,
    ...sandbox.targets,
  });
});
