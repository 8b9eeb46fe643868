import type { ExportClient } from './client.js';
import { type DownloadResult, downloadExport } from './download.js';
import type { ProgressListener } from './events.js';
import { fileFormat } from './kinds.js';
import { buildManifest, type Manifest } from './manifest.js';
import type { ExportRequest } from './params.js';
import type { PollPolicy } from './polling.js';
import type { Clock, DownloadSink, DownloadSource, Random } from './ports.js';
import type { RecordCounts } from './records.js';
import type { ExportRef } from './requests.js';
import type { ExportStatus } from './responses.js';
import type { RetryPolicy } from './retry.js';
import { TOOL_VERSION } from './version.js';

/** What a sink must report for the manifest. */
export interface VerifiedContent {
  readonly fileName: string;
  readonly records: RecordCounts;
}

/** Start a new export, or resume one started earlier (by a crashed run, another step...). */
export type RunStart = { readonly request: ExportRequest } | { readonly resume: ExportRef };

export interface RunOptions<Result extends VerifiedContent> {
  readonly client: ExportClient;
  readonly source: DownloadSource;
  readonly clock: Clock;
  readonly random: Random;
  readonly signal: AbortSignal;
  readonly start: RunStart;
  /** Opens where the file goes, once the export is done and its gids are known. */
  readonly openSink: (status: ExportStatus) => Promise<DownloadSink<Result>>;
  readonly poll?: PollPolicy;
  readonly retry?: RetryPolicy;
  readonly onProgress?: ProgressListener;
}

export interface RunResult<Result extends VerifiedContent> {
  readonly status: ExportStatus;
  readonly download: DownloadResult<Result>;
  readonly manifest: Manifest;
}

/**
 * The whole job, as every front end runs it: create (or resume), wait, download, verify, describe.
 * It returns only when the file is verified and committed; every other ending throws, so a failed
 * or partial export can never be mistaken for a finished one.
 */
export async function runExport<Result extends VerifiedContent>(
  options: RunOptions<Result>,
): Promise<RunResult<Result>> {
  const { client, clock, signal, start } = options;
  const startedAt = clock.now();

  let ref: ExportRef;
  let initial: ExportStatus | undefined;
  if ('request' in start) {
    // Waiting for the workspace's running export counts against the same timeout as waiting for
    // ours (`startedAt` below): the run as a whole ends within it.
    initial = await client.create(start.request, signal, {
      ...(options.poll ? { poll: options.poll } : {}),
    });
    ref = { kind: initial.kind, gid: initial.gid };
  } else {
    ref = start.resume;
  }

  const finished = await client.waitUntilDone(ref, {
    signal,
    startedAt,
    ...(options.poll ? { poll: options.poll } : {}),
    ...(initial ? { initial } : {}),
  });
  const sink = await options.openSink(finished);
  const download = await downloadExport({
    client,
    ref,
    source: options.source,
    sink,
    clock,
    random: options.random,
    signal,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });

  const status = download.status;
  const manifest = buildManifest({
    toolVersion: TOOL_VERSION,
    request: 'request' in start ? start.request : undefined,
    status,
    file: { name: download.sink.fileName, bytes: download.bytes, sha256: download.sha256 },
    records: download.sink.records,
    downloadedAt: new Date(clock.now()).toISOString(),
    durationMs: clock.now() - startedAt,
  });
  return { status, download, manifest };
}

/** The default file name: stable per export, so a re-run never collides with another export. */
export function defaultFileName(status: ExportStatus): string {
  const gid = status.exportGid ?? status.gid;
  const extension = fileFormat(status.kind) === 'json' ? 'json.gz' : 'jsonl.gz';
  return `asana-${status.kind}-export-${gid}.${extension}`;
}

/** `asana-resource-export-1.jsonl.gz` → `asana-resource-export-1.manifest.json`. */
export function manifestFileName(fileName: string): string {
  return `${fileName.replace(/\.jsonl?\.gz$/, '').replace(/\.gz$/, '')}.manifest.json`;
}
