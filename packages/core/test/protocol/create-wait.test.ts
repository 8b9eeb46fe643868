import { describe, expect, it } from 'vitest';
import { type CreateOptions, ExportClient } from '../../src/protocol/client.js';
import {
  AsanaApiError,
  CancelledError,
  ExportTimeoutError,
  TransportError,
} from '../../src/protocol/errors.js';
import type { ProgressEvent } from '../../src/protocol/events.js';
import { type ExportRequest, validateExportRequest } from '../../src/protocol/params.js';
import { DEFAULT_POLL_POLICY, type PollPolicy } from '../../src/protocol/polling.js';
import type { ApiRequest, ApiResponse, ApiTransport, Clock } from '../../src/protocol/ports.js';
import { ProgressNarrator } from '../../src/protocol/progress-text.js';
import { runExport } from '../../src/protocol/run.js';

// Unit tests of `create` waiting for a busy workspace, with fake ports: a scripted transport and
// a clock whose sleeps only move its time on, so minutes of waiting take no time at all.

const json = (status: number, body: unknown): ApiResponse => ({
  status,
  headers: {},
  body: JSON.stringify(body),
});
const BUSY = json(403, {
  errors: [{ message: 'An export is already in progress for this workspace.' }],
});
const FORBIDDEN = json(403, { errors: [{ message: 'You do not have permission to do this.' }] });
const job = (status: string) =>
  json(201, {
    data: {
      gid: '3000',
      resource_type: 'job',
      status,
      new_resource_export: { gid: '4000', download_url: null },
    },
  });
const CREATED = job('not_started');

const RESOURCE = validateExportRequest({
  kind: 'resource',
  workspace: '1500000000000001',
  resources: [{ resourceType: 'task' }],
});

type Step = ApiResponse | Error;

/** Answers each request with the next step of the script; the last one repeats. */
function fakeWorld(script: readonly Step[]) {
  const requests: ApiRequest[] = [];
  const sleeps: number[] = [];
  const events: ProgressEvent[] = [];
  let now = 0;
  const transport: ApiTransport = {
    send: async (request) => {
      requests.push(request);
      const step = script[Math.min(requests.length - 1, script.length - 1)];
      if (step === undefined || step instanceof Error) throw step;
      return step;
    },
  };
  const clock: Clock = {
    now: () => now,
    sleep: async (ms, signal) => {
      signal.throwIfAborted();
      sleeps.push(ms);
      now += ms;
    },
  };
  const client = new ExportClient({
    transport,
    clock,
    // No jitter: delays are exactly the policy's.
    random: () => 0,
    onProgress: (event) => events.push(event),
  });
  const create = (
    request: ExportRequest = RESOURCE,
    options?: CreateOptions,
    signal?: AbortSignal,
  ) => client.create(request, signal ?? new AbortController().signal, options);
  const waits = () =>
    events.filter((event) => event.type === 'retrying' && /another export/.test(event.reason));
  return { client, clock, create, requests, sleeps, events, waits, now: () => now };
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );

