import { type Sandbox, startSandbox } from '@asana-exports/sandbox';
import { pollUntil } from '@asana-exports/test-stores';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { longExportExample, withTrigger } from './support/examples.mts';
import { pathJoin as join, listFiles, sha256Of, tempDir } from './support/files.mts';
import { requireN8n } from './support/n8n.mts';
import { type QueueMode, startQueueMode, waitForLogLine } from './support/queue-mode.mts';
import { findPostgresBin, hasRedis } from './support/services.mts';
import { sandboxCredential, webhookTrigger } from './support/workflows.mts';

/**
 * The long-export example in queue mode with a Wait of 66 s: the worker runs the execution up to
 * the Wait and is done with it (n8n parks it in PostgreSQL); the main process's wait tracker
 * resumes it as a new job, which a worker runs from Get Status on to the file. No worker holds
 * the execution while Asana works.
 */
const n8nBin = requireN8n();
const servicesInstalled = (await findPostgresBin()) !== undefined && hasRedis();
const CREDENTIAL = { id: 'queueParkedCred1', name: 'Asana sandbox' };
const STARTED = /Worker started execution (\d+) \(job (\d+)\)/g;
const FINISHED = /Worker finished execution (\d+) \(job (\d+)\)/;

describe.skipIf(n8nBin === undefined)('The long-export example parked in n8n queue mode', () => {
  let sandbox: Sandbox;
  let n8n: QueueMode;
  let folder: string;

  beforeAll(async () => {
    if (!servicesInstalled) {
      throw new Error('PostgreSQL or Redis is missing: run scripts/install-services.sh first');
    }
    // Done before the first check, 66 s after the create.
    sandbox = await startSandbox({ scenario: { durationMs: 20_000 } });
    folder = await tempDir('parked-');
    const example = await longExportExample({
      id: 'queueParkedExmp1',
      credential: CREDENTIAL,
      parent: '1100000000000071',
      folder,
      wait: { amount: 66, unit: 'seconds' },
    });
    n8n = await startQueueMode(
      n8nBin ?? '',
      {
        credentials: [sandboxCredential(CREDENTIAL, sandbox)],
        workflows: [
          {
            ...withTrigger(
              example,
              webhookTrigger('long-export', { answerAtOnce: true }),
              'Start export',
            ),
            active: true,
          },
        ],
      },
      { workers: 1, env: { N8N_RESTRICT_FILE_ACCESS_TO: folder } },
    );
  }, 300_000);

  afterAll(async () => {
    await n8n?.close();
    await sandbox?.close();
  }, 60_000);

  it('lets go of the execution during the Wait, and a new job finishes it', async () => {
    const [worker] = n8n.workers;
    if (worker === undefined) throw new Error('no worker');
    const before = worker.log().length;
    expect((await n8n.webhook('long-export', {})).status).toBe(200);

    // The worker's first job ends at the Wait: the export is started, not yet checked.
    const first = await waitForLogLine([worker], [before], FINISHED, 60_000);
    const execution = String(first.match[1]);
    expect(sandbox.requests.filter((request) => request.method === 'POST')).toHaveLength(1);
    expect(sandbox.requests.filter((request) => request.path.includes('/jobs/'))).toHaveLength(0);
    expect(await listFiles(folder)).toHaveLength(0);

    const files = await pollUntil(
      async () => {
        const names = await listFiles(folder);
        return names.length > 0 ? names : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 1_000, failure: () => worker.log().slice(-3000) },
    );
    const checks = sandbox.requests.filter((request) => request.path.includes('/jobs/'));
    const gid = String(/\/jobs\/(\d+)/.exec(checks[0]?.path ?? '')?.[1]);
    expect(await sha256Of(join(folder, files[0] ?? ''))).toBe(
      (await sandbox.exportFile(gid)).sha256,
    );
    // Two jobs of the one execution: before the Wait, and after n8n resumed it.
    const jobs = [...worker.log().slice(before).matchAll(STARTED)].filter(
      (match) => match[1] === execution,
    );
    expect(new Set(jobs.map((match) => match[2])).size).toBe(2);
  });
});
