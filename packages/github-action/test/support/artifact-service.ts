/**
 * A loopback stand-in for GitHub's artifact service, as `@actions/artifact` 6 talks to it:
 * Twirp JSON calls at `/twirp/github.actions.results.api.v1.ArtifactService/<Method>` with the
 * runtime token as bearer, then Azure block-blob uploads to the signed URL it hands out
 * (`PUT ?comp=block&blockid=…` in parallel and in any order, then `PUT ?comp=blocklist`).
 * It also serves finished blobs for download, as the REST API's redirect target.
 *
 * It checks what the real service checks: the bearer and its `Actions.Results` scope, the backend
 * ids, unique names per run, the signature on blob URLs, the committed size and SHA-256.
 */

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { closeServer, listenOnLoopback } from './loopback-server.js';

/** Where a run came from, as the REST API's run object tells it (trust.ts judges it). */
export interface RunOrigin {
  readonly workflowId: number;
  readonly event: string;
  readonly headBranch: string;
  /** The repository whose code ran: this one (id 1), or a fork's. */
  readonly headRepositoryId: number;
}

/** A scheduled run of the backup workflow on the default branch. */
export const SCHEDULED_ON_MAIN: RunOrigin = {
  workflowId: 7001,
  event: 'schedule',
  headBranch: 'main',
  headRepositoryId: 1,
};

export interface WorkflowRun {
  /** The numeric run id the REST API shows (`GITHUB_RUN_ID`). */
  readonly runId: number;
  readonly origin: RunOrigin;
  readonly runBackendId: string;
  readonly jobBackendId: string;
  /** An unsigned JWT whose `scp` claim names the run and job, as the runner's token does. */
  readonly runtimeToken: string;
}

export interface StoredArtifact {
  readonly id: number;
  readonly name: string;
  readonly run: WorkflowRun;
  readonly createdAt: Date;
  readonly expiresAt: Date | undefined;
  readonly mimeType: string | undefined;
  /** The committed blob, assembled in block-list order. */
  bytes: Buffer | undefined;
  finalized: boolean;
  deleted: boolean;
  digest: string | undefined;
}

export interface ServiceRequest {
  readonly method: string;
  /** Path without the query string (signed URLs carry their signature there). */
  readonly path: string;
  readonly status: number;
}

const TWIRP_PREFIX = '/twirp/github.actions.results.api.v1.ArtifactService/';

export class ArtifactService {
  readonly artifacts: StoredArtifact[] = [];
  readonly requests: ServiceRequest[] = [];
  /** The most block uploads that were in flight at once: the library uploads in parallel. */
  maxConcurrentBlocks = 0;
  /** Block ids in the order their uploads arrived, and in the order they were answered. */
  readonly blocksReceived: string[] = [];
  readonly blocksCompleted: string[] = [];
  /** Holds back the answer to each artifact's first block, so later blocks overtake it. */
  firstBlockDelayMs = 0;
  #blocksInFlight = 0;
  /** Uploaded blocks per artifact id, by block id. */
  readonly #blocks = new Map<number, Map<string, Buffer>>();
  readonly #runs = new Map<string, WorkflowRun>();
  readonly #signature = randomBytes(16).toString('hex');
  #nextId = 1000;
  #server: Server | undefined;
  origin = '';

