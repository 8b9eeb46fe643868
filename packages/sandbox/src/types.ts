import type { RevisionChanges } from './revisions.js';

/**
 * The sandbox's public vocabulary. Kept apart from the implementation so that tests, the CLI and
 * other packages can import the shapes without pulling in servers.
 */

export interface SandboxOptions {
  /** The accepted bearer token. Default `sandbox-token`. */
  token?: string;
  /** Interface both servers listen on. Default `127.0.0.1`. */
  host?: string;
  /** Port of the API origin. Default 0 (a free port). */
  apiPort?: number;
  /** Port of the download origin. Default 0 (a free port). */
  downloadPort?: number;
  /** Port of the regional download origin that `redirect` faults point at. Default 0 (a free port). */
  regionalDownloadPort?: number;
  /** Where generated export files are cached. Default `join(os.tmpdir(), 'asana-exports-sandbox')`. */
  cacheDir?: string;
  /** Defaults for exports created from now on. */
  scenario?: Partial<Scenario>;
  /** Called once per recorded request, when its response is over (used by the CLI's log). */
  onRequest?: (request: RecordedRequest) => void;
}

export interface Scenario {
  /** Time from create until the export reaches its final state. Default 1500. */
  durationMs: number;
  /** `fail` ends in state `error` (organization) or status `failed` (jobs). Default `succeed`. */
  outcome: 'succeed' | 'fail';
  /**
   * Approximate uncompressed size of the workspace's records. The file of an unfiltered export is
   * about this size; fields and filters make it smaller, as they would of a real workspace.
   * Default 256 KiB.
   */
  contentBytes: number;
  /**
   * Content is a pure function of (kind, resource types, contentBytes, seed, corruption, layout,
   * longLineBytes for the long-line corruptions, revision, the object's version, and for resource
   * exports the request's fields and filters). The records generated depend on the resource types,
   * not on the fields and filters: those pick which of them the file shows and how. Default 1.
   */
  seed: number;
  /** Presigned URLs expire this long after the status response that carried them. Default 300. */
  linkTtlSeconds: number;
  /** How the served file is damaged. Default `none`. */
  corruption: Corruption;
  /**
   * The download host answers 200 with the whole file even when `Range` is sent. Wins over
   * `ifRange`. Default false.
   */
  ignoreRange: boolean;
  /**
   * `honour` (RFC 9110 §13.1.5): a `Range` with an `If-Range` that is not exactly the current
   * strong ETag or Last-Modified date gets the whole object (200). `ignore`, as Amazon S3 does:
   * `If-Range` is disregarded and the range is served from whatever the object now is, with its
   * new ETag and size. Matters once a `changeObject` fault has replaced an object. Default `honour`.
   */
  ifRange: 'honour' | 'ignore';
  /**
   * `single`: one gzip member, default compression. `members`: one gzip member per ~256 KiB of
   * uncompressed content, each stored uncompressed (level 0), so member sizes depend only on
   * content lengths, and every version of an object has its member boundaries at the same
   * offsets (see `ExportFileInfo.memberOffsets`). Default `single`.
   */
  layout: ContentLayout;
  /**
   * Length in bytes of the long string field of the `long-line` and `long-broken-line`
   * corruptions (at least 1). Default 64 MiB.
   */
  longLineBytes: number;
  /**
   * The state of the workspace the export is made of: 0, or a later revision of the same records
   * with some removed, edited and added and a custom field renamed (see `revisions.ts`), so two
   * exports of one target differ in known ways. Default 0.
   */
  revision: number;
  /**
   * How much a revision after 0 changes: `many` (the shares in `revisions.ts`, with the custom
   * field renamed on every task that has it: about a third of the records change) or `few` (the
   * shares of `FEW_EDITS`, nothing renamed: about 1% change, as a day of a real workspace might).
   * Default `many`.
   */
  revisionEdits: RevisionEdits;
}

export type RevisionEdits = 'many' | 'few';

