/**
 * Runs a real n8n (installed by scripts/install-n8n.sh, outside the workspace) headless, with this
 * package's dist/ loaded as a custom extension. Kept in .mts: it needs Node's built-ins, which
 * n8n's lint rules rightly forbid in a node's own .ts files (this runs beside n8n, not inside it).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { freePort } from '@asana-exports/test-stores';
import { expect, it } from 'vitest';

export const N8N_VERSION = '2.41.1';
export const packageRoot = join(import.meta.dirname, '..', '..');
export const distDir = join(packageRoot, 'dist');

/** Where install-n8n.sh puts n8n (same rule as the script), or N8N_E2E_BIN. */
export function findN8n(): string | undefined {
  const explicit = process.env.N8N_E2E_BIN;
  if (explicit) return existsSync(explicit) ? explicit : undefined;
  const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  const home = process.env.N8N_E2E_HOME || join(cacheHome, 'asana-exports', `n8n-${N8N_VERSION}`);
  const bin = join(home, 'node_modules', '.bin', 'n8n');
  return existsSync(join(home, '.installed')) && existsSync(bin) ? bin : undefined;
}

export interface N8nResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Peak resident set size of the n8n process in KiB, when run under /usr/bin/time. */
  readonly maxRssKiB?: number;
}

export interface N8nInstance {
  readonly home: string;
  /** Folder the Read/Write Files node may write to. */
  readonly files: string;
  /** Creates a folder under `files` (the Write File node does not) and returns its path. */
  folder(name: string): Promise<string>;
  /** The environment every n8n command of this instance runs with (n8n-server.mts starts it). */
  readonly env: Readonly<Record<string, string>>;
  run(args: readonly string[], extraEnv?: Record<string, string>): Promise<N8nResult>;
  importCredentials(credentials: readonly object[]): Promise<void>;
  importWorkflows(workflows: readonly object[]): Promise<void>;
  /** `n8n execute --id … --rawOutput`: the run data, or the failure output. */
  execute(workflowId: string, extraEnv?: Record<string, string>): Promise<Execution>;
  close(): Promise<void>;
}

export interface Execution extends N8nResult {
  /** Parsed from the first line that starts with `{` (what --rawOutput prints on success). */
  readonly data: RunData | undefined;
}

export interface RunData {
  readonly data: {
    readonly resultData: {
      readonly runData: Record<string, ReadonlyArray<NodeRun>>;
      readonly error?: { readonly message: string };
    };
  };
}

export interface NodeRun {
  readonly executionStatus?: string;
  readonly error?: { readonly message: string; readonly description?: string };
  readonly data?: { readonly main: ReadonlyArray<ReadonlyArray<OutputItem> | null> };
}

export interface OutputItem {
  readonly json: Record<string, unknown>;
  readonly binary?: Record<string, { fileName?: string; mimeType?: string; bytes?: number }>;
  readonly pairedItem?: unknown;
}

export async function startN8n(
  bin: string,
  options: {
    binaryMode?: string;
    /**
     * Installs this packed tarball into n8n's community nodes folder, as a user does
     * (`npm install --omit=peer` in ~/.n8n/nodes), instead of loading dist/ as a custom
     * extension. The node's type is then `n8n-nodes-asana-exports.asanaExport`.
     */
    tarball?: string;
    /**
     * Folders of test-only nodes (test/fixtures) copied in beside dist/: n8n loads every folder
     * of N8N_CUSTOM_EXTENSIONS as the one package CUSTOM, so a second folder would replace the first.
     */
    extensions?: readonly string[];
  } = {},
): Promise<N8nInstance> {
  const home = await mkdtemp(join(tmpdir(), 'n8n-e2e-'));
  const files = join(home, 'files');
  await mkdir(files, { recursive: true });
  const userFolder = join(home, 'user');
  let loadFrom: Record<string, string>;
  if (options.tarball === undefined) {
    // A copy of what the package ships, outside the workspace: `n8n-workflow` then resolves to
    // n8n's own, as it does for an installed community package.
    const extension = join(home, 'extension');
    await cp(distDir, extension, { recursive: true });
    for (const folder of options.extensions ?? []) {
      await cp(folder, join(extension, basename(folder)), { recursive: true });
    }
    loadFrom = { N8N_CUSTOM_EXTENSIONS: extension };
  } else {
    const nodesFolder = join(userFolder, '.n8n', 'nodes');
    await mkdir(nodesFolder, { recursive: true });
    await writeFile(
      join(nodesFolder, 'package.json'),
      '{"name":"installed-nodes","private":true}\n',
    );
    const install = await runProcess(
      'npm',
      [
        'install',
        '--prefix',
        nodesFolder,
        '--omit=peer',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        options.tarball,
      ],
      inheritedEnv(),
    );
    if (install.code !== 0)
      throw new Error(`npm install of the tarball failed:\n${install.stderr}`);
    loadFrom = {};
  }
  const env: Record<string, string> = {
    ...inheritedEnv(),
    N8N_USER_FOLDER: userFolder,
    ...loadFrom,
    N8N_ENCRYPTION_KEY: 'asana-exports-e2e-key',
    N8N_DEFAULT_BINARY_DATA_MODE: options.binaryMode ?? 'filesystem',
    N8N_RESTRICT_FILE_ACCESS_TO: files,
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_TEMPLATES_ENABLED: 'false',
    N8N_PERSONALIZATION_ENABLED: 'false',
    // Each n8n process starts a task broker: a port of its own, so that runs never collide.
    N8N_RUNNERS_BROKER_PORT: String(await freePort()),
    DB_SQLITE_POOL_SIZE: '1',
  };

  const run = (args: readonly string[], extraEnv: Record<string, string> = {}) =>
    runProcess(bin, args, { ...env, ...extraEnv });

  const importJson = async (command: string, name: string, value: readonly object[]) => {
    const file = join(home, name);
    await writeFile(file, JSON.stringify(value));
    const result = await run([command, `--input=${file}`]);
    if (result.code !== 0) {
      throw new Error(
        `n8n ${command} failed (${result.code}):\n${result.stdout}\n${result.stderr}`,
      );
    }
  };

  return {
    home,
    files,
    env,
    folder: async (name) => {
      const path = join(files, name);
      await mkdir(path, { recursive: true });
      return path;
    },
    run,
    importCredentials: (credentials) =>
      importJson('import:credentials', 'credentials.json', credentials),
    importWorkflows: async (workflows) => {
      for (const [index, workflow] of workflows.entries()) {
        await importJson('import:workflow', `workflow-${index}.json`, [workflow]);
      }
    },
    async execute(workflowId, extraEnv) {
      const result = await run(['execute', `--id=${workflowId}`, '--rawOutput'], extraEnv);
      return { ...result, data: parseRunData(result.stdout) };
    },
    close: () => rm(home, { recursive: true, force: true }),
  };
}

