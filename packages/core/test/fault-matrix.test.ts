import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Fault, Sandbox, Scenario } from '@asana-exports/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestSchema } from '../src/protocol/manifest.js';
import { type CliResult, runCli, startTestSandbox, tempDir } from './support/sandbox.js';

/**
 * The fault matrix: each row is something Asana, the object store or the network can do, and
 * the outcome a user of `asana-export run` must see. Every row ends with the same checks: a
 * success leaves exactly the verified file and its manifest (equal to what the store served); a
 * failure leaves nothing under any name; no secret is printed; the token never reached the store.
 */

const CONTENT_BYTES = 4 * 1024 * 1024;
const EXIT = { ok: 0, badInput: 2, refused: 3, failed: 4, timeout: 5 } as const;

interface Row {
  readonly name: string;
  readonly kind?: 'organization' | 'resource' | 'graph';
  readonly scenario?: Partial<Scenario>;
  /** Faults to queue; a function receives the size of the file the store will serve. */
  readonly faults?: readonly Fault[] | ((servedBytes: number) => readonly Fault[]);
  readonly token?: string;
  readonly extraArgs?: readonly string[];
  readonly exit: number;
  readonly stderr?: RegExp;
}

const ROWS: readonly Row[] = [
  {
    name: '429 with Retry-After in seconds',
    faults: [{ route: 'status', status: 429, retryAfter: '1' }],
    exit: EXIT.ok,
  },
  {
    name: '429 with Retry-After as an HTTP date',
    faults: () => [
      { route: 'status', status: 429, retryAfter: new Date(Date.now() + 1500).toUTCString() },
    ],
    exit: EXIT.ok,
  },
  { name: '429 without Retry-After', faults: [{ route: 'create', status: 429 }], exit: EXIT.ok },
  {
    name: 'a burst of 500, 502, 503 and 504',
    faults: [500, 502, 503, 504].map((status) => ({ route: 'status', status }) as const),
    exit: EXIT.ok,
  },
  {
    name: 'a connection reset during a status call',
    faults: [{ route: 'status', reset: 'before-response' }],
    exit: EXIT.ok,
  },
  {
    name: 'the download link expired before the download',
    faults: [{ route: 'download', expireLink: true }],
    exit: EXIT.ok,
  },
  {
    name: 'the download link expiring during the download',
    faults: (bytes) => [
      { route: 'download', reset: 'mid-body', afterBytes: Math.floor(bytes / 3) },
      { route: 'download', expireLink: true },
    ],
    exit: EXIT.ok,
  },
  {
    name: 'a connection reset at 50% of the download',
    faults: (bytes) => [
      { route: 'download', reset: 'mid-body', afterBytes: Math.floor(bytes / 2) },
    ],
    exit: EXIT.ok,
  },
  {
    name: 'an object store that ignores Range',
    scenario: { ignoreRange: true },
    faults: (bytes) => [
      { route: 'download', reset: 'mid-body', afterBytes: Math.floor(bytes / 2) },
    ],
    exit: EXIT.ok,
  },
  {
    name: 'a truncated gzip',
    scenario: { corruption: 'truncated' },
    exit: EXIT.failed,
    stderr: /truncated/,
  },
  {
    name: 'a gzip with a bad CRC',
    scenario: { corruption: 'bad-crc' },
    exit: EXIT.failed,
    stderr: /corrupt/,
  },
  {
    name: 'a line that is not JSON',
    scenario: { corruption: 'not-json' },
    exit: EXIT.failed,
    stderr: /line \d+ is not valid JSON/,
  },
  {
    name: 'organization export in state error',
    kind: 'organization',
    scenario: { outcome: 'fail' },
    exit: EXIT.failed,
    stderr: /^error: Asana reports organization export \d+ as error$/m,
  },
  {
    name: 'job in status failed',
    scenario: { outcome: 'fail' },
    exit: EXIT.failed,
    stderr: /^error: Asana reports graph export job \d+ as failed$/m,
  },
  {
    name: '401: a bad token',
    token: 'not-the-right-token-42',
    exit: EXIT.refused,
    stderr: /answered 401/,
  },
  {
    name: '403: not permitted',
    kind: 'resource',
    faults: [{ route: 'create', status: 403 }],
    exit: EXIT.refused,
    stderr: /answered 403.*permission/,
  },
  {
    name: '403: an export already running',
    kind: 'resource',
    faults: [
      {
        route: 'create',
        status: 403,
        message: 'An export is already in progress for this workspace.',
      },
    ],
    exit: EXIT.refused,
    stderr: /hint: Only one resource export runs per workspace/,
  },
  {
    name: '404 for the gid',
    faults: [{ route: 'status', status: 404 }],
    exit: EXIT.refused,
    stderr: /answered 404/,
  },
  {
    name: 'the timeout is reached',
    scenario: { durationMs: 30_000 },
    extraArgs: ['--timeout', '1s'],
    exit: EXIT.timeout,
    stderr: /hint: The export goes on at Asana/,
  },
];

