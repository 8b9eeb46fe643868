import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { CACHE_DIR } from './helpers.js';

// Runs the built CLI, as users and other packages' tests do: `pnpm build` first.
const CLI = join(import.meta.dirname, '../dist/cli.js');

let child: ChildProcessWithoutNullStreams | undefined;
afterEach(() => {
  if (child !== undefined && child.exitCode === null) child.kill('SIGKILL');
  child = undefined;
});

function start(args: string[]) {
  const process_ = spawn(process.execPath, [CLI, ...args], { stdio: 'pipe' });
  child = process_;
  let stderr = '';
  process_.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  return { process: process_, stderr: () => stderr };
}

describe('the sandbox CLI', () => {
  it('prints one JSON line, serves and logs requests without query strings, and exits on SIGTERM', async () => {
    const cli = start([
      '--duration',
      '100ms',
      '--size',
      '16KB',
      '--token',
      't0k',
      '--cache-dir',
      CACHE_DIR,
    ]);
    const [line] = (await once(createInterface({ input: cli.process.stdout }), 'line')) as [string];
    const { apiUrl, downloadOrigin, token } = JSON.parse(line) as Record<string, string>;
    expect(apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/1\.0$/);
    expect(downloadOrigin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(token).toBe('t0k');

    const headers = { Authorization: `Bearer ${token}` };
    const created = await fetch(`${apiUrl}/exports/graph`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ data: { parent: '1200000000000001' } }),
    });
    expect(created.status).toBe(201);
    const { data } = (await created.json()) as { data: { gid: string } };
    let url: string | null = null;
    while (url === null) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const status = await fetch(`${apiUrl}/jobs/${data.gid}`, { headers });
      const job = (await status.json()) as {
        data: { new_graph_export: { download_url: string | null } };
      };
      url = job.data.new_graph_export.download_url;
    }
    const file = await fetch(url);
    expect(file.status).toBe(200);
    await file.arrayBuffer();

    cli.process.kill('SIGTERM');
    const [code] = (await once(cli.process, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(cli.stderr()).toContain('api POST /api/1.0/exports/graph 201');
    expect(cli.stderr()).toMatch(/download GET \/asana-exports-sandbox\/\d+-\d{8}\.jsonl\.gz 200/);
    expect(cli.stderr()).not.toContain('X-Amz');
  });

  it('prints usage with --help and refuses bad values', async () => {
    const help = start(['--help']);
    const output: string[] = [];
    help.process.stdout.setEncoding('utf8').on('data', (text: string) => output.push(text));
    expect((await once(help.process, 'exit'))[0]).toBe(0);
    expect(output.join('')).toContain('--download-port');

    const bad = start(['--size', 'huge']);
    expect((await once(bad.process, 'exit'))[0]).toBe(2);
    expect(bad.stderr()).toMatch(/--size/);
  });
});
