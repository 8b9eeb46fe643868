import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sandbox, Scenario } from '@asana-exports/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runExportToFile } from '../src/node/run-to-file.js';
import { CancelledError, IntegrityError } from '../src/protocol/errors.js';
import type { StallPolicy } from '../src/protocol/limits.js';
import { validateExportRequest } from '../src/protocol/params.js';
import {
  expectIntactFile,
  listFiles,
  QUICK_POLL,
  type RecordingRuntime,
  runtimeFor,
  startTestSandbox,
  tempDir,
} from './support/sandbox.js';

let sandbox: Sandbox;
let runtime: RecordingRuntime;
let parentGid = 1400000000000000;

beforeAll(async () => {
  sandbox = await startTestSandbox({ contentBytes: 8 * 1024 * 1024 });
});
afterAll(async () => {
  await sandbox.close();
});
afterEach(async () => {
  await runtime?.close();
  expect(sandbox.downloadAuthViolations).toEqual([]);
  sandbox.configure({ corruption: 'none', ignoreRange: false, linkTtlSeconds: 300 });
});

/** Runs a graph export end to end with the Node adapter; faults are injected before the call. */
async function exportOnce(
  scenario: Partial<Scenario> = {},
  signal = AbortSignal.timeout(30_000),
  stall?: StallPolicy,
) {
  sandbox.configure(scenario);
  runtime = runtimeFor(sandbox);
  const out = await tempDir();
  parentGid++;
  const run = runExportToFile({
    runtime,
    start: { request: validateExportRequest({ kind: 'graph', parent: String(parentGid) }) },
    outDir: out,
    signal,
    poll: QUICK_POLL,
    ...(stall ? { stall } : {}),
    onProgress: (event) => runtime.events.push(event),
  });
  return { out, run };
}

function resumeOffset(range: string | undefined): number {
  const match = /^bytes=(\d+)-$/.exec(range ?? '');
  return match ? Number(match[1]) : -1;
}

const downloads = () => sandbox.requests.filter((request) => request.origin === 'download');

describe('downloads', () => {
  it('resumes with Range from exactly the bytes kept when a transfer stalls', async () => {
    // The connection stays open after 300,000 bytes, so every one of them is surely consumed.
    sandbox.inject({ route: 'download', stall: 'mid-body', afterBytes: 300_000 });
    const before = downloads().length;
    const { run } = await exportOnce({}, undefined, { windowMs: 300, minBytesPerSecond: 0 });
    const result = await run;
    await expectIntactFile(sandbox, result);
    const attempts = downloads().slice(before);
    expect(attempts.map((request) => [request.range, request.status])).toEqual([
      [undefined, 200],
      ['bytes=300000-', 206],
    ]);
  });

  it('after a connection reset half way, resumes from the bytes it kept', async () => {
    sandbox.inject({ route: 'download', reset: 'mid-body', afterBytes: 300_000 });
    const before = downloads().length;
    const { run } = await exportOnce();
    const result = await run;
    await expectIntactFile(sandbox, result);
    const attempts = downloads().slice(before);
    expect(attempts).toHaveLength(2);
    expect(attempts[0]?.range).toBeUndefined();
    // From the last byte it consumed: at most what the store sent before the reset. Bytes still
    // buffered when the connection broke are lost with it (how many depends on timing), and when
    // that is all of them the download starts over, without Range.
    const offset = resumeOffset(attempts[1]?.range);
    if (offset === -1) {
      expect(attempts[1]?.status).toBe(200);
    } else {
      expect(offset).toBeGreaterThan(0);
      expect(offset).toBeLessThanOrEqual(300_000);
      expect(attempts[1]?.status).toBe(206);
    }
  });

  it('starts over, still correct, when the store ignores Range', async () => {
    sandbox.inject({ route: 'download', reset: 'mid-body', afterBytes: 300_000 });
    const before = downloads().length;
    const { run } = await exportOnce({ ignoreRange: true });
    const result = await run;
    await expectIntactFile(sandbox, result);
    const attempts = downloads().slice(before);
    expect(attempts.map((attempt) => attempt.status)).toEqual([200, 200]);
    expect(resumeOffset(attempts[1]?.range)).toBeGreaterThan(0);
  });

  it('fetches a fresh link when the first has expired, before and during the transfer', async () => {
    sandbox.inject({ route: 'download', expireLink: true });
    sandbox.inject({ route: 'download', reset: 'mid-body', afterBytes: 500_000 });
    sandbox.inject({ route: 'download', expireLink: true });
    const before = sandbox.requests.length;
    const { run } = await exportOnce();
    const result = await run;
    await expectIntactFile(sandbox, result);
    // After the first download attempt, each expired link cost one status request for a new link.
    const requests = sandbox.requests.slice(before);
    const firstDownload = requests.findIndex((request) => request.origin === 'download');
    const later = requests.slice(firstDownload);
    expect(later.filter((request) => request.origin === 'api')).toHaveLength(2);
    expect(later.filter((request) => request.origin === 'download').map((r) => r.status)).toEqual([
      403, 200, 403, 206,
    ]);
  });

  it('gives up on links that keep expiring, and keeps nothing', async () => {
    sandbox.inject({ route: 'download', expireLink: true, times: 4 });
    const { out, run } = await exportOnce();
    await expect(run).rejects.toMatchObject({ status: 403 });
    expect(await listFiles(out)).toEqual([]);
  });

  it.each([
    ['truncated', /truncated/],
    ['bad-crc', /corrupt/],
    ['not-json', /line \d+ is not valid JSON/],
  ] as const)(
    'rejects a %s file and leaves no file under any name',
    async (corruption, message) => {
      const { out, run } = await exportOnce({ corruption });
      const error = await run.catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(IntegrityError);
      expect((error as Error).message).toMatch(message);
      expect(await listFiles(out)).toEqual([]);
    },
  );

  it('cancels mid-transfer, keeping the bytes so far hidden for a resume, and unlocked', async () => {
    const controller = new AbortController();
    sandbox.inject({ route: 'download', stall: 'mid-body', afterBytes: 200_000 });
    const { out, run } = await exportOnce({}, controller.signal);
    const started = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (runtime.events.some((event) => event.type === 'downloading')) {
          clearInterval(timer);
          resolve();
        }
      }, 10);
    });
    await started;
    controller.abort();
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    const files = await listFiles(out);
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^\.asana-graph-export-\d+\.jsonl\.gz\.partial$/);
    expect(files[1]).toBe(`${files[0]}.json`);
    expect((await stat(join(out, files[0] ?? ''))).size).toBeGreaterThan(0);
  });

  it('writes the manifest beside the file, last', async () => {
    const { out, run } = await exportOnce();
    const result = await run;
    expect(await listFiles(out)).toEqual(
      [result.manifest.file.name, result.manifestPath.split('/').at(-1)].sort(),
    );
    const manifest = JSON.parse(
      await readFile(join(out, result.manifestPath.split('/').at(-1) ?? ''), 'utf8'),
    );
    expect(manifest).toEqual(result.manifest);
  });
});