/**
 * How the served file is damaged:
 * - `truncated`: valid gzip cut short by about 10%.
 * - `bad-crc`: the whole stream, with a wrong CRC32 in the (last member's) trailer.
 * - `not-json`: one line in the middle stops halfway, so it is not JSON.
 * - `long-line`: one record in the middle is a valid JSON object with a proper `resource_type`
 *   and a string field `long_text` of `longLineBytes` bytes, on top of `contentBytes` of ordinary
 *   records. Highly compressible: with `layout: 'single'` 64 MiB compress to well under 1 MB.
 * - `long-broken-line`: the same line, with its closing brace replaced by a comma, so it is
 *   invalid JSON only at its very end. Counted in `records`, not in `byResourceType`.
 *
 * The long-line corruptions apply to JSON Lines exports (resource and graph); organization exports
 * accept them and are served intact.
 */
export type Corruption =
  | 'none'
  | 'truncated'
  | 'bad-crc'
  | 'not-json'
  | 'long-line'
  | 'long-broken-line';

/** How an export file is split into gzip members; see `Scenario.layout`. */
export type ContentLayout = 'single' | 'members';

export type FaultRoute = 'create' | 'status' | 'download';

/** The statuses a `redirect` fault may answer with. */
export type RedirectStatus = 301 | 302 | 303 | 307 | 308;

/** How an API answer is garbled: cut in half, or replaced by a proxy's HTML page. */
export type Garble = 'truncated-json' | 'html';

/** The pace of a `drip` fault: `afterBytes` at full speed, then `bytes` every `everyMs`. */
export interface DripPace {
  /** Body bytes sent at full speed first (counted from the start of a ranged body); >= 0. */
  afterBytes: number;
  /** Body bytes sent per tick afterwards; >= 1. */
  bytes: number;
  /** Milliseconds between ticks; >= 1. */
  everyMs: number;
}

/**
 * Something to go wrong for the next request(s) on a route. `times` defaults to 1; faults of a
 * route are consumed one request at a time in the order injected, and a request suffers at most
 * one fault.
 */
export type Fault =
  /** Answer with this status and the host's error body; `retryAfter` is sent verbatim. */
  | { route: FaultRoute; times?: number; status: number; retryAfter?: string; message?: string }
  /** Destroy the socket without answering, before doing anything. */
  | { route: FaultRoute; times?: number; reset: 'before-response' }
  /** Do the work (e.g. create the export), then destroy the socket instead of answering. */
  | { route: 'create' | 'status'; times?: number; reset: 'after-processing' }
  /** Send the headers and `afterBytes` bytes of body, then close the connection. */
  | { route: 'download'; times?: number; reset: 'mid-body'; afterBytes: number }
  /** Send the headers and `afterBytes` bytes of body, then send nothing more, keeping it open. */
  | { route: 'download'; times?: number; stall: 'mid-body'; afterBytes: number }
  /** Answer as S3 does for an expired presigned URL (403 and XML). */
  | { route: 'download'; times?: number; expireLink: true }
  /**
   * Handle the request normally (a create does create the export), then, in the JSON answer,
   * set each dotted path of `rewrite` (`data.gid`, `data.new_graph_export.download_url`, ...) to
   * its JSON value: `null` sets null, missing objects on the way are created. Paths are
   * dot-separated identifiers. With `final: true` only an answer describing an export in its
   * final state (finished, error, succeeded, failed) suffers it: while such a fault heads its
   * route's queue, other answers pass unharmed and leave it, and the faults behind it, queued.
   */
  | {
      route: 'create' | 'status';
      times?: number;
      rewrite: Record<string, unknown>;
      final?: boolean;
    }
  /**
   * Handle the request normally (a create does create the export), then answer its status with
   * a broken body: `truncated-json` sends the first half of the JSON (Content-Length matching),
   * `html` a proxy's HTML page as `text/html`.
   */
  | { route: 'create' | 'status'; times?: number; garble: Garble }
  /**
   * Read the request, then never send a byte, keeping the connection open until the client
   * gives up or the sandbox closes. A create does not create the export. Logged with status 0.
   */
  | { route: FaultRoute; times?: number; hang: true }
  /** Validate and serve normally, but send the body at the pace of `drip` (see `DripPace`). */
  | { route: 'download'; times?: number; drip: DripPace }
  /**
   * Answer `redirect` with a `Location` and S3's XML body. `regional` (the default) is the same
   * path and signed query string on `Sandbox.regionalDownloadOrigin`; any other string is sent
   * verbatim. The request that follows is a new one, which may consume the next download fault.
   */
  | { route: 'download'; times?: number; redirect: RedirectStatus; location?: 'regional' | string }
  /**
   * Replace the requested object by its next version, then serve the request normally from it.
   * Version n differs from version n - 1 in bytes, SHA-256, ETag and Last-Modified (by at least
   * a second) but has the same lines' lengths, records and types; see `ExportFileInfo.version`.
   * A request refused before it reaches an object (bad signature, unknown key) changes nothing.
   */
  | { route: 'download'; times?: number; changeObject: true };

