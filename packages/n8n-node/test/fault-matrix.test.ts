import { type Sandbox, startSandbox } from '@asana-exports/sandbox';
import {
  FAULT_ROWS,
  type FailureCategory,
  type FaultRow,
  faultsOf,
  findRawControls,
  findSecrets,
  freshTargetGid,
  probeServedFiles,
  scenarioOf,
} from '@asana-exports/sandbox/fault-matrix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  pathJoin as join,
  listFiles,
  randomHex,
  readText,
  removeDir,
  sha256Of,
  sizeOf,
  tempDir,
} from './support/files.mts';
import {
  distDir,
  type Execution,
  type N8nInstance,
  type NodeRun,
  type OutputItem,
  type RunData,
  requireN8n,
  startN8n,
} from './support/n8n.mts';
import { asanaNode, manualTrigger, writeFileNode } from './support/workflows.mts';

/**
 * The shared fault matrix (packages/sandbox/src/fault-matrix.ts) through the Asana Export node in
 * a real n8n: Create with Wait for Completion and Download, the file as binary data. Every row
 * ends with the same checks: a success hands on exactly the file Asana served (written to disk by
 * n8n's own Write File node, then compared); a failure is the node's error with the row's message,
 * on the node's error output, with no binary data, and says how to pick the export up when it goes
 * on at Asana; no secret and no raw control character reaches n8n's output or its log; the token
 * never reaches the store. (The CLI's and the action's matrices also carry out the resume.)
 *
 * Starting n8n takes seconds, so the rows run as one workflow in one `n8n execute`: one branch per
 * row (Manual Trigger → the row's Asana Export → Write File), each node set to continue through
 * its error output so that one row's failure does not stop the others. Each row has a sandbox
 * and a credential of its own: faults are queued per sandbox and route.
 */
const n8nBin = requireN8n();
const WORKFLOW_ID = 'e2eFaultMatrix01';

/** What identifies each kind's node parameters; resource rows get a fresh workspace each. */
const TARGET_BY_KIND = {
  organization: () => ({ organization: '1600000000000001' }),
  resource: () => ({
    workspace: freshTargetGid(),
    resources: { resource: [{ resourceType: 'task' }] },
  }),
  graph: () => ({ parent: '1600000000000003' }),
} as const;

/** How the node's error says which kind of failure it is. */
const CATEGORY: Record<FailureCategory, RegExp> = {
  api: /^Asana answered \d{3} to (GET|POST) \//,
  download: /^The download host /,
  'export-failed': /^Asana reports .* as (failed|error)$/,
  integrity: /^The downloaded export is not intact: /,
  timeout: /^Gave up (waiting )?after /,
  input: /^Invalid Access Token \(in the credential\): /,
};

/** The operation and parameters that pick an export up again, as the error's description says. */
const RESUME_HINT =
  /To pick it up, run Get Status or Download with Export Kind (organization|resource|graph) and Export or Job GID (\d+)\./;

/**
 * The row's limits, as the node's options: minutes and seconds, below the editor's minimums as an
 * expression may ask.
 */
function limitOptions(row: FaultRow): Record<string, number> {
  const { timeoutMs, requestTimeoutMs, stallTimeoutMs, minSpeed } = row.limits ?? {};
  return {
    ...(timeoutMs === undefined ? {} : { timeout: timeoutMs / 60_000 }),
    ...(requestTimeoutMs === undefined ? {} : { requestTimeout: requestTimeoutMs / 1000 }),
    ...(stallTimeoutMs === undefined ? {} : { stallTimeout: stallTimeoutMs / 1000 }),
    ...(minSpeed === undefined ? {} : { minSpeed }),
  };
}

/** An item on the node's error output. */
interface ErrorItem extends OutputItem {
  readonly error?: {
    readonly name: string;
    readonly message: string;
    readonly description?: string;
  };
}

interface RowSetup {
  readonly row: FaultRow;
  readonly sandbox: Sandbox;
  readonly nodeName: string;
  readonly folder: string;
}

