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

/**
 * Fetches a presigned object-store URL. Must never send the Asana token: the URL carries its own
 * credentials. `offset > 0` asks for `Range: bytes=<offset>-`.
 */
export interface DownloadSource {
  open(url: string, options: { offset: number; signal: AbortSignal }): Promise<DownloadResponse>;
}

/**
 * Where downloaded bytes go. The Node adapter writes to a temporary file beside the final name
 * (and verifies the gzip stream in the same pass); `commit` makes it visible under the final name.
 */
export interface DownloadSink<Result> {
  /** Appends bytes in order. */
  write(chunk: Uint8Array): Promise<void>;
  /** Drops everything written so far: the next byte written is byte 0 again. */
  reset(): Promise<void>;
  /** All bytes are written: verify, then publish under the final name. */
  commit(): Promise<Result>;
  /** Gives up: removes the temporary data. Must be safe to call more than once. */
  discard(): Promise<void>;
}
