/**
 * The fault matrix: everything Asana, its object store or the network can do to an export, each
 * with the outcome a user must see. One table, run by every front end's tests (the CLI, the
 * action's bundle, the n8n node), so a fault handled in one place is handled everywhere.
 */
import { startSandbox } from './index.js';
import type { Fault, RecordedRequest, Scenario } from './types.js';

export type ExportKindName = 'organization' | 'resource' | 'graph';

/**
 * How the core classifies a failure: Asana refused or answered nonsense, the download host did,
 * the export failed, the file is corrupt, time ran out, the user's input is unusable.
 */
export type FailureCategory =
  | 'api'
  | 'download'
  | 'export-failed'
  | 'integrity'
  | 'timeout'
  | 'input';

/** What the user sees, whatever the front end: the export arrives intact, or a failure of this kind. */
export type FaultOutcome =
  | { readonly type: 'success' }
  | {
      readonly type: 'failure';
      readonly category: FailureCategory;
      /** What the message must say. */
      readonly message: RegExp;
      /**
       * The export goes on at Asana and the message says how to pick it up; once the fault is
       * gone, doing what it says delivers the export intact.
       */
      readonly resumable?: boolean;
      /** Nothing reached Asana: the input was refused first. */
      readonly noRequest?: boolean;
    };

/** The waits a row sets, in milliseconds and bytes per second; each front end spells them its way. */
export interface RowLimits {
  /** The whole run: create, wait and download (`--timeout`, `timeout-minutes`, Timeout). */
  readonly timeoutMs?: number;
  /** How long an answer may take to start (`--request-timeout`). */
  readonly requestTimeoutMs?: number;
  /** How long a download may crawl or stay silent (`--stall-timeout`). */
  readonly stallTimeoutMs?: number;
  /** The speed below which it crawls (`--min-speed`). */
  readonly minSpeed?: number;
}

/** What a row's faults may depend on: the file its scenario makes the store serve. */
export interface ServedFile {
  readonly bytes: number;
  /** Where each gzip member starts (see `Scenario.layout`). */
  readonly memberOffsets: readonly number[];
}

export interface FaultRow {
  readonly name: string;
  /** The export kind the row runs; graph when not said. */
  readonly kind?: ExportKindName;
  readonly scenario?: Partial<Scenario>;
  /** Faults to queue before the run; a function receives the file the row's scenario serves. */
  readonly faults?: readonly Fault[] | ((served: ServedFile) => readonly Fault[]);
  /** Use this token instead of the sandbox's (a bad one). */
  readonly token?: string;
  readonly limits?: RowLimits;
  readonly outcome: FaultOutcome;
  /** What the sandbox's request log must also show: the problems found, none when it does. */
  readonly checkRequests?: (requests: readonly RecordedRequest[]) => readonly string[];
}

/** The uncompressed size of every row's export: big enough to interrupt mid-transfer. */
export const FAULT_MATRIX_CONTENT_BYTES = 4 * 1024 * 1024;

/**
 * How long one row may take through one front end. A fault on every try exhausts the retry
 * budget (6 tries): its full-jitter waits add up to at most 1+2+4+8+16 = 31 s, plus each try's
 * own limit, so a row can rightly take over 30 s ("a download that crawls on every try" took
 * 18.5 s alone and timed out at 30 s once under CI's load).
 */
export const FAULT_ROW_TIME_LIMIT_MS = 60_000;

/**
 * Text a hostile answer carries: a terminal escape and a line that would be a workflow command of
 * GitHub's if it reached the log raw. `findRawControls` finds either in what a user sees.
 */
const FORGED = '\u001b[2J\r\n::error::forged by the answer\u0007';