/**
 * The caller's environment minus the test runner's (n8n goes silent when NODE_ENV is test, and
 * eslint-plugin-n8n-nodes-base lints every file as a test fixture) and, unless `keepN8nSettings`,
 * minus any N8N_ and DB_ settings, so that an n8n started here gets only the ones it is given.
 */
export function inheritedEnv({ keepN8nSettings = false } = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (
      value === undefined ||
      name === 'NODE_ENV' ||
      name === 'TEST' ||
      name.startsWith('VITEST')
    ) {
      continue;
    }
    if (!keepN8nSettings && (name.startsWith('N8N_') || name.startsWith('DB_'))) continue;
    env[name] = value;
  }
  return env;
}

/**
 * The run data `--rawOutput` prints: pretty-printed JSON from the first line that starts with `{`
 * to the first line that is just `}`. n8n may log other lines after it (task runners registering).
 */
export function parseRunData(stdout: string): RunData | undefined {
  const lines = stdout.split('\n');
  const start = lines.findIndex((line) => line.startsWith('{'));
  if (start === -1) return undefined;
  const end = lines.findIndex((line, index) => index > start && line.trimEnd() === '}');
  try {
    return JSON.parse(lines.slice(start, end === -1 ? undefined : end + 1).join('\n')) as RunData;
  } catch {
    return undefined;
  }
}

export function runProcess(
  bin: string,
  args: readonly string[],
  env: Record<string, string>,
): Promise<N8nResult> {
  const timed = env.N8N_E2E_MEASURE_RSS === 'true' && existsSync('/usr/bin/time');
  const command = timed ? '/usr/bin/time' : bin;
  const commandArgs = timed ? ['-f', 'MAXRSS_KIB=%M', bin, ...args] : [...args];
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => {
      const rss = /MAXRSS_KIB=(\d+)/.exec(stderr);
      resolve({
        code,
        stdout,
        stderr,
        ...(rss?.[1] === undefined ? {} : { maxRssKiB: Number(rss[1]) }),
      });
    });
  });
}

/** Says, where CI logs show it, that the end-to-end tests did not run, and how to make them run. */
export function warnN8nMissing(): void {
  console.warn(
    [
      '',
      '!!! n8n end-to-end tests SKIPPED: n8n is not installed.',
      `!!! Install it with packages/n8n-node/scripts/install-n8n.sh (n8n@${N8N_VERSION} into ~/.cache/asana-exports), then run the tests again.`,
      '',
    ].join('\n'),
  );
}

/** CI must not pass without the end-to-end tests: there a missing n8n is a failure, not a skip. */
export const inCi = process.env.CI === 'true';

/** The node type n8n gives this package when loaded with N8N_CUSTOM_EXTENSIONS. */
export const NODE_TYPE = 'CUSTOM.asanaExport';

/**
 * The n8n binary for an end-to-end test file, or undefined (its tests then skip). A missing n8n
 * is announced loudly, and in CI it registers a failing test: a green CI must not hide a missing
 * install step. Call it at the top of a test file.
 */
export function requireN8n(): string | undefined {
  const n8nBin = findN8n();
  if (n8nBin !== undefined) return n8nBin;
  warnN8nMissing();
  if (inCi) {
    it('has n8n installed for the end-to-end tests (CI runs scripts/install-n8n.sh first)', () => {
      expect.fail('n8n is not installed: run packages/n8n-node/scripts/install-n8n.sh first');
    });
  }
  return undefined;
}

/** A node's output items in an execution's run data, or an error with n8n's output. */
export function outputOf(execution: Execution, nodeName: string): OutputItem[] {
  if (execution.data === undefined) {
    throw new Error(
      `n8n execute failed (${execution.code}):\n${execution.stdout}\n${execution.stderr}`,
    );
  }
  const runs = execution.data.data.resultData.runData[nodeName];
  const items = runs?.[0]?.data?.main[0];
  if (items === undefined || items === null) {
    throw new Error(`No output from ${nodeName}:\n${JSON.stringify(runs, null, 2)}`);
  }
  return [...items];
}

/** The one item a node output. */
export function onlyItem(execution: Execution, nodeName: string): OutputItem {
  const items = outputOf(execution, nodeName);
  expect(items).toHaveLength(1);
  return items[0] as OutputItem;
}
