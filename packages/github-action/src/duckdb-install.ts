/**
 * DuckDB for `parquet: true`. Its native binding (about 70 MB installed, one package per
 * platform) is not in dist/: on first use it is installed from the npm registry into the
 * runner's tool cache with `npm ci` of the lock committed beside the action (duckdb/), whose
 * integrity hashes npm checks, and reused by later steps and, on a self-hosted runner, later jobs.
 */

import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type DuckDBImport, printable, printableLines } from '@asana-exports/core/node';
import { StepError } from './step-error.js';

/** Longest an install may take; a registry that does not answer fails the step after it. */
export const DUCKDB_INSTALL_TIMEOUT_MS = 5 * 60 * 1000;
/** Written last: a folder without it is an install that did not finish, and is made again. */
const MARKER = '.asana-export-complete';
const PACKAGE = '@duckdb/node-api';

export interface DuckDBInstallOptions {
  /** The folder holding the committed package.json and package-lock.json. */
  readonly lockDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly signal: AbortSignal;
  readonly timeoutMs?: number;
  readonly log: (line: string) => void;
}

export interface InstalledDuckDB {
  readonly dir: string;
  readonly version: string;
  /** Whether this call installed it (false: found complete in the tool cache). */
  readonly installed: boolean;
  readonly import: DuckDBImport;
}

export async function installDuckDB(options: DuckDBInstallOptions): Promise<InstalledDuckDB> {
  const manifest = JSON.parse(await readFile(join(options.lockDir, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const version = manifest.dependencies[PACKAGE];
  if (version === undefined) throw new Error(`${options.lockDir}/package.json names no ${PACKAGE}`);
  const cacheRoot = join(options.env.RUNNER_TOOL_CACHE || tmpdir(), 'asana-export-duckdb');
  const dir = join(cacheRoot, `${version}-${process.platform}-${process.arch}`);
  let installed = false;
  if (!(await isComplete(dir))) {
    await mkdir(cacheRoot, { recursive: true });
    // Installed beside its place and renamed into it when complete: a parallel job on the same
    // runner never sees half a folder, and whichever finishes first is kept.
    const partial = await mkdtemp(join(cacheRoot, `.${version}.partial-`));
    try {
      await cp(join(options.lockDir, 'package.json'), join(partial, 'package.json'));
      await cp(join(options.lockDir, 'package-lock.json'), join(partial, 'package-lock.json'));
      const started = Date.now();
      options.log(`Installing ${PACKAGE} ${version} from the npm registry into ${dir}`);
      await npmCi(partial, options);
      await writeFile(join(partial, MARKER), `${new Date().toISOString()}\n`);
      // An unfinished folder is replaced; one a parallel job has just completed is kept.
      if (!(await isComplete(dir))) await rm(dir, { recursive: true, force: true });
      await rename(partial, dir).catch(async (error: unknown) => {
        if (!(await isComplete(dir))) throw error;
      });
      installed = true;
      options.log(`Installed ${PACKAGE} ${version} in ${Date.now() - started} ms`);
    } finally {
      await rm(partial, { recursive: true, force: true });
    }
  }
  if (!installed) options.log(`Using ${PACKAGE} ${version} from the tool cache: ${dir}`);
  let entry: string;
  try {
    entry = createRequire(join(dir, 'package.json')).resolve(PACKAGE);
  } catch (error) {
    throw new StepError(
      `parquet: the DuckDB install in the tool cache is damaged: ${printable(String((error as Error).message ?? error), 300)}`,
      `Remove ${dir} from the runner: the next run installs it again.`,
    );
  }
  return {
    dir,
    version,
    installed,
    import: () => import(pathToFileURL(entry).href),
  };
}

async function isComplete(dir: string): Promise<boolean> {
  return (await stat(join(dir, MARKER)).catch(() => undefined))?.isFile() === true;
}

const HINT =
  'parquet: true installs DuckDB from the npm registry (registry.npmjs.org, or the one npm_config_registry names) on first use: let the runner reach it, or remove parquet and load the export later with asana-export load.';

/** `npm ci` in `dir`, killed at the time limit or when the job is cancelled. */
function npmCi(dir: string, options: DuckDBInstallOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? DUCKDB_INSTALL_TIMEOUT_MS;
  // npm's cache (the tarballs) and its log in the job's temp folder, not the tool cache: the log
  // a failure points at is still there after the unfinished install is removed.
  const cache = join(options.env.RUNNER_TEMP || tmpdir(), 'asana-export-npm-cache');
  const args = ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--cache', cache];
  return new Promise<void>((resolve, reject) => {
    const windows = process.platform === 'win32';
    const child = spawn(windows ? 'npm.cmd' : 'npm', args, {
      cwd: dir,
      env: options.env,
      shell: windows,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so that the kill reaches what npm starts.
      detached: !windows,
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let stopped: string | undefined;
    const stop = (why: string) => {
      stopped = why;
      try {
        if (child.pid !== undefined && !windows) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(
      () => stop(`it did not finish within ${Math.round(timeoutMs / 1000)} s`),
      timeoutMs,
    );
    const cancel = () => stop('the job was cancelled');
    options.signal.addEventListener('abort', cancel, { once: true });
    const done = (error: StepError | undefined) => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', cancel);
      if (error === undefined) resolve();
      else reject(error);
    };
    child.on('error', (error) => {
      done(
        new StepError(
          `parquet: DuckDB could not be installed: npm could not be started (${printable(error.message, 300)})`,
          `${HINT} npm must be on the PATH (it is on GitHub's hosted runners).`,
        ),
      );
    });
    child.on('close', (code) => {
      if (stopped === undefined && code === 0) {
        done(undefined);
        return;
      }
      const why = stopped ?? `npm ci exited with code ${code}`;
      const tail = printableLines(output.trim().split('\n').slice(-8).join('\n'));
      done(
        new StepError(
          `parquet: DuckDB could not be installed from the npm registry: ${why}${tail === '' ? '' : `\n${tail}`}`,
          HINT,
        ),
      );
    });
  });
}