const TARGET_BY_KIND = {
  organization: ['--organization', '1600000000000001'],
  resource: ['--workspace', '1600000000000002'],
  graph: ['--parent', '1600000000000003'],
} as const;

let sandbox: Sandbox;
let servedBytes: number;
let workspaceCounter = 1600000000000100;

beforeAll(async () => {
  sandbox = await startTestSandbox({ contentBytes: CONTENT_BYTES });
  // Content depends only on the scenario, so a probe export tells the size every row will get.
  const probe = await fetch(`${sandbox.apiUrl}/exports/graph`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ data: { parent: '1600000000000099' } }),
  });
  const { data } = (await probe.json()) as { data: { gid: string } };
  servedBytes = (await sandbox.exportFile(data.gid)).bytes;
});
afterAll(async () => {
  await sandbox.close();
});

async function runRow(row: Row): Promise<{ result: CliResult; out: string }> {
  sandbox.configure({
    durationMs: 200,
    outcome: 'succeed',
    corruption: 'none',
    ignoreRange: false,
    contentBytes: CONTENT_BYTES,
    ...row.scenario,
  });
  const faults = typeof row.faults === 'function' ? row.faults(servedBytes) : (row.faults ?? []);
  for (const fault of faults) sandbox.inject(fault);
  const kind = row.kind ?? 'graph';
  // A workspace of its own per row: resource exports allow one running export per workspace.
  const target =
    kind === 'resource' ? ['--workspace', String(workspaceCounter++)] : TARGET_BY_KIND[kind];
  const out = await tempDir();
  const result = await runCli(
    [
      'run',
      '--kind',
      kind,
      ...target,
      '--out',
      out,
      '--base-url',
      sandbox.apiUrl,
      '--poll-interval',
      '100ms',
      '--poll-max-interval',
      '300ms',
      ...(row.extraArgs ?? []),
    ],
    { ASANA_TOKEN: row.token ?? sandbox.token },
  );
  return { result, out };
}

describe('fault matrix: asana-export run', () => {
  it.each(ROWS.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const { result, out } = await runRow(row);
    expect({ exit: result.code, stderr: result.stderr }).toMatchObject({ exit: row.exit });
    if (row.stderr) expect(result.stderr).toMatch(row.stderr);

    const files = await readdir(out);
    if (row.exit === EXIT.ok) {
      const manifest = manifestSchema.parse(JSON.parse(result.stdout));
      const served = await sandbox.exportFile(manifest.jobGid ?? manifest.exportGid ?? '');
      expect(manifest.file.sha256).toBe(served.sha256);
      expect(manifest.records.total).toBe(served.records);
      expect(files.sort()).toEqual(
        [manifest.file.name, manifest.file.name.replace(/\.jsonl?\.gz$/, '.manifest.json')].sort(),
      );
      const written = await readFile(
        join(out, files.find((name) => name.endsWith('.manifest.json')) ?? ''),
        'utf8',
      );
      expectNoSecrets(written, row);
    } else {
      expect(result.stdout).toBe('');
      expect(files).toEqual([]);
      expect(result.stderr).toMatch(/^error: /m);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    expectNoSecrets(result.stdout + result.stderr, row);
    expect(sandbox.downloadAuthViolations).toEqual([]);
  });
});

function expectNoSecrets(text: string, row: Row) {
  expect(text).not.toContain(sandbox.token);
  if (row.token) expect(text).not.toContain(row.token);
  // Redaction leaves `X-Amz-Signature=***` at most: never a value.
  expect(text).not.toMatch(/X-Amz-(Signature|Credential)=(?!\*\*\*)/i);
}
