// The release, short of publishing: packs every npm package as `npm publish` would, prints each
// tarball's size and file list, installs each into an empty folder the way a user does, and runs
// it there. The CLI runs from its tarball on the oldest Node.js its `engines` allows (installed
// from the npm registry into .tools/) and on this one; an older Node must get one line saying so.
// The n8n tarball is installed as the node's README says (`--omit=peer`) and must bring nothing
// but itself; packages/n8n-node/test/tarball.test.ts then loads it in the real n8n. The action
// is assembled into the layout of its release repository and listed;
// packages/release/test/self-test.test.ts runs that layout for every export kind.
// Exits 1, naming the check, on the first thing a user would find broken.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { nodeVersionProblem } from '../packages/core/dist/cli/node-version.js';

const root = join(import.meta.dirname, '..');
const PUBLISHED = ['packages/cli', 'packages/n8n-node'];
/** Bounds every child process, so a hung install or run fails the dry run instead of CI. */
const STEP_TIMEOUT_MS = 120_000;

class DryRunError extends Error {}

function fail(check, details = '') {
  throw new DryRunError(`${check}${details ? `\n${details}` : ''}`);
}

function size(bytes) {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** `npm pack` of a package folder into `destination`: what it wrote, as npm reports it. */
function pack(packageDir, destination) {
  const stdout = execFileSync(
    'npm',
    ['pack', '--json', '--ignore-scripts', '--pack-destination', destination],
    { cwd: join(root, packageDir), encoding: 'utf8', timeout: STEP_TIMEOUT_MS },
  );
  const [report] = JSON.parse(stdout);
  return { ...report, tarball: join(destination, report.filename) };
}

function printTarball(report) {
  console.log(
    `${report.name}@${report.version}: ${report.filename}, ${size(report.size)} packed, ` +
      `${size(report.unpackedSize)} unpacked, ${report.entryCount} files`,
  );
  for (const file of report.files) console.log(`  ${file.path.padEnd(48)} ${size(file.size)}`);
}

/** Installs a tarball into a fresh folder, as `npm install <tarball>` in an empty project. */
async function installIntoEmptyFolder(tarball, name, extraArgs = []) {
  const folder = await mkdtemp(join(tmpdir(), `dry-run-${name}-`));
  const install = spawnSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error', ...extraArgs, tarball],
    { cwd: folder, encoding: 'utf8', timeout: STEP_TIMEOUT_MS },
  );
  if (install.status !== 0) fail(`npm install ${name} into an empty folder failed`, install.stderr);
  return folder;
}

/** The oldest Node.js the CLI's `engines` allows, installed once into .tools/node-<version>. */
function floorNode(cliPackage) {
  const version = /^>=(\d+\.\d+\.\d+)$/.exec(cliPackage.engines?.node ?? '')?.[1];
  if (version === undefined) fail('packages/cli/package.json: engines.node is not ">=X.Y.Z"');
  const prefix = join(root, '.tools', `node-${version}`);
  const binary = join(prefix, 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(binary)) {
    console.log(`installing node@${version} from the npm registry into .tools/node-${version}`);
    const install = spawnSync(
      'npm',
      [
        'install',
        '--prefix',
        prefix,
        '--no-save',
        '--no-package-lock',
        '--loglevel=error',
        `node@${version}`,
      ],
      { encoding: 'utf8', timeout: STEP_TIMEOUT_MS },
    );
    if (install.status !== 0) fail(`installing node@${version} failed`, install.stderr);
  }
  return binary;
}