describe.skipIf(n8nBin === undefined)('fault matrix: the Asana Export node in n8n', () => {
  let cacheDir: string;
  let n8n: N8nInstance;
  let execution: Execution;
  const rows: RowSetup[] = [];

  beforeAll(async () => {
    await readText(join(distDir, 'nodes', 'AsanaExport', 'AsanaExport.node.js')); // built?
    cacheDir = await tempDir('n8n-fault-matrix-');
    const served = await probeServedFiles({ cacheDir });
    n8n = await startN8n(n8nBin ?? '');

    for (const [index, row] of FAULT_ROWS.entries()) {
      const sandbox = await startSandbox({
        cacheDir,
        // A token of the row's own: a leak of it cannot hide behind a common word.
        token: `2/1600000000000000/${randomHex(12)}`,
        scenario: scenarioOf(row),
      });
      const number = String(index + 1).padStart(2, '0');
      rows.push({
        row,
        sandbox,
        nodeName: `Row ${number}`,
        folder: await n8n.folder(`row-${number}`),
      });
    }
    await n8n.importCredentials(
      rows.map(({ row, sandbox }, index) => ({
        ...credentialRef(index),
        type: 'asanaExportsApi',
        data: { accessToken: row.token ?? sandbox.token, baseUrl: sandbox.apiUrl },
      })),
    );
    await n8n.importWorkflows([faultMatrixWorkflow(rows)]);

    // Queued last, so that they meet the requests of the run and nothing else. (A row runs some
    // seconds later, after n8n has started and the rows before it have run: the HTTP-date row's
    // Retry-After, 1.5 s ahead now, is then in the past, which the core reads as "now" and backs
    // off as usual. The action's suite, whose rows start at once, sees the date honoured.)
    for (const { row, sandbox } of rows) {
      for (const fault of faultsOf(row, served)) sandbox.inject(fault);
    }
    // Debug logs (the node's progress among them), one JSON object a line: the run data that
    // --rawOutput prints is one of them, as a message.
    const result = await n8n.execute(WORKFLOW_ID, {
      N8N_LOG_LEVEL: 'debug',
      N8N_LOG_FORMAT: 'json',
    });
    execution = { ...result, data: runDataFromJsonLog(result.stdout) };
  }, 300_000);

  afterAll(async () => {
    await n8n?.close();
    await Promise.all(rows.map(({ sandbox }) => sandbox.close()));
    if (cacheDir) await removeDir(cacheDir);
  });

  it('runs every row in one execution', () => {
    expect(execution.data, `${execution.stdout}\n${execution.stderr}`).toBeDefined();
    expect(execution.data?.data.resultData.error).toBeUndefined();
    expect(execution.code).toBe(0);
  });

  it.each(FAULT_ROWS.map((row, index) => [row.name, index] as const))('%s', async (_, index) => {
    const { row, sandbox, nodeName, folder } = rows[index] as RowSetup;
    const run = runOf(execution, nodeName);
    // The node handled its own failure (continue on fail): n8n recorded no error for it.
    expect(run.error).toBeUndefined();
    const [success = [], failure = []] = (run.data?.main ?? []).map((items) => items ?? []);
    const { outcome } = row;
    const files = await listFiles(folder);

    if (outcome.type === 'success') {
      expect(failure, JSON.stringify(failure)).toEqual([]);
      expect(success).toHaveLength(1);
      const item = success[0] as OutputItem;
      const manifest = item.json as {
        kind: string;
        jobGid?: string;
        exportGid?: string;
        file: { name: string; bytes: number; sha256: string };
        records: { total: number };
      };
      const served = await sandbox.exportFile(manifest.jobGid ?? manifest.exportGid ?? '');
      expect(manifest.kind).toBe(row.kind ?? 'graph');
      expect(manifest.file).toMatchObject({ bytes: served.bytes, sha256: served.sha256 });
      expect(manifest.records.total).toBe(served.records);
      expect(item.binary?.data).toMatchObject({
        fileName: manifest.file.name,
        mimeType: 'application/gzip',
      });
      // What n8n's binary data store hands on, written out by its own Write File node.
      expect(files).toEqual([manifest.file.name]);
      const written = join(folder, manifest.file.name);
      expect(await sha256Of(written)).toBe(served.sha256);
      expect(await sizeOf(written)).toBe(served.bytes);
    } else {
      expect(success, JSON.stringify(success)).toEqual([]);
      expect(failure).toHaveLength(1);
      // n8n's error item: { error: message }, with the node's error beside it.
      const item = failure[0] as ErrorItem;
      expect(item.error?.name).toBe(
        outcome.category === 'api' ? 'NodeApiError' : 'NodeOperationError',
      );
      expect(item.error?.message).toMatch(outcome.message);
      expect(item.error?.message).toMatch(CATEGORY[outcome.category]);
      expect(item.json.error).toBe(item.error?.message);
      expect(item.error?.description).toEqual(expect.any(String));
      expect(item.binary).toBeUndefined();
      expect(files).toEqual([]);
      if (outcome.noRequest) expect(sandbox.requests).toEqual([]);
      // Where the export goes on at Asana, the description says how to pick it up.
      const resume = RESUME_HINT.exec(item.error?.description ?? '');
      if (outcome.resumable) {
        expect(resume, item.error?.description).not.toBeNull();
        expect(resume?.[1]).toBe(row.kind ?? 'graph');
      } else {
        expect(resume, item.error?.description).toBeNull();
      }
    }

    expect(row.checkRequests?.(sandbox.requests) ?? []).toEqual([]);
    const visible = [execution.stdout, execution.stderr, JSON.stringify(run)].join('\n');
    expect(findSecrets(visible, [sandbox.token, row.token])).toEqual([]);
    expect(findRawControls(visible)).toEqual([]);
    expect(sandbox.downloadAuthViolations).toEqual([]);
  });
});

