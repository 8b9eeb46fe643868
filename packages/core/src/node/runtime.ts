import { type Dispatcher, EnvHttpProxyAgent } from 'undici';
import { ExportClient } from '../protocol/client.js';
import type { DebugListener, ProgressListener } from '../protocol/events.js';
import type { Clock, DownloadSource } from '../protocol/ports.js';
import type { RetryPolicy } from '../protocol/retry.js';
import { systemClock } from './clock.js';
import { createUndiciDownloadSource } from './download-source.js';
import { createUndiciTransport } from './transport.js';

export interface NodeRuntimeOptions {
  readonly token: string;
  readonly baseUrl?: string;
  readonly retry?: RetryPolicy;
  readonly onProgress?: ProgressListener;
  readonly onDebug?: DebugListener;
  /** How long to wait for an answer's headers, from Asana or the download host. Default 60 s. */
  readonly requestTimeoutMs?: number;
  /** The wall clock unless given: benchmarks run time faster to measure hour-long polls. */
  readonly clock?: Clock;
}

/** Everything the protocol core needs, wired for Node: the CLI's and the action's starting point. */
export interface NodeRuntime {
  readonly client: ExportClient;
  readonly source: DownloadSource;
  readonly clock: Clock;
  readonly random: () => number;
  /** The connection pool (proxy-aware), shared with the object storage a run stores into. */
  readonly dispatcher: Dispatcher;
  /** How long an answer may take, as given; the store's requests use it too. */
  readonly requestTimeoutMs: number | undefined;
  /** Closes pooled connections so the process can exit promptly. */
  close(): Promise<void>;
}

export function createNodeRuntime(options: NodeRuntimeOptions): NodeRuntime {
  // Honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY, as corporate runners need.
  const dispatcher = new EnvHttpProxyAgent();
  const timeouts =
    options.requestTimeoutMs === undefined
      ? {}
      : { headersTimeoutMs: options.requestTimeoutMs, bodyTimeoutMs: options.requestTimeoutMs };
  const transport = createUndiciTransport({
    token: options.token,
    dispatcher,
    ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
    ...timeouts,
  });
  // The download source shares connections but never sees the token. Its body reads are timed
  // by the downloader's stall rule, not here.
  const source = createUndiciDownloadSource({
    dispatcher,
    ...(options.requestTimeoutMs === undefined
      ? {}
      : { headersTimeoutMs: options.requestTimeoutMs }),
  });
  const random = Math.random;
  const clock = options.clock ?? systemClock;
  const client = new ExportClient({
    transport,
    clock,
    random,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.onDebug ? { onDebug: options.onDebug } : {}),
  });
  return {
    client,
    source,
    clock,
    random,
    dispatcher,
    requestTimeoutMs: options.requestTimeoutMs,
    close: () => dispatcher.close(),
  };
}
