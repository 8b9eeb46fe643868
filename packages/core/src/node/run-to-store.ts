import type { AgeRecipient } from '../protocol/age-x25519.js';
import type { ProgressListener } from '../protocol/events.js';
import type { StallPolicy } from '../protocol/limits.js';
import type { ObjectKeys } from '../protocol/object-layout.js';
import type { StoredObject } from '../protocol/object-sink.js';
import type { ObjectStore } from '../protocol/object-store.js';
import type { ExportRequest } from '../protocol/params.js';
import type { PollPolicy } from '../protocol/polling.js';
import type { RetryPolicy } from '../protocol/retry.js';
import { type RunResult, type RunStart, runExport } from '../protocol/run.js';
import {
  type OpenedStoreSink,
  openStoreSink,
  type Published,
  publishBeside,
} from '../protocol/store-export.js';
import { GzipVerifier } from './gzip-verifier.js';
import { checkedRecipients } from './run-to-file.js';
import type { NodeRuntime } from './runtime.js';

export interface RunToStoreOptions {
  readonly runtime: NodeRuntime;
  readonly start: RunStart;
  /**
   * With a resume start, the request that export was made with, when the caller knows it (a
   * pending record of its own): it names the target the export is stored under, which Asana's
   * status of a resource or graph export does not.
   */
  readonly resumedRequest?: ExportRequest | undefined;
  readonly store: ObjectStore;
  /** Normalised (`checkPrefix`): empty or ending with `/`. */
  readonly prefix: string;
  /** Checked (`checkLayout`). */
  readonly layout: string;
  /** The input that named the destination (`--to`, `destination`), for messages. */
  readonly destinationInputName: string;
  readonly signal: AbortSignal;
  readonly validateJson?: boolean;
  readonly poll?: PollPolicy;
  readonly retry?: RetryPolicy;
  readonly stall?: StallPolicy;
  readonly onProgress?: ProgressListener;
  readonly encryptTo?: readonly AgeRecipient[] | undefined;
  readonly encryptToInputName?: string;
  readonly partBytes?: number | undefined;
  readonly concurrency?: number | undefined;
  /** Called once the store was probed, just before the first request to Asana. */
  readonly onStoreReady?: (() => void) | undefined;
}

export interface RunToStoreResult extends RunResult<StoredObject>, Published {
  readonly keys: ObjectKeys;
}

/**
 * `runExport` into object storage: the export streams into a multipart upload completed only once
 * it is verified, then its manifest and `latest.json` are stored (`store-export.ts`). Before the
 * first request to Asana the store is probed: a missing bucket, a refused permission or a wrong
 * region is found then, not after hours of waiting.
 */
export async function runExportToStore(options: RunToStoreOptions): Promise<RunToStoreResult> {
  const { runtime, store, signal } = options;
  const encryptTo = checkedRecipients(options);
  await store.probe(options.prefix, signal);
  options.onStoreReady?.();
  let opened: OpenedStoreSink | undefined;
  const validateJson = options.validateJson ?? true;
  const result = await runExport<StoredObject>({
    client: runtime.client,
    source: runtime.source,
    clock: runtime.clock,
    random: runtime.random,
    signal,
    start: options.start,
    ...(options.poll ? { poll: options.poll } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.stall ? { stall: options.stall } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    openSink: async (status) => {
      opened = await openStoreSink(status, {
        store,
        prefix: options.prefix,
        layout: options.layout,
        inputName: options.destinationInputName,
        request: 'request' in options.start ? options.start.request : options.resumedRequest,
        encryptTo,
        createVerifier: (format) => new GzipVerifier({ format, validateJson }),
        partBytes: options.partBytes,
        concurrency: options.concurrency,
        signal,
        clock: runtime.clock,
      });
      return opened.sink;
    },
  });
  if (opened === undefined) throw new RangeError('the export finished without a sink');
  const published = await publishBeside(store, opened, result.manifest, result.download.sink, {
    clock: runtime.clock,
    signal,
  });
  return { ...result, ...published, keys: opened.keys };
}
