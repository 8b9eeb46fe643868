import { type Sandbox, startSandbox } from '@asana-exports/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireN8n } from './support/n8n.mts';
import { type QueueMode, startQueueMode } from './support/queue-mode.mts';
import { findPostgresBin, hasRedis } from './support/services.mts';
import {
  asanaNode,
  hashNode,
  sandboxCredential,
  waitForSandboxJob,
  webhookWorkflow,
} from './support/workflows.mts';

/**
 * A slow download's progress in a queue-mode worker's own log (n8n's logger, N8N_LOG_LEVEL=info,
 * console output, as queue-mode.mts runs every process): the first chunk at once, then a line at
 * most every 15 s, as the CLI prints on CI; never the token, never the signed link.
 */
const n8nBin = requireN8n();
const servicesInstalled = (await findPostgresBin()) !== undefined && hasRedis();
const CREDENTIAL = { id: 'queueProgress001', name: 'Asana sandbox' };
const PROGRESS = /Asana export: Downloaded ([\d.]+) (KiB|MiB) of ([\d.]+) MiB \((\d+)%\) at /g;

describe.skipIf(n8nBin === undefined)('Download progress in a queue-mode worker’s log', () => {
  let sandbox: Sandbox;
  let n8n: QueueMode;

  beforeAll(async () => {
    if (!servicesInstalled) {
      throw new Error('PostgreSQL or Redis is missing: run scripts/install-services.sh first');
    }
    // About 4.5 MiB of gzip: at the drip's 256 KiB a second, an 18-second download.
    sandbox = await startSandbox({ scenario: { durationMs: 200, contentBytes: 24 * 1024 * 1024 } });
    n8n = await startQueueMode(
      n8nBin ?? '',
      {
        credentials: [sandboxCredential(CREDENTIAL, sandbox)],
        workflows: [
          webhookWorkflow('queueProgress01', 'asana-progress', [
            asanaNode(
              'Download',
              { operation: 'download', kind: 'graph', gid: '={{ $json.body.gid }}' },
              CREDENTIAL,
            ),
            hashNode(),
          ]),
        ],
      },
      { workers: 1 },
    );
  }, 300_000);

  afterAll(async () => {
    await n8n?.close();
    await sandbox?.close();
  }, 60_000);

  it('logs a slow download’s progress on the worker, throttled, with no secret', async () => {
    const gid = await sandbox.startExport({ parent: '1100000000000061' });
    await waitForSandboxJob(sandbox, gid, 30_000);
    const file = await sandbox.exportFile(gid);
    expect(file.bytes).toBeGreaterThan(4 * 1024 * 1024);
    sandbox.inject({
      route: 'download',
      drip: { afterBytes: 64 * 1024, bytes: 256 * 1024, everyMs: 1_000 },
    });
    const [worker] = n8n.workers;
    const logBefore = worker?.log().length ?? 0;
    const startedAt = Date.now();
    const answer = await n8n.webhook('asana-progress', { gid });
    const seconds = (Date.now() - startedAt) / 1000;
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({ sha256: file.sha256 });
    expect(seconds).toBeGreaterThan(15);

    const log = worker?.log().slice(logBefore) ?? '';
    const lines = [...log.matchAll(PROGRESS)];
    // The first chunk, then one line per 15 s of an 18-second download: two or three, not one
    // per chunk (there are about 18).
    expect(lines.length, log).toBeGreaterThanOrEqual(2);
    expect(lines.length, log).toBeLessThanOrEqual(Math.ceil(seconds / 15) + 1);
    const percents = lines.map((line) => Number(line[4]));
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents[0]).toBeLessThan(10);
    // The main process only enqueued the execution.
    expect(n8n.main.log()).not.toMatch(PROGRESS);
    for (const process of [n8n.main, ...n8n.workers]) {
      expect(process.log()).not.toContain(sandbox.token);
      expect(process.log()).not.toContain(sandbox.downloadOrigin);
      expect(process.log()).not.toMatch(/X-Amz-|Signature=/i);
    }
  });
});