const SUCCESS: FaultOutcome = { type: 'success' };
const failure = (
  category: FailureCategory,
  message: RegExp,
  more: { resumable?: boolean; noRequest?: boolean } = {},
) => ({ type: 'failure', category, message, ...more }) as const;

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
    faults: ({ bytes }) => [
      { route: 'download', reset: 'mid-body', afterBytes: Math.floor(bytes / 3) },
      { route: 'download', expireLink: true },
    ],
    outcome: SUCCESS,
  },
  {
    name: 'a connection reset at 50% of the download',
    faults: ({ bytes }) => [
      { route: 'download', reset: 'mid-body', afterBytes: Math.floor(bytes / 2) },
    ],
    outcome: SUCCESS,
  },
  {
    name: 'an object store that ignores Range',
    scenario: { ignoreRange: true },
    faults: ({ bytes }) => [
      { route: 'download', reset: 'mid-body', afterBytes: Math.floor(bytes / 2) },
    ],
    outcome: SUCCESS,
  },
  {
    name: 'a truncated gzip',
    scenario: { corruption: 'truncated' },
    outcome: failure('integrity', /truncated/, { resumable: true }),
  },
  {
    name: 'a gzip with a bad CRC',
    scenario: { corruption: 'bad-crc' },
    outcome: failure('integrity', /corrupt/, { resumable: true }),
  },
  {
    name: 'a line that is not JSON',
    scenario: { corruption: 'not-json' },
    outcome: failure('integrity', /line \d+ is not valid JSON/, { resumable: true }),
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
    scenario: { durationMs: 4000 },
    limits: { timeoutMs: 1000 },
    outcome: failure('timeout', /\d+/, { resumable: true }),
  },

  // Answers that lie: every value from Asana is checked before it names a file or a URL.
  {
    name: 'a create answer whose gid is a path',
    faults: [{ route: 'create', rewrite: { 'data.gid': '1/../../../tmp/x' } }],
    outcome: failure('api', /201 to POST \/\S+ that cannot be used: data\.gid is not a gid/),
  },
  {
    name: 'a final organization status whose gid is a path',
    kind: 'organization',
    faults: [{ route: 'status', final: true, rewrite: { 'data.gid': '..\\..\\x' } }],
    outcome: failure('api', /200 to GET \/\S+ that cannot be used: data\.gid is not a gid/, {
      resumable: true,
    }),
  },
  {
    name: "a final status whose export's own gid is a path",
    faults: [{ route: 'status', final: true, rewrite: { 'data.new_graph_export.gid': '../../x' } }],
    outcome: failure('api', /data\.new_graph_export\.gid is not a gid/, { resumable: true }),
  },
  {
    name: 'a status answer about another job',
    faults: [{ route: 'status', rewrite: { 'data.gid': '1600000000009999' } }],
    outcome: failure('api', /it describes .*1600000000009999, not \d+, which was asked for/, {
      resumable: true,
    }),
  },
  {
    name: 'finished without a download link, then with one',
    faults: [
      { route: 'status', final: true, rewrite: { 'data.new_graph_export.download_url': null } },
    ],
    outcome: SUCCESS,
  },
  {
    name: 'a download link that is a local file',
    faults: [
      {
        route: 'status',
        final: true,
        rewrite: { 'data.new_graph_export.download_url': 'file:///etc/passwd' },
      },
    ],
    outcome: failure('api', /download_url is not an http\(s\) link \(it is a file: link\)/, {
      resumable: true,
    }),
  },
  {
    name: 'a state with a terminal escape and a forged workflow command',
    faults: [{ route: 'status', times: 2, rewrite: { 'data.status': `in_progress${FORGED}` } }],
    outcome: SUCCESS,
  },
  {
    name: 'a 404 whose message carries control characters',
    faults: [{ route: 'status', status: 404, message: `Not found.${FORGED}` }],
    outcome: failure('api', /404 to GET .*: Not found\./),
  },
  {
    name: '403: an export already running, with Retry-After',
    kind: 'resource',
    faults: [
      {
        route: 'create',
        status: 403,
        retryAfter: '1',
        message: 'An export is already in progress for this workspace.',
      },
    ],
    outcome: SUCCESS,
  },
  {
    name: 'a status answer cut short',
    faults: [{ route: 'status', garble: 'truncated-json' }],
    outcome: SUCCESS,
  },
  {
    name: "a proxy's HTML page for a status",
    faults: [{ route: 'status', times: 2, garble: 'html' }],
    outcome: SUCCESS,
  },
  {
    // A repeat create joins the running job, so asking again is safe.
    name: 'a graph create answer cut short',
    faults: [{ route: 'create', garble: 'truncated-json' }],
    outcome: SUCCESS,
  },
  {
    // A repeat create would start a second export: not asked again, and the user is told why.
    name: 'an organization create answer cut short',
    kind: 'organization',
    faults: [{ route: 'create', garble: 'truncated-json' }],
    outcome: failure(
      'api',
      /201 to POST \/organization_exports that cannot be used: the body is not JSON/,
    ),
  },

  // Objects that change: a resume must never splice two versions into one valid-looking file.
  ...(
    [
      ['honour', 'If-Range honoured'],
      ['ignore', 'If-Range ignored (as S3 does)'],
    ] as const
  ).map(
    ([ifRange, how]): FaultRow => ({
      name: `the object changes at a gzip member boundary, ${how}`,
      scenario: { layout: 'members', ifRange },
      faults: ({ memberOffsets }) => [
        { route: 'download', reset: 'mid-body', afterBytes: middleOf(memberOffsets) },
        { route: 'download', changeObject: true },
      ],
      outcome: SUCCESS,
      checkRequests: servedWhole(2),
    }),
  ),

  // Networks that stall: every wait is bounded, and the bound is the user's to set.
  {
    name: 'a download that crawls once',
    faults: [{ route: 'download', drip: { afterBytes: 65_536, bytes: 64, everyMs: 100 } }],
    limits: { stallTimeoutMs: 1000 },
    outcome: SUCCESS,
  },
  {
    name: 'a download that crawls until the timeout',
    faults: [
      { route: 'download', times: 50, drip: { afterBytes: 65_536, bytes: 64, everyMs: 100 } },
    ],
    limits: { timeoutMs: 3000 },
    outcome: failure('timeout', /while downloading .*\(\d.* downloaded\)/, { resumable: true }),
  },
  {
    name: 'a download that crawls on every try',
    faults: [{ route: 'download', times: 50, drip: { afterBytes: 0, bytes: 64, everyMs: 100 } }],
    limits: { stallTimeoutMs: 500 },
    outcome: failure('download', /below the minimum of 1024 bytes\/s/, { resumable: true }),
  },
  {
    name: 'a status request that never answers, once',
    faults: [{ route: 'status', hang: true }],
    limits: { requestTimeoutMs: 1000 },
    outcome: SUCCESS,
  },
  {
    name: 'Asana stops answering, until the timeout',
    faults: [{ route: 'status', times: 50, hang: true }],
    limits: { requestTimeoutMs: 500, timeoutMs: 3000 },
    outcome: failure('timeout', /Gave up .*3s/, { resumable: true }),
  },
  {
    name: 'a Retry-After longer than the time left',
    faults: [{ route: 'status', status: 429, retryAfter: '3600' }],
    limits: { timeoutMs: 5000 },
    outcome: failure('timeout', /asked to wait 1h .*Retry-After/, { resumable: true }),
  },

  // Redirects: followed by hand, to http(s) only, a few times, never with the token.
  {
    name: 'a temporary redirect to a regional host (307)',
    faults: [{ route: 'download', redirect: 307 }],
    outcome: SUCCESS,
    checkRequests: servedBy('regional'),
  },
  {
    name: 'a permanent redirect to a regional host (301)',
    faults: [{ route: 'download', redirect: 301 }],
    outcome: SUCCESS,
    checkRequests: servedBy('regional'),
  },
  {
    name: 'a redirect loop',
    faults: [{ route: 'download', times: 20, redirect: 302 }],
    outcome: failure('download', /redirected the download more than 5 times/, { resumable: true }),
  },
  {
    name: 'a redirect to a local file',
    faults: [{ route: 'download', redirect: 302, location: 'file:///etc/passwd' }],
    outcome: failure('download', /to a link that is not an http\(s\) link/, { resumable: true }),
  },

  // Content that is legal but huge, or broken where no line reader would look.
  {
    name: 'a valid 64 MiB line',
    scenario: { corruption: 'long-line' },
    outcome: SUCCESS,
  },
  {
    name: 'a 64 MiB line broken at its very end',
    scenario: { corruption: 'long-broken-line' },
    outcome: failure('integrity', /line \d+ is not valid JSON/, { resumable: true }),
  },

  // Input: found before anything is sent.
  {
    name: 'a token with a line break',
    token: 'not-a-token\nX-Injected: 1',
    outcome: failure('input', /line break/, { noRequest: true }),
  },
];