  static async start(): Promise<ArtifactService> {
    const service = new ArtifactService();
    const { server, origin } = await listenOnLoopback((req, res) => void service.#handle(req, res));
    service.#server = server;
    service.origin = origin;
    return service;
  }

  /** A new workflow run (and job) with its runtime token. */
  newRun(runId: number, origin: RunOrigin = SCHEDULED_ON_MAIN): WorkflowRun {
    return this.#newJob(runId, randomUUID(), origin);
  }

  /** A run by its numeric id, as `GET /repos/{owner}/{repo}/actions/runs/{id}` finds it. */
  runById(runId: number): WorkflowRun | undefined {
    return [...this.#runs.values()].find((run) => run.runId === runId);
  }

  /**
   * Another job of the same workflow run, such as a leg of a matrix: the run's ids, a job id and
   * runtime token of its own. As on GitHub, artifact names are unique within the whole run, and
   * every job of it lists all of the run's artifacts.
   */
  newJob(run: WorkflowRun): WorkflowRun {
    return this.#newJob(run.runId, run.runBackendId, run.origin);
  }

  #newJob(runId: number, runBackendId: string, origin: RunOrigin): WorkflowRun {
    const jobBackendId = randomUUID();
    const claims = {
      scp: `Actions.ExampleScope Actions.Results:${runBackendId}:${jobBackendId}`,
      iss: 'stand-in',
    };
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const runtimeToken = `${encode({ typ: 'JWT', alg: 'none' })}.${encode(claims)}.`;
    const run = { runId, origin, runBackendId, jobBackendId, runtimeToken };
    this.#runs.set(runtimeToken, run);
    return run;
  }

  /** Finalized, undeleted artifacts, optionally of one run (any of its jobs). */
  finished(run?: WorkflowRun): StoredArtifact[] {
    return this.artifacts.filter(
      (artifact) => artifact.finalized && !artifact.deleted && (!run || sameRun(artifact.run, run)),
    );
  }

  /** A signed URL to download an artifact's blob, as the REST API redirects to. */
  downloadUrl(artifact: StoredArtifact): string {
    return `${this.origin}/devstoreaccount1/actions-results/${artifact.id}/${encodeURIComponent(artifact.name)}.zip?sig=${this.#signature}&se=2099-01-01`;
  }

  close(): Promise<void> {
    return closeServer(this.#server);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    const isBlock = url.searchParams.get('comp') === 'block';
    if (isBlock) {
      this.#blocksInFlight++;
      this.maxConcurrentBlocks = Math.max(this.maxConcurrentBlocks, this.#blocksInFlight);
    }
    if (isBlock) {
      this.blocksReceived.push(url.searchParams.get('blockid') ?? '');
      res.once('close', () => {
        this.#blocksInFlight--;
        this.blocksCompleted.push(url.searchParams.get('blockid') ?? '');
      });
    }
    const body = await readBody(req);
    let status = 500;
    const send = (code: number, payload: unknown, headers: Record<string, string> = {}): number => {
      status = code;
      const text = payload === undefined ? '' : JSON.stringify(payload);
      res.writeHead(code, {
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      });
      res.end(text);
      return code;
    };
    try {
      if (url.pathname.startsWith(TWIRP_PREFIX) && req.method === 'POST') {
        this.#twirp(req, url.pathname.slice(TWIRP_PREFIX.length), body, send);
      } else if (url.pathname.startsWith('/devstoreaccount1/')) {
        status = this.#blob(req, url, body, res);
      } else {
        send(404, { code: 'not_found', msg: `no route for ${req.method} ${url.pathname}` });
      }
    } catch (error) {
      if (!res.headersSent) {
        send(500, { code: 'internal', msg: error instanceof Error ? error.message : 'error' });
      }
    } finally {
      this.requests.push({ method: req.method ?? '', path: url.pathname, status });
    }
  }

  #twirp(
    req: IncomingMessage,
    method: string,
    body: Buffer,
    send: (status: number, payload: unknown) => number,
  ): number {
    const run = this.#runs.get(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
    if (!run) return send(401, { code: 'unauthenticated', msg: 'invalid runtime token' });
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return send(415, { code: 'malformed', msg: 'expected application/json' });
    }
    const request = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    if (
      request.workflow_run_backend_id !== run.runBackendId ||
      request.workflow_job_run_backend_id !== run.jobBackendId
    ) {
      return send(403, { code: 'permission_denied', msg: 'backend ids do not match the token' });
    }
    const live = this.artifacts.filter(
      (artifact) => sameRun(artifact.run, run) && !artifact.deleted,
    );
    switch (method) {
      case 'CreateArtifact': {
        const name = String(request.name ?? '');
        if (request.version !== 7) {
          return send(400, { code: 'invalid_argument', msg: 'unsupported version' });
        }
        if (name === '' || /[":<>|*?\\/\r\n]/.test(name)) {
          return send(400, { code: 'invalid_argument', msg: `invalid artifact name ${name}` });
        }
        if (live.some((artifact) => artifact.name === name)) {
          return send(409, {
            code: 'already_exists',
            msg: 'an artifact with this name already exists on the workflow run',
          });
        }
        const artifact: StoredArtifact = {
          id: this.#nextId++,
          name,
          run,
          createdAt: new Date(),
          expiresAt:
            typeof request.expires_at === 'string' ? new Date(request.expires_at) : undefined,
          mimeType: typeof request.mime_type === 'string' ? request.mime_type : undefined,
          bytes: undefined,
          finalized: false,
          deleted: false,
          digest: undefined,
        };
        this.artifacts.push(artifact);
        return send(200, {
          ok: true,
          signed_upload_url: `${this.origin}/devstoreaccount1/actions-results/${artifact.id}/${encodeURIComponent(name)}.zip?sig=${this.#signature}&se=2099-01-01&sp=cw`,
        });
      }
      case 'FinalizeArtifact': {
        const artifact = live.find((a) => a.name === request.name && !a.finalized);
        if (!artifact) return send(404, { code: 'not_found', msg: 'artifact not found' });
        if (!artifact.bytes) return send(400, { code: 'failed_precondition', msg: 'no blob' });
        if (String(artifact.bytes.length) !== request.size) {
          return send(400, {
            code: 'invalid_argument',
            msg: `size ${String(request.size)} does not match the blob's ${artifact.bytes.length}`,
          });
        }
        const digest = `sha256:${createHash('sha256').update(artifact.bytes).digest('hex')}`;
        if (request.hash !== undefined && request.hash !== digest) {
          return send(400, { code: 'invalid_argument', msg: 'hash does not match the blob' });
        }
        artifact.finalized = true;
        artifact.digest = digest;
        return send(200, { ok: true, artifact_id: String(artifact.id) });
      }
      case 'ListArtifacts': {
        const nameFilter =
          typeof request.name_filter === 'string' ? request.name_filter : undefined;
        const idFilter = typeof request.id_filter === 'string' ? request.id_filter : undefined;
        const artifacts = live
          .filter((a) => a.finalized)
          .filter((a) => nameFilter === undefined || a.name === nameFilter)
          .filter((a) => idFilter === undefined || String(a.id) === idFilter)
          .map((a) => ({
            workflow_run_backend_id: a.run.runBackendId,
            workflow_job_run_backend_id: a.run.jobBackendId,
            database_id: String(a.id),
            name: a.name,
            size: String(a.bytes?.length ?? 0),
            created_at: a.createdAt.toISOString(),
            ...(a.digest ? { digest: a.digest } : {}),
          }));
        return send(200, { artifacts });
      }
      default:
        return send(404, { code: 'bad_route', msg: `no method ${method}` });
    }
  }

  /** Azure Blob Storage: staged blocks, a block list, and GET of the committed blob. */
  #blob(req: IncomingMessage, url: URL, body: Buffer, res: ServerResponse): number {
    const xmlError = (status: number, code: string) => {
      res.writeHead(status, { 'content-type': 'application/xml', 'x-ms-error-code': code });
      res.end(`<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code></Error>`);
      return status;
    };
    if (url.searchParams.get('sig') !== this.#signature) {
      return xmlError(403, 'AuthenticationFailed');
    }
    const id = Number(/^\/devstoreaccount1\/actions-results\/(\d+)\//.exec(url.pathname)?.[1]);
    const artifact = this.artifacts.find((a) => a.id === id && !a.deleted);
    if (!artifact) return xmlError(404, 'BlobNotFound');
    const created = (extra: Record<string, string> = {}) => {
      res.writeHead(201, {
        'x-ms-request-id': randomUUID(),
        'x-ms-version': '2025-01-05',
        date: new Date().toUTCString(),
        ...extra,
      });
      res.end();
      return 201;
    };
    const comp = url.searchParams.get('comp');
    if (req.method === 'PUT' && comp === 'block') {
      if (artifact.finalized) return xmlError(409, 'BlobImmutable');
      const blockId = url.searchParams.get('blockid');
      if (!blockId) return xmlError(400, 'InvalidQueryParameterValue');
      if (Number(req.headers['content-length']) !== body.length) {
        return xmlError(400, 'InvalidHeaderValue');
      }
      const blocks = this.#blocks.get(artifact.id) ?? new Map<string, Buffer>();
      const first = blocks.size === 0;
      blocks.set(blockId, body);
      this.#blocks.set(artifact.id, blocks);
      if (first && this.firstBlockDelayMs > 0) {
        setTimeout(
          () => created({ 'x-ms-request-server-encrypted': 'true' }),
          this.firstBlockDelayMs,
        );
        return 201;
      }
      return created({ 'x-ms-request-server-encrypted': 'true' });
    }
    if (req.method === 'PUT' && comp === 'blocklist') {
      const ids = [
        ...body
          .toString('utf8')
          .matchAll(/<(?:Latest|Uncommitted)>([^<]*)<\/(?:Latest|Uncommitted)>/g),
      ].map((match) => match[1] ?? '');
      const blocks = this.#blocks.get(artifact.id) ?? new Map<string, Buffer>();
      const parts: Buffer[] = [];
      for (const blockId of ids) {
        const block = blocks.get(blockId);
        if (!block) return xmlError(400, 'InvalidBlockList');
        parts.push(block);
      }
      artifact.bytes = Buffer.concat(parts);
      this.#blocks.delete(artifact.id);
      return created({ etag: `"0x${randomBytes(8).toString('hex')}"` });
    }
    if (req.method === 'GET' && comp === null) {
      if (!artifact.finalized || !artifact.bytes) return xmlError(404, 'BlobNotFound');
      res.writeHead(200, {
        'content-type': 'application/zip',
        'content-length': String(artifact.bytes.length),
      });
      res.end(artifact.bytes);
      return 200;
    }
    return xmlError(400, 'UnsupportedHttpVerb');
  }
}

function sameRun(a: WorkflowRun, b: WorkflowRun): boolean {
  return a.runBackendId === b.runBackendId;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
