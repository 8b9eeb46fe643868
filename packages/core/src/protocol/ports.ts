/**
 * The only ways the protocol core touches the world. Each front end supplies these:
 * the Node adapter (undici, timers, files) for the CLI and the action, n8n's helpers for the node.
 * Nothing in `protocol/` does I/O, sleeps or reads the environment by itself.
 */

/** A request to the Asana API, relative to the API base URL. The transport adds the token. */
export interface ApiRequest {
  readonly method: 'GET' | 'POST';
  /** Path below the base URL, starting with `/`, e.g. `/jobs/123`. Never contains secrets. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  /** JSON body, serialised by the transport. */
  readonly body?: unknown;
}

export interface ApiResponse {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The body as text; parsing belongs to `responses.ts`. */
  readonly body: string;
}

/**
 * Sends one request to the Asana API with the bearer token. Resolves with any HTTP status;
 * rejects with a `TransportError` when no response arrived (reset, refused, timeout),
 * or with the signal's reason when aborted.
 */
export interface ApiTransport {
  send(request: ApiRequest, signal: AbortSignal): Promise<ApiResponse>;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /**
   * A signal that aborts `ms` from now, unless cancelled first: it ends a request or a body read
   * in flight when the run's deadline passes. A clock without it (a test's) still ends every wait
   * it times itself at the deadline; only I/O already in flight then runs to its own timeout.
   */
  alarm?(ms: number): Alarm;
}

export interface Alarm {
  readonly signal: AbortSignal;
  /** Stops the timer; the signal then never aborts. */
  cancel(): void;
}

/** A number in [0, 1): injected so that jitter is testable. */
export type Random = () => number;

export interface DownloadResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The body; the consumer must either read it to the end or call `cancel`. */
  readonly body: AsyncIterable<Uint8Array>;
  /** Releases the connection when the body will not be read (error statuses, retries). */
  cancel(): Promise<void>;
}

export interface OpenOptions {
  /** `> 0` asks for `Range: bytes=<offset>-`; only ever asked of a sink that can append. */
  readonly offset: number;
  /** With a range: `If-Range`, the validator of the object the bytes so far came from. */
  readonly ifRange: string | undefined;
  /** Longest silence allowed between two body chunks before the transfer counts as broken. */
  readonly idleTimeoutMs: number;
  readonly signal: AbortSignal;
}

/**
 * Fetches a presigned object-store URL. Must never send the Asana token: the URL carries its own
 * credentials. Must not follow redirects: the downloader decides which ones it may follow.
 */
export interface DownloadSource {
  open(url: string, options: OpenOptions): Promise<DownloadResponse>;
}

/** What identifies one object as the store served it: a change in any of them is another object. */
export interface ObjectIdentity {
  readonly etag: string | undefined;
  readonly lastModified: string | undefined;
  readonly totalBytes: number | undefined;
}

/** Bytes an earlier, interrupted run kept for the same export, and the object they came from. */
export interface KeptPartial {
  readonly bytes: number;
  readonly object: ObjectIdentity;
  /** The kept bytes, for the downloader to hash; the sink re-verifies them as they pass. */
  replay(): AsyncIterable<Uint8Array>;
}

/**
 * Where downloaded bytes go. The Node adapter writes to a hidden partial file beside the final
 * name (and verifies the gzip stream in the same pass); `commit` makes it visible under the final
 * name. n8n's binary data store cannot append, so its sink says so and never gets a range.
 */
export interface DownloadSink<Result> {
  /** Whether bytes can be appended after an interrupted transfer (a resume with `Range`). */
  readonly canAppend: boolean;
  /** Bytes kept by an earlier run of the same export, if any (only sinks that can append). */
  resumable?(): Promise<KeptPartial | undefined>;
  /** The bytes about to be written, from `offset` on, come from this object. */
  begin(object: ObjectIdentity, offset: number): Promise<void>;
  /** Appends bytes in order. */
  write(chunk: Uint8Array): Promise<void>;
  /** Drops everything written so far: the next byte written is byte 0 again. */
  reset(): Promise<void>;
  /** All bytes are written: verify, then publish under the final name. */
  commit(): Promise<Result>;
  /**
   * Gives up. With `keep`, the bytes so far are an intact prefix of the object named at `begin`:
   * a sink that can append keeps them for a later resume; otherwise everything is removed. Safe
   * to call more than once.
   */
  discard(keep: boolean): Promise<void>;
}

/** One request to the user's object storage, signed by the caller. */
export interface StoreRequest {
  readonly method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE';
  /** May carry a credential in its query (an Azure SAS): never log it. */
  readonly url: string;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | undefined;
  readonly signal: AbortSignal;
}

export interface StoreResponse {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The body as text (error documents, upload ids), at most a few KiB. */
  readonly body: string;
}

/**
 * Sends one request to the object storage. Resolves with any HTTP status; rejects with a
 * `TransportError` naming the operation (never the URL) when no response arrived, or with the
 * signal's reason when aborted. Must not follow redirects: a store's redirect means another region.
 */
export interface StoreHttp {
  send(request: StoreRequest): Promise<StoreResponse>;
  /**
   * The same request, its answer's body streamed rather than read (a stored export read back).
   * Bounds silence between chunks as `send` bounds a request. Optional: writing needs none.
   */
  stream?(request: StoreRequest): Promise<DownloadResponse>;
}
