import { type Sandbox, startSandbox } from '@asana-exports/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireN8n } from './support/n8n.mts';
import {
  type QueueMode,
  startQueueMode,
  type WebhookAnswer,
  waitForLogLine,
} from './support/queue-mode.mts';
import { findPostgresBin, hasRedis } from './support/services.mts';
import { startUploadFromUrl } from './support/upload-from-url.mts';
import {
  asanaNode as asanaNodeWith,
  hashNode,
  httpRequestNode,
  waitForSandboxJob,
  webhookWorkflow,
} from './support/workflows.mts';

/**
 * The node in n8n's queue mode, as large installations run it: webhooks reach the main process,
 * two workers run the executions, PostgreSQL and Redis on loopback, binary data in the mode n8n
 * picks for queue mode by default (`database`). The node after the export reads the binary data
 * back from that store and hashes it: what it reads must be the sandbox's file, byte for byte.
 */
const n8nBin = requireN8n();
const servicesInstalled = (await findPostgresBin()) !== undefined && hasRedis();
const CREDENTIAL = { id: 'queueCredential1', name: 'Asana sandbox' };

describe.skipIf(n8nBin === undefined)('Asana Export in n8n queue mode', () => {
  let sandbox: Sandbox;
  let n8n: QueueMode;

  beforeAll(async () => {
    if (!servicesInstalled) {
      throw new Error('PostgreSQL or Redis is missing: run scripts/install-services.sh first');
    }
    sandbox = await startSandbox({ scenario: { durationMs: 1_500 } });
    n8n = await startQueueMode(n8nBin ?? '', {
      credentials: [
        {
          ...CREDENTIAL,
          type: 'asanaExportsApi',
          data: { accessToken: sandbox.token, baseUrl: sandbox.apiUrl },
        },
      ],
      workflows: [
        webhookWorkflow('queueExport00001', 'asana-export', [
          asanaNode('Asana Export', {
            operation: 'create',
            kind: 'resource',
            workspace: '={{ $json.body.workspace }}',
            resources: { resource: [{ resourceType: 'task', fields: 'gid, name' }] },
          }),
          hashNode(),
        ]),
        webhookWorkflow('queueLink0000001', 'asana-link', [
          asanaNode('Get Status', {
            operation: 'getStatus',
            kind: 'resource',
            gid: '={{ $json.body.gid }}',
            options: { includeDownloadLink: true },
          }),
          httpRequestNode('Upload From URL', {
            method: 'POST',
            url: "={{ $('Webhook').item.json.body.uploadTo }}",
            sendBody: true,
            specifyBody: 'json',
            jsonBody: '={{ JSON.stringify({ source: $json.downloadUrl }) }}',
            options: {},
          }),
        ]),
        webhookWorkflow('queueResume00001', 'asana-resume', [
          asanaNode('Get Status', {
            operation: 'getStatus',
            kind: 'resource',
            gid: '={{ $json.body.gid }}',
          }),
          asanaNode('Download', {
            operation: 'download',
            kind: 'resource',
            gid: '={{ $json.gid }}',
          }),
          hashNode(),
        ]),
      ],
    });
  }, 300_000);

  afterAll(async () => {
    await n8n?.close();
    await sandbox?.close();
  }, 60_000);

  it('runs Create with Wait → Download on a worker; the next node reads the file intact', async () => {
    const result = okBody(await n8n.webhook('asana-export', { workspace: '1200000000000001' }));
    const expected = await sandbox.exportFile(result.jobGid);
    expect(result.sha256).toBe(expected.sha256);
    expect(result.sha256).toBe(result.file.sha256);
    expect(result.records.total).toBe(expected.records);

    const ranOn = n8n.workers.filter((worker) => worker.log().includes(result.jobGid));
    expect(ranOn).toHaveLength(1);
    expect(n8n.main.log()).not.toContain(result.jobGid);
  });

  it('runs exports of several workspaces at once, and two of one workspace in turn', async () => {
    const workspaces = ['1200000000000011', '1200000000000012', '1200000000000013'];
    const shared = '1200000000000014';
    const requestsBefore = sandbox.requests.length;
    const answers = await Promise.all(
      [...workspaces, shared, shared].map((workspace) =>
        n8n.webhook('asana-export', { workspace }),
      ),
    );
    const results = answers.map((answer) => okBody(answer, n8n));
    expect(new Set(results.map((result) => result.jobGid)).size).toBe(5);
    for (const result of results) {
      expect(result.sha256).toBe((await sandbox.exportFile(result.jobGid)).sha256);
    }

    // One resource export runs per workspace: the second of the shared workspace was refused,
    // waited for the slot, then started; no execution failed on it.
    const creates = sandbox.requests
      .slice(requestsBefore)
      .filter((request) => request.method === 'POST' && request.path.endsWith('/exports/resource'));
    expect(creates.filter((request) => request.status === 201)).toHaveLength(5);
    expect(creates.filter((request) => request.status === 403).length).toBeGreaterThan(0);
  });

  it('leaves an export whose worker died mid-wait for a later execution to resume by gid', async () => {
    sandbox.configure({ durationMs: 15_000 });
    const workspace = '1200000000000021';
    const abandoned = new AbortController();
    const pending = n8n
      .webhook('asana-export', { workspace }, abandoned.signal)
      .catch((error: unknown) => error);
    const logsBefore = n8n.workers.map((worker) => worker.log().length);
    const { process: worker, match } = await waitForLogLine(
      n8n.workers,
      logsBefore,
      CREATED_LINE,
      30_000,
    );
    const gid = String(match[1]);
    sandbox.configure({ durationMs: 1_500 });
    worker.child.kill('SIGKILL');
    abandoned.abort();
    await pending;

    // The gid is in the dead worker's log (n8n's info level): the later execution needs nothing
    // else, neither the dead process's memory nor a new export.
    await waitForSandboxJob(sandbox, gid, 60_000);
    const createsBefore = countCreates(sandbox);
    const result = okBody(await n8n.webhook('asana-resume', { gid }), n8n);
    expect(result.sha256).toBe((await sandbox.exportFile(gid)).sha256);
    expect(countCreates(sandbox)).toBe(createsBefore);
  });

  it('hands a fresh link to a node that streams it onward, past the binary data store', async () => {
    // An upload-from-URL service (as object stores offer): it pulls the file itself, so the
    // export never passes through n8n's memory or binary data store, whatever its size.
    const uploads = await startUploadFromUrl();
    try {
      const gid = await sandbox.startExport({ workspace: '1200000000000031' });
      await waitForSandboxJob(sandbox, gid, 30_000);
      const answer = await n8n.webhook('asana-link', { gid, uploadTo: uploads.url });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      const expected = await sandbox.exportFile(gid);
      expect(answer.body).toEqual({ sha256: expected.sha256, bytes: expected.bytes });
      // Given on request only, and never logged by any of n8n's processes.
      for (const process of [n8n.main, ...n8n.workers]) {
        expect(process.log()).not.toContain(sandbox.downloadOrigin);
      }
    } finally {
      await uploads.close();
    }
  });
});

interface ExportAnswer {
  readonly jobGid: string;
  readonly sha256: string;
  readonly file: { readonly sha256: string };
  readonly records: { readonly total: number };
}

/** The webhook's answer when the execution succeeded; n8n's error answer in the failure. */
function okBody(answer: WebhookAnswer, n8n?: QueueMode): ExportAnswer {
  const logs = (n8n?.workers ?? []).map((worker) => `${worker.name}: ${worker.log().slice(-3000)}`);
  expect(answer.status, [JSON.stringify(answer.body), ...logs].join('\n')).toBe(200);
  return answer.body as ExportAnswer;
}

const CREATED_LINE = /created resource export (\d+) \(\w+\) in execution/;

function countCreates(sandbox: Sandbox): number {
  return sandbox.requests.filter((request) => request.method === 'POST').length;
}

const asanaNode = (name: string, parameters: Record<string, unknown>) =>
  asanaNodeWith(name, parameters, CREDENTIAL);
