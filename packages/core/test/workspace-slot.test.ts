import type { Sandbox } from '@asana-exports/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runExportToFile } from '../src/node/run-to-file.js';
import { AsanaApiError } from '../src/protocol/errors.js';
import { validateExportRequest } from '../src/protocol/params.js';
import {
  expectIntactFile,
  QUICK_POLL,
  type RecordingRuntime,
  runCli,
  runtimeFor,
  startTestSandbox,
  tempDir,
} from './support/sandbox.js';

// Asana runs one resource export per workspace; the sandbox refuses a second with the same 403.
// Runs started together for one workspace must queue up, not fail.

let sandbox: Sandbox;
const runtimes: RecordingRuntime[] = [];

beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(async () => {
  await sandbox.close();
});
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((runtime) => runtime.close()));
  expect(sandbox.downloadAuthViolations).toEqual([]);
  sandbox.configure({ durationMs: 300 });
});

const resource = (workspace: string) =>
  validateExportRequest({ kind: 'resource', workspace, resources: [{ resourceType: 'task' }] });
const creates = (since: number) =>
  sandbox.requests
    .slice(since)
    .filter((request) => request.origin === 'api' && request.path.endsWith('/exports/resource'));

function newRuntime(): RecordingRuntime {
  const runtime = runtimeFor(sandbox);
  runtimes.push(runtime);
  return runtime;
}

async function exportTo(runtime: RecordingRuntime, workspace: string, timeoutMs = 20_000) {
  return runExportToFile({
    runtime,
    start: { request: resource(workspace) },
    outDir: await tempDir(),
    signal: AbortSignal.timeout(30_000),
    poll: { ...QUICK_POLL, timeoutMs },
    onProgress: (event) => runtime.events.push(event),
  });
}

describe('one resource export per workspace', () => {
  it('runs two exports of the same workspace one after the other', async () => {
    // Long enough that the second create surely meets the first export still running.
    sandbox.configure({ durationMs: 1_000 });
    const before = sandbox.requests.length;
    const [first, second] = [newRuntime(), newRuntime()];
    const results = await Promise.all([
      exportTo(first, '1600000000000001'),
      exportTo(second, '1600000000000001'),
    ]);

    for (const result of results) await expectIntactFile(sandbox, result);
    const [a, b] = results;
    expect(a?.status.gid).not.toBe(b?.status.gid);
    const statuses = creates(before).map((request) => request.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(2);
    expect(statuses).toContain(403);
    // The one that waited was answered 403 until the workspace was free, then 201.
    expect(statuses.lastIndexOf(201)).toBeGreaterThan(statuses.indexOf(403));
    const waits = [...first.events, ...second.events].filter(
      (event) => event.type === 'retrying' && /another export/.test(event.reason),
    );
    expect(waits.length).toBeGreaterThan(0);
  });

  it('gives up with the 403 and a hint when the workspace stays busy past the timeout', async () => {
    sandbox.configure({ durationMs: 10 * 60_000 });
    const holder = newRuntime();
    await holder.client.create(resource('1600000000000002'), AbortSignal.timeout(20_000));
    const before = sandbox.requests.length;

    const error = await exportTo(newRuntime(), '1600000000000002', 500).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(AsanaApiError);
    expect(error).toMatchObject({ status: 403, reason: 'export-in-progress' });
    expect((error as AsanaApiError).hint).toMatch(/kept running for the whole/);
    const statuses = creates(before).map((request) => request.status);
    expect(statuses.length).toBeGreaterThan(1);
    expect(new Set(statuses)).toEqual(new Set([403]));
  });

  it('makes the CLI exit 3 with the hint when the workspace stays busy past --timeout', async () => {
    sandbox.configure({ durationMs: 10 * 60_000 });
    const holder = newRuntime();
    await holder.client.create(resource('1600000000000003'), AbortSignal.timeout(20_000));

    const result = await runCli(
      [
        'run',
        '--kind',
        'resource',
        '--workspace',
        '1600000000000003',
        '--out',
        await tempDir(),
        '--base-url',
        sandbox.apiUrl,
        '--timeout',
        '1s',
        '--poll-interval',
        '100ms',
      ],
      { ASANA_TOKEN: sandbox.token },
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/another export of this workspace is running \(403\); retry 1/);
    expect(result.stderr).toMatch(
      /hint: Another export of workspace 1600000000000003 kept running/,
    );
    expect(result.stdout).toBe('');
  });
});
