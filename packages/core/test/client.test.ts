import type { Sandbox } from '@asana-exports/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AsanaApiError,
  CancelledError,
  ExportFailedError,
  ExportTimeoutError,
  TransportError,
} from '../src/protocol/errors.js';
import { validateExportRequest } from '../src/protocol/params.js';
import {
  QUICK_POLL,
  type RecordingRuntime,
  runtimeFor,
  startTestSandbox,
} from './support/sandbox.js';

let sandbox: Sandbox;
let runtime: RecordingRuntime;
const signal = () => AbortSignal.timeout(20_000);

beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(async () => {
  await sandbox.close();
});
afterEach(async () => {
  await runtime?.close();
  expect(sandbox.downloadAuthViolations).toEqual([]);
  sandbox.configure({ durationMs: 300, outcome: 'succeed' });
});

const graph = (parent: string) => validateExportRequest({ kind: 'graph', parent });
const apiRequests = (path: string) =>
  sandbox.requests.filter((request) => request.origin === 'api' && request.path.endsWith(path));

describe('ExportClient against the sandbox', () => {
  it('maps both state machines onto one outcome and keeps the raw state', async () => {
    runtime = runtimeFor(sandbox);
    const org = await runtime.client.create(
      validateExportRequest({ kind: 'organization', organization: '1300000000000001' }),
      signal(),
    );
    expect(org).toMatchObject({
      kind: 'organization',
      rawState: 'pending',
      outcome: 'waiting',
      downloadUrl: null,
    });
    const job = await runtime.client.create(graph('1300000000000002'), signal());
    expect(job).toMatchObject({ kind: 'graph', rawState: 'not_started', outcome: 'waiting' });
    expect(job.exportGid).toMatch(/^\d+$/);
    expect(job.exportGid).not.toBe(job.gid);

    // Both are polled at once, so each passes through its intermediate state while watched.
    const [doneOrg, doneJob] = await Promise.all([
      runtime.client.waitUntilDone(org, { signal: signal(), poll: QUICK_POLL }),
      runtime.client.waitUntilDone(job, { signal: signal(), poll: QUICK_POLL }),
    ]);
    expect(doneOrg).toMatchObject({ rawState: 'finished', outcome: 'done' });
    expect(doneOrg.downloadUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(doneJob).toMatchObject({ rawState: 'succeeded', outcome: 'done' });

    const states = (gid: string) =>
      runtime.events.flatMap((event) =>
        event.type === 'waiting' && event.gid === gid ? [event.rawState] : [],
      );
    expect(new Set(states(job.gid))).toEqual(new Set(['not_started', 'in_progress', 'succeeded']));
    expect(new Set(states(org.gid))).toEqual(new Set(['pending', 'started', 'finished']));
  });

  it('honours Retry-After in seconds and as an HTTP date, and backs off when it is missing', async () => {
    runtime = runtimeFor(sandbox);
    const job = await runtime.client.create(graph('1300000000000003'), signal());
    sandbox.inject({ route: 'status', status: 429, retryAfter: '1' });
    sandbox.inject({
      route: 'status',
      status: 429,
      retryAfter: new Date(Date.now() + 2000).toUTCString(),
    });
    sandbox.inject({ route: 'status', status: 429 });
    const status = await runtime.client.status(job, signal());
    expect(status.gid).toBe(job.gid);

    const retries = runtime.events.filter((event) => event.type === 'retrying');
    expect(retries).toHaveLength(3);
    const [seconds, date, missing] = retries.map((event) =>
      event.type === 'retrying' ? event.delayMs : -1,
    );
    expect(seconds).toBe(1000);
    expect(date).toBeGreaterThan(0);
    expect(date).toBeLessThanOrEqual(2000);
    // No Retry-After: full-jitter backoff within the (test) policy's bounds.
    expect(missing).toBeGreaterThanOrEqual(0);
    expect(missing).toBeLessThanOrEqual(200);
  });

  it('rides out a burst of 5xx and a connection reset on status calls', async () => {
    runtime = runtimeFor(sandbox);
    const job = await runtime.client.create(graph('1300000000000004'), signal());
    for (const status of [500, 502, 503]) sandbox.inject({ route: 'status', status });
    sandbox.inject({ route: 'status', reset: 'before-response' });
    const before = apiRequests(`/jobs/${job.gid}`).length;
    await runtime.client.status(job, signal());
    expect(apiRequests(`/jobs/${job.gid}`).length - before).toBe(5);
  });

  it('gives up after the retry budget with the last error, phrase included', async () => {
    runtime = runtimeFor(sandbox);
    const job = await runtime.client.create(graph('1300000000000005'), signal());
    // Exactly as many faults as the policy's attempts, so none is left over for the next test.
    sandbox.inject({ route: 'status', status: 503, times: 5 });
    const error = await runtime.client.status(job, signal()).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(AsanaApiError);
    expect(error).toMatchObject({ status: 503, reason: 'server-error' });
    expect((error as AsanaApiError).phrase).toBeTruthy();
  });

  it('does not retry an organization export create that may have reached Asana', async () => {
    runtime = runtimeFor(sandbox);
    sandbox.inject({ route: 'create', status: 500 });
    const before = apiRequests('/organization_exports').length;
    const error = await runtime.client
      .create(
        validateExportRequest({ kind: 'organization', organization: '1300000000000006' }),
        signal(),
      )
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(AsanaApiError);
    expect((error as AsanaApiError).hint).toMatch(/not retried/);
    expect(apiRequests('/organization_exports').length - before).toBe(1);
  });

  it('retries an organization export create refused with 429: nothing was started', async () => {
    runtime = runtimeFor(sandbox);
    sandbox.inject({ route: 'create', status: 429, retryAfter: '0' });
    const status = await runtime.client.create(
      validateExportRequest({ kind: 'organization', organization: '1300000000000007' }),
      signal(),
    );
    expect(status.outcome).toBe('waiting');
  });

  it('retries a graph export create after a lost answer and gets the same job', async () => {
    runtime = runtimeFor(sandbox);
    const first = await runtime.client.create(graph('1300000000000008'), signal());
    sandbox.inject({ route: 'create', reset: 'before-response' });
    const second = await runtime.client.create(graph('1300000000000008'), signal());
    expect(second.gid).toBe(first.gid);
  });

  it('explains the already-running 403 when an earlier create attempt got no answer', async () => {
    runtime = runtimeFor(sandbox);
    sandbox.configure({ durationMs: 60_000 });
    const request = validateExportRequest({
      kind: 'resource',
      workspace: '1300000000000009',
      resources: [{ resourceType: 'task' }],
    });
    // The first attempt starts the export but its answer is lost; the retry meets the 403.
    sandbox.inject({ route: 'create', reset: 'after-processing' });
    const error = await runtime.client.create(request, signal()).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(AsanaApiError);
    expect(error).toMatchObject({ status: 403, reason: 'export-in-progress' });
    expect((error as AsanaApiError).hint).toMatch(/earlier attempt/);
  });

  it('reports a failed export and a timeout as distinct errors', async () => {
    runtime = runtimeFor(sandbox);
    sandbox.configure({ outcome: 'fail' });
    const failing = await runtime.client.create(graph('1300000000000010'), signal());
    await expect(
      runtime.client.waitUntilDone(failing, { signal: signal(), poll: QUICK_POLL }),
    ).rejects.toBeInstanceOf(ExportFailedError);

    sandbox.configure({ outcome: 'succeed', durationMs: 60_000 });
    const slow = await runtime.client.create(graph('1300000000000011'), signal());
    const timeout = await runtime.client
      .waitUntilDone(slow, { signal: signal(), poll: { ...QUICK_POLL, timeoutMs: 500 } })
      .catch((thrown: unknown) => thrown);
    expect(timeout).toBeInstanceOf(ExportTimeoutError);
    expect((timeout as ExportTimeoutError).gid).toBe(slow.gid);
  });

  it('stops waiting at once when cancelled', async () => {
    runtime = runtimeFor(sandbox);
    sandbox.configure({ durationMs: 60_000 });
    const slow = await runtime.client.create(graph('1300000000000012'), signal());
    const controller = new AbortController();
    const waiting = runtime.client.waitUntilDone(slow, {
      signal: controller.signal,
      poll: { ...QUICK_POLL, initialIntervalMs: 10_000, maxIntervalMs: 10_000 },
    });
    setTimeout(() => controller.abort(), 100);
    await expect(waiting).rejects.toBeInstanceOf(CancelledError);
  });

  it('resumes polling an existing job by gid from a new client', async () => {
    const first = runtimeFor(sandbox);
    const job = await first.client.create(graph('1300000000000013'), signal());
    await first.close();
    runtime = runtimeFor(sandbox);
    const done = await runtime.client.waitUntilDone(
      { kind: 'graph', gid: job.gid },
      { signal: signal(), poll: QUICK_POLL },
    );
    expect(done.outcome).toBe('done');
  });

  it('raises TransportError when Asana cannot be reached at all', async () => {
    runtime = runtimeFor(sandbox);
    const { createNodeRuntime } = await import('../src/node/runtime.js');
    const unreachable = createNodeRuntime({
      token: 'x',
      baseUrl: 'http://127.0.0.1:9/api/1.0',
      retry: { maxAttempts: 2, maxElapsedMs: 1000, baseDelayMs: 1, maxDelayMs: 5 },
    });
    const error = await unreachable.client
      .status({ kind: 'graph', gid: '1' }, signal())
      .catch((thrown: unknown) => thrown);
    await unreachable.close();
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).code).toBe('ECONNREFUSED');
  });
});
