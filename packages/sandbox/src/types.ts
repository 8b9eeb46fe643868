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
  /** Approximate uncompressed size of the export file. Default 256 KiB. */
  contentBytes: number;
  /** Content is a pure function of (kind, resource types, contentBytes, seed, corruption). Default 1. */
  seed: number;
  /** Presigned URLs expire this long after the status response that carried them. Default 300. */
  linkTtlSeconds: number;
  /** How the served file is damaged. Default `none`. */
  corruption: Corruption;
  /** The download host answers 200 with the whole file even when `Range` is sent. Default false. */
  ignoreRange: boolean;
}

export type Corruption = 'none' | 'truncated' | 'bad-crc' | 'not-json';

export type FaultRoute = 'create' | 'status' | 'download';

/**
 * Something to go wrong for the next request(s) on a route. `times` defaults to 1; faults of a
 * route are consumed one request at a time in the order injected.
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
  | { route: 'download'; times?: number; expireLink: true };

export interface RecordedRequest {
  origin: 'api' | 'download';
  method: string;
  /** Never carries the query string: presigned URLs hold credentials there. */
  path: string;
  hasAuthorization: boolean;
  range?: string;
  /** Status sent; 0 when the socket was destroyed before any response. */
  status: number;
  at: number;
}

export interface ExportFileInfo {
  path: string;
  bytes: number;
  sha256: string;
  /** Lines in the decompressible part of the file, the broken line of `not-json` included. */
  records: number;
  /** Lines per `resource_type`; lines that are not JSON count in `records` only. */
  byResourceType: Record<string, number>;
  fileName: string;
}

export interface Sandbox {
  readonly apiUrl: string;
  readonly downloadOrigin: string;
  readonly token: string;
  configure(scenario: Partial<Scenario>): void;
  inject(fault: Fault): void;
  readonly requests: readonly RecordedRequest[];
  readonly downloadAuthViolations: readonly RecordedRequest[];
  exportFile(gid: string): Promise<ExportFileInfo>;
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