function credentialRef(index: number): { id: string; name: string } {
  const number = String(index + 1).padStart(2, '0');
  return { id: `e2eFaultCred00${number}`, name: `Asana sandbox, row ${number}` };
}

/**
 * Manual Trigger → one branch per row: the row's Asana Export (Create, wait, download, continuing
 * through its error output) → Write File into the row's folder. Branches run one after another,
 * top to bottom.
 */
function faultMatrixWorkflow(rows: readonly RowSetup[]): Record<string, unknown> {
  const trigger = manualTrigger();
  const nodes: Array<Record<string, unknown>> = [trigger];
  const connections: Record<string, unknown> = {};
  const fromTrigger: Array<{ node: string; type: string; index: number }> = [];
  for (const [index, { row, nodeName, folder }] of rows.entries()) {
    const kind = row.kind ?? 'graph';
    const writer = `Write ${nodeName}`;
    nodes.push(
      {
        ...asanaNode(
          nodeName,
          {
            operation: 'create',
            kind,
            ...TARGET_BY_KIND[kind](),
            waitForCompletion: true,
            download: true,
            options: limitOptions(row),
          },
          credentialRef(index),
        ),
        // Branches run top to bottom, so each row's position is its place in the run.
        position: [300, index * 200],
        onError: 'continueErrorOutput',
      },
      writeFileNode(writer, folder, [600, index * 200]),
    );
    fromTrigger.push({ node: nodeName, type: 'main', index: 0 });
    // Output 0 is the node's success, output 1 its error output: left unconnected.
    connections[nodeName] = { main: [[{ node: writer, type: 'main', index: 0 }], []] };
  }
  connections[String(trigger.name)] = { main: [fromTrigger] };
  return {
    id: WORKFLOW_ID,
    name: WORKFLOW_ID,
    nodes,
    connections,
    active: false,
    settings: { executionOrder: 'v1' },
  };
}

/** The run data among n8n's JSON log lines: the message that parses as an execution. */
function runDataFromJsonLog(stdout: string): RunData | undefined {
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const { message } = JSON.parse(line) as { message?: unknown };
      if (typeof message !== 'string' || !message.startsWith('{')) continue;
      const data = JSON.parse(message) as Partial<RunData>;
      if (data.data?.resultData !== undefined) return data as RunData;
    } catch {
      // Not a log line of n8n's: skip it.
    }
  }
  return undefined;
}

function runOf(execution: Execution, nodeName: string): NodeRun {
  const runs = execution.data?.data.resultData.runData[nodeName];
  expect(runs, `${nodeName} did not run:\n${execution.stdout}\n${execution.stderr}`).toHaveLength(
    1,
  );
  return runs?.[0] as NodeRun;
}
