import { type Sandbox, startSandbox } from '@asana-exports/sandbox';
import type { INodeExecutionData } from 'n8n-workflow';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AsanaExport } from '../nodes/AsanaExport/AsanaExport.node';
import { fakeContext } from './support/fakeContext.mts';

/**
 * Download progress and retries in n8n's log at info level (what a worker's log shows by
 * default), through the core's one rule for progress lines: the first chunk and every retry at
 * once, otherwise at most a line every 15 s; redacted and printable. Over (stand-ins of) n8n's
 * helpers; e2e.test.ts finds a progress line in a real worker's log.
 */
let sandbox: Sandbox;
const node = new AsanaExport();

beforeAll(async () => {
  // A few MB of compressed file: many chunks, so an unthrottled log would show dozens of lines.
  sandbox = await startSandbox({ scenario: { durationMs: 50, contentBytes: 24 * 1024 * 1024 } });
});
afterAll(() => sandbox.close());

it('logs a download’s first chunk and its retry at info level, throttled, with no secret', async () => {
  const gid = await sandbox.startExport({ parent: '1840000000000001' });
  await expect.poll(async () => await jobStatus(gid)).toBe('succeeded');
  const file = await sandbox.exportFile(gid);
  expect(file.bytes).toBeGreaterThan(2 * 1024 * 1024);
  sandbox.inject({ route: 'download', reset: 'mid-body', afterBytes: Math.floor(file.bytes / 2) });

  const fake = await fakeContext({
    parameters: { authentication: 'accessToken', operation: 'download', kind: 'graph', gid },
    credentials: { accessToken: sandbox.token, baseUrl: sandbox.apiUrl },
  });
  try {
    const [[item]] = (await node.execute.call(fake.context)) as [[INodeExecutionData]];
    expect(item.json).toMatchObject({ file: { bytes: file.bytes, sha256: file.sha256 } });

    // The first chunk has a line of its own, then the reset and the restart from byte 0 (n8n's
    // store cannot append); the rest of a loopback download comes within 15 s: no more lines.
    const what = `Asana export: Download of graph export job ${gid}`;
    expect(fake.infoLogs).toEqual([
      expect.stringMatching(/^Asana export: Downloaded [\d.]+ KiB of 4\.\d MiB \(\d+%\) at /),
      expect.stringMatching(
        new RegExp(`^${what}: Download transfer failed \\(ECONNRESET\\); retry 1 in [\\d.]+m?s$`),
      ),
      `${what}: the store cannot be resumed into this destination; retry 1 in 0ms`,
    ]);

    const logged = fake.infoLogs.join('\n');
    expect(logged).not.toContain(sandbox.token);
    expect(logged).not.toMatch(/https?:\/\/\S*\?/);
    expect(logged).not.toMatch(/X-Amz-|Signature=/i);
    const control = (code: number) => code < 0x20 || (code >= 0x7f && code <= 0x9f);
    expect([...fake.infoLogs.join('')].filter((c) => control(c.charCodeAt(0)))).toEqual([]);
  } finally {
    await fake.close();
  }
});

async function jobStatus(gid: string): Promise<string> {
  const response = await fetch(`${sandbox.apiUrl}/jobs/${gid}`, {
    headers: { authorization: `Bearer ${sandbox.token}` },
  });
  return ((await response.json()) as { data: { status: string } }).data.status;
}
