// The README's demo: starts the local sandbox (a stand-in for Asana's export API and its download
// host) and runs `asana-export run` once per export kind, as a user would from a shell. Each run
// leaves a verified file and its manifest under demo-out/<time>/<kind>/.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startSandbox } from '../packages/sandbox/dist/index.js';

const root = join(import.meta.dirname, '..');
const cli = join(root, 'packages/core/dist/cli/main.js');
const outRoot = join(root, 'demo-out', new Date().toISOString().replaceAll(':', '-'));

const runs = [
  ['organization', ['--organization', '1200000000000001']],
  [
    'resource',
    [
      '--workspace',
      '1200000000000002',
      '--resource-types',
      'task,team,message',
      // Asana returns only the fields asked for (and gids): resource_type tells the types apart.
      '--fields',
      'gid,resource_type,name,modified_at',
      '--filter',
      'modified_at.after=2024-01-01',
    ],
  ],
  ['graph', ['--parent', '1200000000000003']],
];

const sandbox = await startSandbox({
  scenario: { durationMs: 4000, contentBytes: 8 * 1024 * 1024 },
});
console.error(`sandbox: API at ${sandbox.apiUrl}, downloads from ${sandbox.downloadOrigin}\n`);
let failures = 0;
try {
  for (const [kind, parameters] of runs) {
    const args = [
      'run',
      '--kind',
      kind,
      ...parameters,
      '--out',
      join(outRoot, kind),
      '--base-url',
      sandbox.apiUrl,
      '--poll-interval',
      '1s',
    ];
    console.error(`$ asana-export ${args.join(' ')}`);
    const code = await new Promise((resolve) => {
      const child = spawn(process.execPath, [cli, ...args], {
        env: { ...process.env, ASANA_TOKEN: sandbox.token },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      child.on('exit', (exitCode) => resolve(exitCode));
    });
    console.error(`exit code ${code}\n`);
    if (code !== 0) failures++;
  }
} finally {
  await sandbox.close();
}
console.error(
  failures === 0 ? `All three exports verified: see ${outRoot}` : `${failures} run(s) failed`,
);
process.exit(failures === 0 ? 0 : 1);
