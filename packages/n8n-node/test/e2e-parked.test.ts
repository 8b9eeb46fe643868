import { type Sandbox, startSandbox } from '@asana-exports/sandbox';
import { pollUntil } from '@asana-exports/test-stores';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { longExportExample, withTrigger } from './support/examples.mts';
import { pathJoin as join, listFiles, sha256Of } from './support/files.mts';
import { type N8nInstance, packageRoot, requireN8n, startN8n } from './support/n8n.mts';
import { type ExecutionSummary, type N8nServer, startN8nServer } from './support/n8n-server.mts';
import { type Recorder, startRecorder } from './support/recorder.mts';
import {
  chainConnections,
  httpRequestNode,
  sandboxCredential,
  webhookTrigger,
} from './support/workflows.mts';

/**
 * Parked executions in a started n8n (`n8n start`: its wait tracker resumes them; `n8n execute`
 * has none). Two claims of the README, seen in n8n 2.41:
 * - The long-export example with a Wait of 65 s or more parks the execution in the database
 *   (status waiting) and no execution runs meanwhile; n8n, even restarted, resumes it and it
 *   downloads the file.
 * - A node that parks its own execution (`putExecutionToWait`, as n8n's Wait and GitHub nodes do)
 *   is not called again when n8n resumes it by time: n8n passes the node's input on as its
 *   output, and what the node returned is dropped. So the Asana Export node cannot wait for an
 *   export by parking and checking again itself (see the README, Long exports).
 * Each test waits about a minute: n8n's wait tracker looks for executions due every 60 s.
 */
const n8nBin = requireN8n();
const CREDENTIAL = { id: 'e2eParkedCred001', name: 'Asana sandbox' };
const EXAMPLE = 'e2eParkedExampl1';
const PARK_NODE = 'e2eParkTestNode1';

describe.skipIf(n8nBin === undefined)('Parked executions in a started n8n', () => {
  let sandbox: Sandbox;
  let recorder: Recorder;
  let n8n: N8nInstance;
  let server: N8nServer;
  let folder: string;

  beforeAll(async () => {
    // Done before the first check, which comes 66 s after the create.
    sandbox = await startSandbox({ scenario: { durationMs: 20_000 } });
    recorder = await startRecorder();
    n8n = await startN8n(n8nBin ?? '', {
      extensions: [join(packageRoot, 'test', 'fixtures', 'park-node')],
    });
    folder = await n8n.folder('parked');
    await n8n.importCredentials([sandboxCredential(CREDENTIAL, sandbox)]);
    const example = await longExportExample({
      id: EXAMPLE,
      credential: CREDENTIAL,
      parent: '1100000000000051',
      folder,
      wait: { amount: 66, unit: 'seconds' },
    });
    const parkNodes = [
      webhookTrigger('park-node', { answerAtOnce: true }),
      {
        id: 'park-test',
        name: 'Park Test',
        type: 'CUSTOM.parkTest',
        typeVersion: 1,
        position: [200, 0],
        parameters: { pingUrl: `${recorder.url}/called`, seconds: 2 },
      },
      httpRequestNode('Next Node', {
        method: 'POST',
        url: `${recorder.url}/next`,
        sendBody: true,
        specifyBody: 'json',
        jsonBody: '={{ JSON.stringify($json) }}',
        options: {},
      }),
    ];
    await n8n.importWorkflows([
      withTrigger(example, webhookTrigger('long-export', { answerAtOnce: true }), 'Start export'),
      {
        id: PARK_NODE,
        name: PARK_NODE,
        nodes: parkNodes,
        connections: chainConnections(parkNodes),
        active: false,
        settings: { executionOrder: 'v1' },
      },
    ]);
    server = await startN8nServer(n8nBin ?? '', n8n, { publish: [EXAMPLE, PARK_NODE] });
  }, 180_000);

  afterAll(async () => {
    await server?.close();
    await n8n?.close();
    await recorder?.close();
    await sandbox?.close();
  }, 60_000);

  it('parks the example’s execution during a Wait of 66 s, then resumes it, past a restart, and downloads', async () => {
    const started = await server.webhook('long-export', {});
    expect(started.status, `${JSON.stringify(started.body)}\n${server.process.log()}`).toBe(200);
    const parked = await executionIn(EXAMPLE, 'waiting', 60_000);
    expect(Date.parse(String(parked.waitTill))).toBeGreaterThan(Date.now() + 50_000);
    // Parked: the export is started, nothing checks it, and no execution of n8n's is running.
    const running = await server.rest(
      'GET',
      `/rest/executions?filter=${encodeURIComponent(JSON.stringify({ status: ['running'] }))}`,
    );
    expect((running.body as { data: { count: number } }).data.count).toBe(0);
    const creates = sandbox.requests.filter((request) => request.method === 'POST');
    expect(creates).toHaveLength(1);
    expect(sandbox.requests.filter((request) => request.path.includes('/jobs/'))).toHaveLength(0);

    // Nothing of it lives in the process: n8n restarted meanwhile resumes it all the same.
    await server.close();
    server = await startN8nServer(n8nBin ?? '', n8n);
    await executionIn(EXAMPLE, 'success', 150_000);
    const checks = sandbox.requests.filter((request) => request.path.includes('/jobs/'));
    const gid = String(/\/jobs\/(\d+)/.exec(checks[0]?.path ?? '')?.[1]);
    const expected = await sandbox.exportFile(gid);
    const files = await listFiles(folder);
    expect(files).toHaveLength(1);
    expect(await sha256Of(join(folder, files[0] ?? ''))).toBe(expected.sha256);
  });

  it('does not call a node that parked itself again on resume: its input goes on instead', async () => {
    expect((await server.webhook('park-node', { marker: 'from the webhook' })).status).toBe(200);
    const parked = await executionIn(PARK_NODE, 'waiting', 30_000);
    expect(parked.waitTill).toBeTruthy();
    expect(recorder.received('/called')).toHaveLength(1);

    await executionIn(PARK_NODE, 'success', 120_000);
    // Called once, before it parked; never on resume.
    expect(recorder.received('/called')).toHaveLength(1);
    // The next node got the Webhook's item (the parked node's input), not the node's output.
    const [next] = recorder.received('/next') as Array<Record<string, unknown>>;
    expect(next).toMatchObject({ body: { marker: 'from the webhook' } });
    expect(next).not.toHaveProperty('parkedWith');
  });

  /** Polls n8n's executions of the workflow until the newest is in `status`. */
  function executionIn(
    workflowId: string,
    status: string,
    timeoutMs: number,
  ): Promise<ExecutionSummary> {
    let last: ExecutionSummary | undefined;
    return pollUntil(
      async () => {
        [last] = await server.executions(workflowId);
        return last?.status === status ? last : undefined;
      },
      {
        timeoutMs,
        intervalMs: 500,
        failure: () =>
          `${workflowId}: no execution ${status} within ${timeoutMs / 1000} s (last: ${JSON.stringify(last)})\n${server.process.log().slice(-3000)}`,
      },
    );
  }
});