/** The last download served the whole of this version of the object: a 200, never a splice. */
function servedWhole(version: number) {
  return (requests: readonly RecordedRequest[]): string[] => {
    const last = requests.filter((request) => request.origin === 'download').at(-1);
    return last?.status === 200 && last.version === version
      ? []
      : [`the last download is ${JSON.stringify(last)}, not version ${version} whole`];
  };
}

/** The download that succeeded came from this host. */
function servedBy(host: 'primary' | 'regional') {
  return (requests: readonly RecordedRequest[]): string[] => {
    const last = requests.filter((request) => request.origin === 'download').at(-1);
    return last?.status === 200 && last.host === host
      ? []
      : [`the last download is ${JSON.stringify(last)}, not a 200 from the ${host} host`];
  };
}

/** A member boundary near the middle of the file: where a spliced file would still be valid. */
function middleOf(memberOffsets: readonly number[]): number {
  const offset = memberOffsets[Math.floor(memberOffsets.length / 2)];
  if (offset === undefined || offset === 0) {
    throw new Error('the row needs a file of several gzip members (layout: members)');
  }
  return offset;
}

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

/** The faults to queue for a row, given the files the rows' scenarios serve. */
export function faultsOf(row: FaultRow, served: ServedFiles): readonly Fault[] {
  return typeof row.faults === 'function' ? row.faults(served(row)) : (row.faults ?? []);
}

