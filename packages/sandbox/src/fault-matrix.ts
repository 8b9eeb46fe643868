/**
 * The fault matrix: everything Asana, its object store or the network can do to an export, each
 * with the outcome a user must see. One table, run by every front end's tests (the CLI, the
 * action's bundle, the n8n node), so a fault handled in one place is handled everywhere.
 */
import { startSandbox } from './index.js';
import type { Fault, Scenario } from './types.js';

export type ExportKindName = 'organization' | 'resource' | 'graph';

/** What the user sees, whatever the front end: the export arrives intact, or a failure of this kind. */
export type FaultOutcome =
  | { readonly type: 'success' }
  | {
      readonly type: 'failure';
      /** As the core classifies it: Asana refused, the export failed, the file is corrupt, time ran out. */
      readonly category: 'api' | 'export-failed' | 'integrity' | 'timeout';
      /** What the message must say. */
      readonly message: RegExp;
    };

export interface FaultRow {
  readonly name: string;
  /** The export kind the row runs; graph when not said. */
  readonly kind?: ExportKindName;
  readonly scenario?: Partial<Scenario>;
  /** Faults to queue before the run; a function receives the size of the file the store serves. */
  readonly faults?: readonly Fault[] | ((servedBytes: number) => readonly Fault[]);
  /** Use this token instead of the sandbox's (a bad one). */
  readonly token?: string;
  /** Give up waiting after this long. */
  readonly timeoutMs?: number;
  readonly outcome: FaultOutcome;
}

/** The uncompressed size of every row's export: big enough to interrupt mid-transfer. */
export const FAULT_MATRIX_CONTENT_BYTES = 4 * 1024 * 1024;

const SUCCESS: FaultOutcome = { type: 'success' };
const failure = (category: 'api' | 'export-failed' | 'integrity' | 'timeout', message: RegExp) =>
  ({ type: 'failure', category, message }) as const;

export const FAULT_ROWS: readonly FaultRow[] = [
  {
    name: '429 with Retry-After in seconds',
    faults: [{ route: 'status', status: 429, retryAfter: '1' }],
    outcome: SUCCESS,
  },
  {
    name: '429 with Retry-After as an HTTP date',
    faults: () => [
      { route: 'status', status: 429, retryAfter: new Date(Date.now() + 1500).toUTCString() },
    ],
    outcome: SUCCESS,
  },
  { name: '429 without Retry-After', faults: [{ route: 'create', status: 429 }], outcome: SUCCESS },
  {
    name: 'a burst of 500, 502, 503 and 504',
    faults: [500, 502, 503, 504].map((status) => ({ route: 'status', status }) as const),
    outcome: SUCCESS,
  },
  {
    name: 'a connection reset during a status call',
    faults: [{ route: 'status', reset: 'before-response' }],
    outcome: SUCCESS,
  },
  {
    name: 'the download link expired before the download',
    faults: [{ route: 'download', expireLink: true }],
    outcome: SUCCESS,
  },
  {
    name: 'the download link expiring during the download',
    faults: (bytes) => [
      { route: 'download', reset: 'mid-body', afterBytes: Math.floor(bytes / 3) },
      { route: 'download', expireLink: true },
    ],
    outcome: SUCCESS,
  },
  {
    name: 'a connection reset at 50% of the download',
    faults: (bytes) => [
      { route: 'download', reset: 'mid-body', afterBytes: Math.floor(bytes / 2) },
    ],
    outcome: SUCCESS,
  },
  {
    name: 'an object store that ignores Range',
    scenario: { ignoreRange: true },
    faults: (bytes) => [
      { route: 'download', reset: 'mid-body', afterBytes: Math.floor(bytes / 2) },
    ],
    outcome: SUCCESS,
  },
  {
    name: 'a truncated gzip',
    scenario: { corruption: 'truncated' },
    outcome: failure('integrity', /truncated/),
  },
  {
    name: 'a gzip with a bad CRC',
    scenario: { corruption: 'bad-crc' },
    outcome: failure('integrity', /corrupt/),
  },
  {
    name: 'a line that is not JSON',
    scenario: { corruption: 'not-json' },
    outcome: failure('integrity', /line \d+ is not valid JSON/),
  },
  {
    name: 'organization export in state error',
    kind: 'organization',
    scenario: { outcome: 'fail' },
    outcome: failure('export-failed', /Asana reports organization export \d+ as error/),
  },
  {
    name: 'job in status failed',
    scenario: { outcome: 'fail' },
    outcome: failure('export-failed', /Asana reports graph export job \d+ as failed/),
  },
  {
    name: '401: a bad token',
    token: 'not-the-right-token-42',
    outcome: failure('api', /401/),
  },
  {
    name: '403: not permitted',
    kind: 'resource',
    faults: [{ route: 'create', status: 403 }],
    outcome: failure('api', /403.*permission/),
  },
  {
    // One export runs per workspace: the client waits for the running one to end, then starts.
    name: '403: an export already running, then the workspace is free',
    kind: 'resource',
    faults: [
      {
        route: 'create',
        status: 403,
        message: 'An export is already in progress for this workspace.',
      },
    ],
    outcome: SUCCESS,
  },
  {
    name: '404 for the gid',
    faults: [{ route: 'status', status: 404 }],
    outcome: failure('api', /404/),
  },
  {
    name: 'the timeout is reached',
    scenario: { durationMs: 30_000 },
    timeoutMs: 1000,
    outcome: failure('timeout', /\d+/),
  },
];

/** Resource exports allow one running export per workspace: every row gets its own. */
let nextTarget = 1_600_000_000_000_100;
export function freshTargetGid(): string {
  nextTarget++;
  return String(nextTarget);
}

/** The scenario every row starts from; a row's own `scenario` overrides it. */
export const FAULT_MATRIX_SCENARIO: Partial<Scenario> = {
  durationMs: 200,
  outcome: 'succeed',
  corruption: 'none',
  ignoreRange: false,
  contentBytes: FAULT_MATRIX_CONTENT_BYTES,
};

/** The row's scenario, on top of the matrix's defaults. */
export function scenarioOf(row: FaultRow): Partial<Scenario> {
  return { ...FAULT_MATRIX_SCENARIO, ...row.scenario };
}

/** The faults to queue for a row, given the size of the file the store serves. */
export function faultsOf(row: FaultRow, servedBytes: number): readonly Fault[] {
  return typeof row.faults === 'function' ? row.faults(servedBytes) : (row.faults ?? []);
}

/**
 * The size of the file every row's export serves. Content depends only on the scenario, so one
 * probe export tells it (and fills the content cache before the rows start).
 */
export async function probeServedBytes(options: { cacheDir?: string } = {}): Promise<number> {
  const probe = await startSandbox({ ...options, scenario: FAULT_MATRIX_SCENARIO });
  try {
    const gid = await probe.startExport({ parent: '1600000000000099' });
    return (await probe.exportFile(gid)).bytes;
  } finally {
    await probe.close();
  }
}

/**
 * Secrets found in text a user can see (logs, errors, outputs, summaries, manifests): any of the
 * given tokens, and any presigned-URL credential value (redaction leaves `X-Amz-Signature=***`).
 */
export function findSecrets(text: string, tokens: readonly (string | undefined)[]): string[] {
  const found = tokens.filter(
    (token): token is string => token !== undefined && token !== '' && text.includes(token),
  );
  const signature = /X-Amz-(Signature|Credential)=(?!\*\*\*)[^&\s"']*/i.exec(text);
  return signature ? [...found, signature[0]] : found;
}