describe('create while another export of the workspace runs', () => {
  it('waits for the slot with the polling backoff, then creates', async () => {
    const world = fakeWorld([BUSY, BUSY, BUSY, CREATED]);
    const status = await world.create();
    expect(status).toMatchObject({ kind: 'resource', gid: '3000', rawState: 'not_started' });
    expect(world.requests).toHaveLength(4);
    expect(world.requests.every((request) => request.path === '/exports/resource')).toBe(true);
    // The default poll policy: 2 s, growing by a tenth each time.
    expect(world.sleeps.map(Math.round)).toEqual([2000, 2200, 2420]);
    expect(world.waits()).toEqual([
      {
        type: 'retrying',
        what: 'POST /exports/resource',
        attempt: 1,
        delayMs: 2000,
        reason: 'another export of this workspace is running (403)',
      },
      expect.objectContaining({ attempt: 2, delayMs: world.sleeps[1] }),
      expect.objectContaining({ attempt: 3, delayMs: world.sleeps[2] }),
    ]);
    expect(world.events.at(-1)).toMatchObject({ type: 'created', gid: '3000' });
    const [firstWait] = world.waits();
    if (!firstWait) throw new Error('no wait reported');
    expect(new ProgressNarrator().narrate(firstWait).text).toBe(
      'POST /exports/resource: another export of this workspace is running (403); retry 1 in 2s',
    );
  });

  it('gives up with the 403 and a hint once the timeout has run out', async () => {
    const world = fakeWorld([BUSY]);
    const error = await failure(world.create(RESOURCE, { poll: policy(60_000) }));
    expect(error).toBeInstanceOf(AsanaApiError);
    expect(error).toMatchObject({ status: 403, reason: 'export-in-progress' });
    const hint = (error as AsanaApiError).hint;
    expect(hint).toMatch(/Another export of workspace 1500000000000001 kept running/);
    expect(hint).toMatch(/the whole 1m this run waited/);
    expect(hint).toMatch(/Raise the timeout/);
    // The last wait is cut short so the final attempt lands on the deadline, not after it.
    expect(world.now()).toBeCloseTo(60_000);
    expect(world.requests).toHaveLength(world.sleeps.length + 1);
  });

  it('stops waiting when cancelled', async () => {
    const world = fakeWorld([BUSY]);
    const controller = new AbortController();
    const sleep = world.clock.sleep;
    world.clock.sleep = async (ms, signal) => {
      controller.abort();
      await sleep(ms, signal);
    };
    const error = await failure(world.create(RESOURCE, undefined, controller.signal));
    expect(error).toBeInstanceOf(CancelledError);
    expect(world.requests).toHaveLength(1);
  });

  it('does not wait when an earlier attempt of this create may have started the export', async () => {
    // The first attempt's connection breaks after sending: it may be the export now running.
    const world = fakeWorld([new TransportError('POST /exports/resource', 'ECONNRESET'), BUSY]);
    const error = await failure(world.create());
    expect(error).toMatchObject({ status: 403, reason: 'export-in-progress' });
    expect((error as AsanaApiError).hint).toMatch(
      /earlier attempt of this request got no usable answer/,
    );
    expect(world.requests).toHaveLength(2);
    expect(world.waits()).toEqual([]);
  });

  it.each([
    ['organization', { kind: 'organization', organization: '1500000000000002' }],
    ['graph', { kind: 'graph', parent: '1500000000000003' }],
    [
      'resource',
      { kind: 'resource', workspace: '1500000000000004', resources: [{ resourceType: 'task' }] },
    ],
  ] as const)('fails at once on a plain 403 (%s)', async (_kind, input) => {
    const world = fakeWorld([FORBIDDEN, CREATED]);
    const error = await failure(world.create(validateExportRequest(input)));
    expect(error).toMatchObject({ status: 403, reason: 'forbidden' });
    expect(world.requests).toHaveLength(1);
    expect(world.sleeps).toEqual([]);
  });

  it.each([
    ['organization', { kind: 'organization', organization: '1500000000000005' }],
    ['graph', { kind: 'graph', parent: '1500000000000006' }],
  ] as const)('leaves other kinds alone: %s', async (_kind, input) => {
    const world = fakeWorld([BUSY, CREATED]);
    await expect(world.create(validateExportRequest(input))).rejects.toBeInstanceOf(AsanaApiError);
    expect(world.requests).toHaveLength(1);
  });
});

describe('runExport', () => {
  it('counts waiting for the workspace against the same timeout as waiting for the export', async () => {
    const world = fakeWorld([BUSY, BUSY, BUSY, CREATED, job('in_progress')]);
    const error = await failure(
      runExport({
        client: world.client,
        clock: world.clock,
        random: () => 0,
        signal: new AbortController().signal,
        start: { request: RESOURCE },
        poll: policy(10_000),
        source: { open: () => Promise.reject(new Error('nothing to download')) },
        openSink: () => Promise.reject(new Error('nothing to download')),
      }),
    );
    expect(error).toBeInstanceOf(ExportTimeoutError);
    // 6.6 s went to the slot, so the export itself got only the remaining 3.4 s.
    expect(world.sleeps.slice(0, 3).map(Math.round)).toEqual([2000, 2200, 2420]);
    expect(world.now()).toBeCloseTo(10_000);
    expect((error as ExportTimeoutError).message).toMatch(/after 10s/);
  });
});

function policy(timeoutMs: number): PollPolicy {
  return { ...DEFAULT_POLL_POLICY, timeoutMs };
}
