/**
 * What both servers share: the token, the scenario defaults, the exports, the fault queue, the
 * request log, the file cache and the URL signer. One per sandbox, so sandboxes never interfere.
 */
import { type CachedContent, ContentCache, type ContentSpec } from './content.js';
import { FaultQueue } from './faults.js';
import { type ObjectVersion, ObjectVersions } from './object-versions.js';
import { Presigner } from './presign.js';
import { RequestLog } from './request-log.js';
import { DEFAULT_SCENARIO, parseScenarioPatch } from './scenario.js';
import { type ExportRecord, ExportStore } from './state.js';
import type { ExportFileInfo, RecordedRequest, Scenario } from './types.js';

/** The bucket in download URLs, as S3 puts it in the path of path-style URLs. */
export const BUCKET = 'asana-exports-sandbox';

export interface SandboxContextOptions {
  token: string;
  /** The API's origin and `/api/1.0`, which list answers' `next_page.uri` start with. */
  apiBase: string;
  downloadOrigin: string;
  regionalDownloadOrigin: string;
  cacheDir: string;
  scenario: Partial<Scenario> | undefined;
  onRequest: ((request: RecordedRequest) => void) | undefined;
}

/** An export's object as the download host holds it now: a version of the file, and its date. */
export interface StoredObject extends CachedContent, ObjectVersion {}

export class SandboxContext {
  readonly token: string;
  readonly apiBase: string;
  readonly downloadOrigin: string;
  /** The second download origin, that `redirect` faults send clients to. */
  readonly regionalDownloadOrigin: string;
  readonly store = new ExportStore();
  readonly versions = new ObjectVersions();
  readonly faults = new FaultQueue();
  readonly presigner = new Presigner();
  readonly log: RequestLog;
  readonly content: ContentCache;
  /** Aborted on close, so that a long generation does not outlive the sandbox. */
  readonly #shutdown = new AbortController();
  #scenario: Scenario;

  constructor(options: SandboxContextOptions) {
    this.token = options.token;
    this.apiBase = options.apiBase;
    this.downloadOrigin = options.downloadOrigin;
    this.regionalDownloadOrigin = options.regionalDownloadOrigin;
    this.log = new RequestLog(options.onRequest);
    this.content = new ContentCache(options.cacheDir, this.#shutdown.signal);
    this.#scenario = { ...DEFAULT_SCENARIO, ...parseScenarioPatch(options.scenario ?? {}) };
  }

  /** Aborted when the sandbox closes: whatever waits on a timer must stop then. */
  get shutdownSignal(): AbortSignal {
    return this.#shutdown.signal;
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
    this.content.ensure(contentSpec(record, 1)).catch(() => {});
  }

  /** The object as it is now: its current version's file and Last-Modified date. */
  async objectFor(record: ExportRecord, now = Date.now()): Promise<StoredObject> {
    const version = this.versions.current(record, now);
    const content = await this.content.ensure(contentSpec(record, version.version));
    return { ...content, ...version };
  }

  /** Replaces an export's object by its next version (a `changeObject` fault). */
  changeObject(record: ExportRecord, now = Date.now()): void {
    this.versions.change(record, now);
  }

  async fileInfo(gid: string): Promise<ExportFileInfo | undefined> {
    const record = this.store.find(gid);
    if (record === undefined) return undefined;
    const { path, bytes, sha256, records, byResourceType, version, memberOffsets, changes } =
      await this.objectFor(record);
    return {
      path,
      bytes,
      sha256,
      records,
      byResourceType,
      fileName: record.fileName,
      version,
      memberOffsets,
      ...(changes === undefined ? {} : { changes }),
    };
  }

  async close(): Promise<void> {
    this.#shutdown.abort();
    await this.content.settled();
  }
}

export function objectPath(record: ExportRecord): string {
  return `/${BUCKET}/${record.fileName}`;
}

function contentSpec(record: ExportRecord, version: number): ContentSpec {
  const { contentBytes, seed, corruption, layout, revision, revisionEdits } = record.scenario;
  const hasLongLine = corruption === 'long-line' || corruption === 'long-broken-line';
  return {
    kind: record.kind,
    resourceTypes: record.resourceTypes,
    parameters: record.parameters,
    contentBytes,
    seed,
    corruption,
    layout,
    longLineBytes: hasLongLine ? record.scenario.longLineBytes : 0,
    version,
    revision,
    revisionEdits,
  };
}