/** The file each row's scenario serves, for rows whose faults depend on it. */
export type ServedFiles = (row: FaultRow) => ServedFile;

/**
 * The files the rows' exports serve. Content depends only on the scenario, so one probe export
 * per distinct scenario tells it (and fills the content cache before the rows start).
 */
export async function probeServedFiles(options: { cacheDir?: string } = {}): Promise<ServedFiles> {
  const byScenario = new Map<string, ServedFile>();
  const probe = await startSandbox(options);
  try {
    for (const row of FAULT_ROWS) {
      const key = JSON.stringify(scenarioOf(row));
      if (typeof row.faults !== 'function' || byScenario.has(key)) continue;
      probe.configure(scenarioOf(row));
      // A parent of its own per probe: a graph export of a parent already exporting is that one.
      const parent = String(1_600_000_000_000_900 + byScenario.size);
      const file = await probe.exportFile(await probe.startExport({ parent }));
      byScenario.set(key, { bytes: file.bytes, memberOffsets: file.memberOffsets });
    }
  } finally {
    await probe.close();
  }
  return (row) => {
    const file = byScenario.get(JSON.stringify(scenarioOf(row)));
    if (file === undefined) throw new Error(`no probe for the scenario of "${row.name}"`);
    return file;
  };
}

/**
 * Terminal controls and forged workflow commands in text a user can see: what `printable` must
 * have neutralised before any answer's text reached a log, an error or a summary.
 */
export function findRawControls(text: string): string[] {
  const found: string[] = [];
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are the subject.
  const control = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.exec(text);
  if (control) found.push(`U+${control[0].codePointAt(0)?.toString(16).padStart(4, '0')}`);
  if (/^::error::forged/m.test(text)) found.push('a line that starts ::error::forged');
  return found;
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
