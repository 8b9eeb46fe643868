/**
 * What both servers share: the token, the scenario defaults, the exports, the fault queue, the
 * request log, the file cache and the URL signer. One per sandbox, so sandboxes never interfere.
 */
import { type CachedContent, ContentCache, type ContentSpec } from './content.js';
import { FaultQueue } from './faults.js';
import { Presigner } from './presign.js';
import { RequestLog } from './request-log.js';
import { DEFAULT_SCENARIO, parseScenarioPatch } from './scenario.js';
import { type ExportRecord, ExportStore } from './state.js';
import type { ExportFileInfo, RecordedRequest, Scenario } from './types.js';

/** The bucket in download URLs, as S3 puts it in the path of path-style URLs. */
export const BUCKET = 'asana-exports-sandbox';

export interface SandboxContextOptions {
  token: string;
  downloadOrigin: string;
  cacheDir: string;
  scenario: Partial<Scenario> | undefined;
  onRequest: ((request: RecordedRequest) => void) | undefined;
}

export class SandboxContext {
  readonly token: string;
  readonly downloadOrigin: string;
  readonly store = new ExportStore();
  readonly faults = new FaultQueue();
  readonly presigner = new Presigner();
  readonly log: RequestLog;
  readonly content: ContentCache;
  /** Aborted on close, so that a long generation does not outlive the sandbox. */
  readonly #shutdown = new AbortController();
  #scenario: Scenario;

  constructor(options: SandboxContextOptions) {
    this.token = options.token;
    this.downloadOrigin = options.downloadOrigin;
    this.log = new RequestLog(options.onRequest);
    this.content = new ContentCache(options.cacheDir, this.#shutdown.signal);
    this.#scenario = { ...DEFAULT_SCENARIO, ...parseScenarioPatch(options.scenario ?? {}) };
  }

  /** The defaults new exports capture when they are created. */
  get scenario(): Readonly<Scenario> {
    return this.#scenario;
  }

  configure(patch: unknown): Readonly<Scenario> {
    this.#scenario = { ...this.#scenario, ...parseScenarioPatch(patch) };
    return this.#scenario;
  }

  /** A fresh presigned URL, valid for the export's `linkTtlSeconds` from now. */
  mintDownloadUrl(record: ExportRecord): string {
    const path = objectPath(record);
    const query = this.presigner.sign(path, record.scenario.linkTtlSeconds, Date.now());
    return `${this.downloadOrigin}${path}?${query}`;
  }

  /** The export whose object lives at `path` on the download host, if any. */
  recordAtPath(path: string): ExportRecord | undefined {
    const fileName = path.startsWith(`/${BUCKET}/`) ? path.slice(BUCKET.length + 2) : '';
    const exportGid = fileName.split('-')[0] ?? '';
    const record = this.store.find(exportGid);
    return record?.exportGid === exportGid && record.fileName === fileName ? record : undefined;
  }

  /** Starts generating an export's file early, so the first download does not wait for it. */
  warm(record: ExportRecord): void {
    if (record.scenario.outcome !== 'succeed') return;
    // A failure here resurfaces, and is reported, when the file is actually requested.
    this.content.ensure(contentSpec(record)).catch(() => {});
  }

  contentFor(record: ExportRecord): Promise<CachedContent> {
    return this.content.ensure(contentSpec(record));
  }

  async fileInfo(gid: string): Promise<ExportFileInfo | undefined> {
    const record = this.store.find(gid);
    if (record === undefined) return undefined;
    const { path, bytes, sha256, records, byResourceType } = await this.contentFor(record);
    return { path, bytes, sha256, records, byResourceType, fileName: record.fileName };
  }

  async close(): Promise<void> {
    this.#shutdown.abort();
    await this.content.settled();
  }
}

export function objectPath(record: ExportRecord): string {
  return `/${BUCKET}/${record.fileName}`;
}

function contentSpec(record: ExportRecord): ContentSpec {
  const { contentBytes, seed, corruption } = record.scenario;
  return { kind: record.kind, resourceTypes: record.resourceTypes, contentBytes, seed, corruption };
}