/** Runs an installed bin with `node` on PATH, as its `#!/usr/bin/env node` line finds it. */
function runBin(folder, node, bin, args, env = {}) {
  const result = spawnSync(join(folder, 'node_modules', '.bin', bin), args, {
    cwd: folder,
    encoding: 'utf8',
    timeout: STEP_TIMEOUT_MS,
    env: {
      PATH: `${dirname(node)}${delimiter}${process.env.PATH}`,
      HOME: process.env.HOME,
      NO_PROXY: '127.0.0.1,localhost',
      ...env,
    },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts the tarball's own `asana-export-sandbox` and reads the line saying where it listens. */
async function startSandbox(folder, node) {
  const child = spawn(
    join(folder, 'node_modules', '.bin', 'asana-export-sandbox'),
    ['--quiet', '--duration', '300ms', '--size', '1MB'],
    {
      cwd: folder,
      env: { PATH: `${dirname(node)}${delimiter}${process.env.PATH}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text) => {
    stderr += text;
  });
  const line = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), 20_000);
    createInterface({ input: child.stdout }).once('line', (text) => {
      clearTimeout(timer);
      resolve(text);
    });
    child.once('exit', () => resolve(undefined));
  });
  if (line === undefined) {
    child.kill();
    fail('asana-export-sandbox did not say where it listens within 20s', stderr);
  }
  return { ...JSON.parse(line), stop: () => child.kill('SIGTERM') };
}

const KIND_TARGETS = {
  organization: ['--organization', '1200000000000001'],
  resource: ['--workspace', '1200000000000002', '--resource-types', 'task,message'],
  graph: ['--parent', '1200000000000003'],
};

/** The folders npm put in node_modules (not its own dot files). */
function installedPackages(folder) {
  return readdirSync(join(folder, 'node_modules')).filter((name) => !name.startsWith('.'));
}

/**
 * DuckDB is an optional peer: a plain install brings the CLI alone, load then says what to install,
 * and after installing exactly that, load works (the loop below loads every kind).
 */
function addDuckDB(folder, node, report, nodeVersion, someExport) {
  const alone = installedPackages(folder);
  if (alone.join() !== report.name) {
    fail(`npm install ${report.filename} brought more than itself`, alone.join(', '));
  }
  const missing = runBin(folder, node, 'asana-export', [
    'load',
    someExport,
    '--duckdb',
    join(folder, 'out', 'missing.duckdb'),
  ]);
  const install = /npm install (@duckdb\/node-api@[0-9A-Za-z.-]+)/.exec(missing.stderr)?.[1];
  if (missing.code !== 6 || install === undefined) {
    fail(
      `asana-export load without DuckDB on Node ${nodeVersion}: not exit 6 with the package to install`,
      missing.stderr,
    );
  }
  const published = JSON.parse(
    readFileSync(join(folder, 'node_modules', report.name, 'package.json'), 'utf8'),
  );
  const peer = `@duckdb/node-api@${published.peerDependencies?.['@duckdb/node-api']}`;
  if (install !== peer) fail(`load's hint names ${install}, the package's peer is ${peer}`);
  const added = spawnSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error', install],
    {
      cwd: folder,
      encoding: 'utf8',
      timeout: STEP_TIMEOUT_MS,
    },
  );
  if (added.status !== 0) fail(`npm install ${install}, as load's hint says, failed`, added.stderr);
  console.log(`  ${report.name} installs alone; load names ${install}, installed beside it`);
}

async function checkCli(report, node, label) {
  const folder = await installIntoEmptyFolder(report.tarball, 'cli');
  let duckDB = false;
  try {
    const nodeVersion = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
    const version = runBin(folder, node, 'asana-export', ['--version']);
    if (version.code !== 0 || version.stdout !== `asana-export ${report.version}\n`) {
      fail(`asana-export --version on Node ${nodeVersion}`, version.stdout + version.stderr);
    }
    const help = runBin(folder, node, 'asana-export', ['--help']);
    if (help.code !== 0 || !help.stdout.includes('Usage: asana-export <command>')) {
      fail(`asana-export --help on Node ${nodeVersion}`, help.stdout + help.stderr);
    }
    const sandbox = await startSandbox(folder, node);
    try {
      for (const [kind, target] of Object.entries(KIND_TARGETS)) {
        const out = join(folder, 'out', kind);
        const run = runBin(
          folder,
          node,
          'asana-export',
          ['run', '--kind', kind, ...target, '--out', out, '--base-url', sandbox.apiUrl],
          { ASANA_TOKEN: sandbox.token },
        );
        if (run.code !== 0)
          fail(`asana-export run --kind ${kind} on Node ${nodeVersion}`, run.stderr);
        const manifest = JSON.parse(run.stdout);
        const bytes = await readFile(join(out, manifest.file.name));
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        if (sha256 !== manifest.file.sha256) {
          fail(`the ${kind} export's SHA-256 is not its manifest's, on Node ${nodeVersion}`);
        }
        const verify = runBin(folder, node, 'asana-export', [
          'verify',
          join(out, manifest.file.name),
        ]);
        if (verify.code !== 0)
          fail(`asana-export verify (${kind}) on Node ${nodeVersion}`, verify.stderr);
        if (!duckDB) {
          addDuckDB(folder, node, report, nodeVersion, join(out, manifest.file.name));
          duckDB = true;
        }
        // DuckDB, installed as load's hint says: its native binary loads.
        const load = runBin(folder, node, 'asana-export', [
          'load',
          join(out, manifest.file.name),
          '--duckdb',
          join(folder, 'out', 'asana.duckdb'),
        ]);
        if (load.code !== 0)
          fail(`asana-export load (${kind}) on Node ${nodeVersion}`, load.stderr);
        console.log(
          `  ${label} (Node ${nodeVersion}): run --kind ${kind} → ${manifest.records.total} records, verified, loaded into DuckDB`,
        );
      }
    } finally {
      sandbox.stop();
    }
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** An older Node.js on this machine gets one line naming the Node the CLI needs, and exit 1. */
async function checkTooOldNode(report) {
  const versionOf = (path) =>
    execFileSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
  // The CLI's own rule decides what is too old, and words the one line it must print.
  const old = ['/usr/bin/node', '/usr/local/bin/node'].find(
    (path) => existsSync(path) && nodeVersionProblem(versionOf(path)) !== undefined,
  );
  if (old === undefined) {
    console.log('  no Node.js older than the floor on this machine: that check is skipped');
    return;
  }
  const folder = await installIntoEmptyFolder(report.tarball, 'cli-old-node');
  try {
    const nodeVersion = versionOf(old);
    const help = runBin(folder, old, 'asana-export', ['--help']);
    if (help.code !== 1 || help.stderr !== `error: ${nodeVersionProblem(nodeVersion)}\n`) {
      fail(
        `asana-export --help on Node ${nodeVersion} must print one line and exit 1`,
        help.stderr,
      );
    }
    console.log(`  Node ${nodeVersion}: one line, exit 1: ${help.stderr.trim()}`);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

async function checkN8nPackage(report) {
  // As the node's README says: into n8n's nodes folder, without the n8n-workflow peer.
  const folder = await installIntoEmptyFolder(report.tarball, 'n8n', ['--omit=peer']);
  try {
    const installed = installedPackages(folder);
    if (installed.join() !== report.name) {
      fail(
        `npm install --omit=peer ${report.filename} brought more than itself`,
        installed.join(', '),
      );
    }
    const pkg = JSON.parse(readFileSync(join(folder, 'node_modules', report.name, 'package.json')));
    for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
      if (!existsSync(join(folder, 'node_modules', report.name, file))) {
        fail(`${report.name}'s package.json names ${file}, which the tarball lacks`);
      }
    }
    console.log(
      `  npm install --omit=peer: 1 package, nothing else (n8n loads it in tarball.test.ts)`,
    );
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** The action's release repository as the release workflow assembles it, file by file. */
async function printAction(destination) {
  const out = join(destination, 'asana-export-action');
  const assembled = spawnSync(
    process.execPath,
    [join(root, 'packages/release/dist/cli/assemble-action.js'), '--out', out],
    { cwd: root, encoding: 'utf8', timeout: STEP_TIMEOUT_MS, env: { PATH: process.env.PATH } },
  );
  if (assembled.status !== 0) fail('assembling the action failed', assembled.stderr);
  console.log(assembled.stdout.trim());
  const files = readdirSync(out, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  for (const file of files) {
    console.log(`  ${file.slice(out.length + 1).padEnd(48)} ${size(statSync(file).size)}`);
  }
}

async function main() {
  const destination = await mkdtemp(join(tmpdir(), 'release-dry-run-'));
  try {
    const reports = PUBLISHED.map((dir) => ({ dir, ...pack(dir, destination) }));
    for (const report of reports) printTarball(report);
    await printAction(destination);

    const cliPackage = JSON.parse(readFileSync(join(root, 'packages/cli/package.json'), 'utf8'));
    const cli = reports.find((report) => report.name === cliPackage.name);
    const floor = floorNode(cliPackage);
    console.log(`${cli.name} from its tarball:`);
    await checkCli(cli, floor, 'engines floor');
    await checkCli(cli, process.execPath, 'current');
    await checkTooOldNode(cli);

    const n8n = reports.find((report) => report.dir === 'packages/n8n-node');
    console.log(`${n8n.name} from its tarball:`);
    await checkN8nPackage(n8n);
    console.log('release dry-run: ok');
  } finally {
    await rm(destination, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (error) {
  if (!(error instanceof DryRunError)) throw error;
  console.error(`release dry-run FAILED: ${error.message}`);
  process.exit(1);
}
