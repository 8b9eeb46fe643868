import type { ExportClient } from './client.js';
import { RunDeadline } from './deadline.js';
import { type DownloadResult, downloadExport } from './download.js';
import { DEFAULT_DOWNLOAD_POLICY } from './download-plan.js';
import type { ProgressListener } from './events.js';
import { fileFormat, isExportGid } from './kinds.js';
import type { StallPolicy } from './limits.js';
import { buildManifest, type Manifest, type ManifestEncryption } from './manifest.js';
import type { ExportRequest } from './params.js';
import { DEFAULT_POLL_POLICY, type PollPolicy } from './polling.js';
import type { Clock, DownloadSink, DownloadSource, Random } from './ports.js';
import type { RecordCounts } from './records.js';
import type { ExportRef } from './requests.js';
import type { ExportStatus } from './responses.js';
import type { RetryPolicy } from './retry.js';
import { TOOL_VERSION } from './version.js';

/** What a sink must report for the manifest. */
export interface VerifiedContent {
  /** The plaintext's name (`x.jsonl.gz`), also when what was stored is its ciphertext. */
  readonly fileName: string;
  readonly records: RecordCounts;
  /** Set by a sink that stored the export encrypted: the ciphertext's figures, for the manifest. */
  readonly encryption?: ManifestEncryption | undefined;
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
  /** Polling, and in `timeoutMs` the one limit of the whole run: create, wait and download. */
  readonly poll?: PollPolicy;
  readonly retry?: RetryPolicy;
  /** How slow a download may be before it counts as broken. */
  readonly stall?: StallPolicy;
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
  const { client, clock, start } = options;
  const poll = options.poll ?? DEFAULT_POLL_POLICY;
  // One limit for the whole run: waiting for a busy workspace, for the export and for the
  // download all count against it, and every request in flight ends with it.
  const deadline = new RunDeadline({ clock, timeoutMs: poll.timeoutMs, signal: options.signal });
  try {
    let ref: ExportRef;
    let initial: ExportStatus | undefined;
    if ('request' in start) {
      initial = await client.create(start.request, options.signal, { poll, deadline });
      ref = { kind: initial.kind, gid: initial.gid };
    } else {
      ref = start.resume;
    }

    const finished = await client.waitUntilDone(ref, {
      signal: options.signal,
      poll,
      deadline,
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
      signal: options.signal,
      deadline,
      policy: {
        ...DEFAULT_DOWNLOAD_POLICY,
        linkWait: poll,
        ...(options.retry ? { retry: options.retry } : {}),
        ...(options.stall ? { stall: options.stall } : {}),
      },
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });

    const status = download.status;
    const manifest = buildManifest({
      toolVersion: TOOL_VERSION,
      request: 'request' in start ? start.request : undefined,
      status,
      file: { name: download.sink.fileName, bytes: download.bytes, sha256: download.sha256 },
      records: download.sink.records,
      encryption: download.sink.encryption,
      downloadedAt: new Date(clock.now()).toISOString(),
      durationMs: clock.now() - deadline.startedAt,
    });
    return { status, download, manifest };
  } finally {
    deadline.dispose();
  }
}

/**
 * The default file name, stable per export so a re-run never collides with another export. It
 * carries the gid a resume needs (the organization export's, or the job's), so it is known before
 * any request when resuming, and it is built only from validated parts: a kind and a gid that
 * passed `isExportGid`.
 */
export function defaultFileName(ref: ExportRef): string {
  if (!isExportGid(ref.gid)) throw new RangeError('defaultFileName needs a validated gid');
  const extension = fileFormat(ref.kind) === 'json' ? 'json.gz' : 'jsonl.gz';
  return `asana-${ref.kind}-export-${ref.gid}.${extension}`;
}

/**
 * The format a stored file's name says (`x.jsonl.gz`, `x.json.gz.age`, or `x.jsonl` as n8n's
 * Download names what it decompressed), if it says one: the reverse of `defaultFileName` and
 * `encryptedFileName`, for files named by the user.
 */
export function formatInFileName(fileName: string): 'json' | 'jsonl' | undefined {
  const named = /\.(jsonl?)(\.gz)?(\.age)?$/.exec(fileName)?.[1];
  return named === 'json' || named === 'jsonl' ? named : undefined;
}

/** The media type of a stored export: gzip as Asana serves it, or its age ciphertext. */
export function storedMediaType(encrypted: boolean): string {
  return encrypted ? 'application/vnd.age' : 'application/gzip';
}

/** What an export encrypted with age is stored as: `x.jsonl.gz` → `x.jsonl.gz.age`. */
export function encryptedFileName(fileName: string): string {
  return `${fileName}.age`;
}

/**
 * `asana-resource-export-1.jsonl.gz` → `asana-resource-export-1.manifest.json`. The encrypted
 * `asana-resource-export-1.jsonl.gz.age` has the same manifest: one export, one manifest, found
 * beside whichever file was stored.
 */
export function manifestFileName(fileName: string): string {
  const plain = fileName.replace(/\.age$/, '');
  return `${plain.replace(/\.jsonl?\.gz$/, '').replace(/\.gz$/, '')}.manifest.json`;
}
