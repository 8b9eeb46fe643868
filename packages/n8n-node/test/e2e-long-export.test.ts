import { type Sandbox, startSandbox } from '@asana-exports/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { longExportExample } from './support/examples.mts';
import { pathJoin as join, listFiles, sha256Of } from './support/files.mts';
import { type N8nInstance, onlyItem, requireN8n, startN8n } from './support/n8n.mts';
import { sandboxCredential } from './support/workflows.mts';

/**
 * The long-export example workflow (examples/long-export-with-wait.json) in a real n8n, as a user
 * imports it: Create without waiting → Wait → Get Status → Finished? → Download, or Checks left?
 * → back to Wait, or stop with an error. Only what a user sets is changed (credential, parent,
 * folder), plus the Wait shortened to 1 s: below n8n's 65 s the Wait node sleeps in-process, so
 * `n8n execute` runs the whole loop (a wait of 65 s or more parks the execution in the database,
 * which e2e-parked.test.ts covers with a started n8n).
 */
const n8nBin = requireN8n();
const GOOD = { id: 'e2eLongCredent01', name: 'Asana sandbox' };
const PARENT = '1100000000000041';

describe.skipIf(n8nBin === undefined)('The long-export example workflow in a real n8n', () => {
  let sandbox: Sandbox;
  let n8n: N8nInstance;

  beforeAll(async () => {
    // Longer than a Wait, so the loop goes round at least once before the export is done.
    sandbox = await startSandbox({ scenario: { durationMs: 2_500 } });
    n8n = await startN8n(n8nBin ?? '');
    await n8n.importCredentials([sandboxCredential(GOOD, sandbox)]);
  }, 120_000);

  afterAll(async () => {
    await n8n?.close();
    await sandbox?.close();
  });

  it('starts the export, checks until it is done, then downloads the file and its manifest', async () => {
    await n8n.importWorkflows([await example('e2eLongExport001', await n8n.folder('long'))]);
    const execution = await n8n.execute('e2eLongExport001');
    const created = onlyItem(execution, 'Start export').json;
    expect(created).toMatchObject({ kind: 'graph', state: 'waiting', done: false });
    const gid = String(created.gid);

    const runs = execution.data?.data.resultData.runData ?? {};
    expect(runs['Get status']?.length).toBeGreaterThanOrEqual(2);
    expect(runs['Checks left?']?.length).toBe((runs['Get status']?.length ?? 0) - 1);
    expect(runs['Stop: export still running']).toBeUndefined();

    const expected = await sandbox.exportFile(gid);
    const manifest = onlyItem(execution, 'Download').json as {
      jobGid?: string;
      records: { total: number };
      file: { sha256: string; bytes: number };
    };
    expect(manifest.jobGid).toBe(gid);
    expect(manifest.records.total).toBe(expected.records);
    expect(manifest.file).toMatchObject({ sha256: expected.sha256, bytes: expected.bytes });
    const files = await listFiles(join(n8n.files, 'long'));
    expect(files).toHaveLength(1);
    expect(await sha256Of(join(n8n.files, 'long', files[0] ?? ''))).toBe(expected.sha256);
    // One create for the whole loop: the checks never start another export.
    const creates = sandbox.requests.filter(
      (request) => request.method === 'POST' && request.path.endsWith('/exports/graph'),
    );
    expect(creates).toHaveLength(1);
  });

  it('stops with an error naming the gid when the export is still running after the last check', async () => {
    sandbox.configure({ durationMs: 3_600_000 });
    try {
      await n8n.importWorkflows([await example('e2eLongExport002', await n8n.folder('never'), 3)]);
      const execution = await n8n.execute('e2eLongExport002');
      expect(execution.code).not.toBe(0);
      const output = execution.stdout + execution.stderr;
      const match = /Asana export (\d+) is still (\w+) after 3 checks/.exec(output);
      expect(match, output).not.toBeNull();
      const gid = String(match?.[1]);
      const statusChecks = sandbox.requests.filter(
        (request) => request.method === 'GET' && request.path.endsWith(`/jobs/${gid}`),
      );
      expect(statusChecks).toHaveLength(3);
      expect(await listFiles(join(n8n.files, 'never'))).toHaveLength(0);
    } finally {
      sandbox.configure({ durationMs: 2_500 });
    }
  });

  const example = (id: string, folder: string, checks?: number) =>
    longExportExample({
      id,
      credential: GOOD,
      parent: PARENT,
      folder,
      wait: { amount: 1, unit: 'seconds' },
      ...(checks === undefined ? {} : { checks }),
    });
});