export interface RecordedRequest {
  origin: 'api' | 'download';
  /** Download requests only: which download origin answered (`regional` is the redirect target). */
  host?: 'primary' | 'regional';
  method: string;
  /** Never carries the query string: presigned URLs hold credentials there. */
  path: string;
  hasAuthorization: boolean;
  /** The `Range` header, verbatim, when one was sent. */
  range?: string;
  /** The `If-Range` header, verbatim, when one was sent. */
  ifRange?: string;
  /** Download requests that reached an object: the version of it that was served. */
  version?: number;
  /** Status sent; 0 when the socket was destroyed before any response. */
  status: number;
  at: number;
}

export interface ExportFileInfo {
  path: string;
  bytes: number;
  sha256: string;
  /** Lines in the decompressible part of the file, the broken line of `not-json` (or `long-broken-line`) included. */
  records: number;
  /**
   * Lines per `resource_type`; lines that are not JSON count in `records` only, and so do lines
   * whose `fields` left out `resource_type` (Asana adds only `gid` to the fields asked for).
   */
  byResourceType: Record<string, number>;
  fileName: string;
  /** The object's current version: 1, plus one per `changeObject` fault it suffered. */
  version: number;
  /** Byte offsets where each gzip member starts; `[0]` for a single-member file. */
  memberOffsets: readonly number[];
  /**
   * For an export made at a revision after 0 (`Scenario.revision`): what a diff of it against
   * the same export made at revision 0 must report. Left out for resource exports narrowed by
   * fields, filters or a type asked for twice: the tally is of whole, unfiltered records.
   */
  changes?: RevisionChanges;
}

export interface Sandbox {
  readonly apiUrl: string;
  readonly downloadOrigin: string;
  /**
   * A second download origin, the target of `redirect` faults: same objects, same checks, same
   * fault queue; its requests are logged with `origin: 'download'` and `host: 'regional'`.
   */
  readonly regionalDownloadOrigin: string;
  readonly token: string;
  configure(scenario: Partial<Scenario>): void;
  inject(fault: Fault): void;
  /** Drops every fault still queued, on every route (a fault's `times` not yet used up). */
  clearFaults(): void;
  readonly requests: readonly RecordedRequest[];
  readonly downloadAuthViolations: readonly RecordedRequest[];
  /** The file the download host serves now for an export or job gid: its current version. */
  exportFile(gid: string): Promise<ExportFileInfo>;
  /**
   * What an export or job was created for, as the create request named it: its kind and the
   * organization, workspace or parent gid. How a test sees which gid a client sent.
   */
  exportTarget(gid: string): { readonly kind: ExportKind; readonly gid: string };
  /**
   * Starts an export as any other client would: a POST over HTTP with the sandbox's token, so it
   * is logged, counted and limited (one resource export per workspace) like one. Resolves with
   * its gid (the job gid for resource and graph exports); throws unless Asana's 201 came back.
   */
  startExport(target: ExportTarget): Promise<string>;
  close(): Promise<void>;
}

/** What `startExport` exports: a graph export of a parent, or a resource export of tasks. */
export type ExportTarget = { readonly parent: string } | { readonly workspace: string };

/** The three export families, which differ in endpoints, state names and file layout. */
export type ExportKind = 'organization' | 'resource' | 'graph';

/** Resource types a resource export may ask for. */
export type ResourceType = 'task' | 'team' | 'message';
