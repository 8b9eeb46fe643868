import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './support/cli.js';

describe('start-sandbox', () => {
  it("fails with the sandbox's own words when it cannot start, and outputs nothing", async () => {
    const logDir = tempDir('start-sandbox-');
    const run = await runCli('start-sandbox', ['--log-dir', logDir, '--', '--size', 'huge']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      new RegExp(
        `^start-sandbox: The sandbox did not start \\(exit code 2\\)\\. Its log, ${join(logDir, 'sandbox.log')}:\\nsandbox: .*size.*\\n`,
      ),
    );
    expect(run.outputs).toEqual({});
  });

  it('masks its token in a workflow log, and serves requests that carry it', async () => {
    const logDir = tempDir('start-sandbox-');
    const run = await runCli('start-sandbox', ['--log-dir', logDir], {
      env: { GITHUB_ACTIONS: 'true' },
    });
    const pid = Number(run.outputs.pid);
    try {
      expect(run.code).toBe(0);
      expect(run.stdout.split('\n')[0]).toBe(`::add-mask::${run.outputs.token}`);
      const api = run.outputs['api-url'] ?? '';
      const unknown = await fetch(`${api}/organization_exports/1200000000000009`, {
        headers: { authorization: `Bearer ${run.outputs.token}` },
      });
      expect(unknown.status).toBe(404);
      const anonymous = await fetch(`${api}/organization_exports/1200000000000009`);
      expect(anonymous.status).toBe(401);
    } finally {
      if (pid > 0) process.kill(pid, 'SIGTERM');
    }
  });
});
