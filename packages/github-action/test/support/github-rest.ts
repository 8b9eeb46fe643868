/**
 * A loopback stand-in for the GitHub REST endpoints the action reaches through Octokit and
 * `@actions/artifact`: list a repository's artifacts (filtered by exact name), download one (a
 * 302 to the artifact service's signed blob URL) and delete one. Artifacts come from the
 * `ArtifactService` stand-in, so what one run uploads, the next run finds.
 */

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { ArtifactService, StoredArtifact } from './artifact-service.js';
import { closeServer, listenOnLoopback } from './loopback-server.js';

export type ActionsPermission = 'none' | 'read' | 'write';

export interface RestRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly status: number;
  readonly authorization: string | undefined;
}

export class GitHubRest {
  readonly requests: RestRequest[] = [];
  /** The `actions` permission of the workflow token. */
  permission: ActionsPermission = 'write';
  /** What `GET /repos/{owner}/{repo}` says. */
  visibility: 'public' | 'private' | 'internal' = 'private';
  #server: Server | undefined;
  apiUrl = '';

  constructor(
    readonly service: ArtifactService,
    readonly repository: string,
    readonly token: string,
  ) {}

  static async start(
    service: ArtifactService,
    repository: string,
    token: string,
  ): Promise<GitHubRest> {
    const rest = new GitHubRest(service, repository, token);
    const { server, origin } = await listenOnLoopback((req, res) => rest.#handle(req, res));
    rest.#server = server;
    rest.apiUrl = origin;
    return rest;
  }

  close(): Promise<void> {
    return closeServer(this.#server);
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.apiUrl);
    let status = 500;
    const send = (
      code: number,
      payload?: unknown,
      headers: Record<string, string> = {},
    ): number => {
      status = code;
      res.writeHead(code, {
        ...(payload === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
        'x-github-api-version-selected': '2022-11-28',
        ...headers,
      });
      res.end(payload === undefined ? '' : JSON.stringify(payload));
      return code;
    };
    try {
      this.#route(req, url, send);
    } finally {
      this.requests.push({
        method: req.method ?? '',
        path: url.pathname,
        query: url.search,
        status,
        authorization: req.headers.authorization,
      });
    }
  }

  #route(
    req: IncomingMessage,
    url: URL,
    send: (status: number, payload?: unknown, headers?: Record<string, string>) => number,
  ): number {
    const auth = req.headers.authorization ?? '';
    if (auth !== `token ${this.token}` && auth !== `Bearer ${this.token}`) {
      return send(401, { message: 'Bad credentials', status: '401' });
    }
    const forbidden = () =>
      send(403, { message: 'Resource not accessible by integration', status: '403' });
    if (req.method === 'GET' && url.pathname === `/repos/${this.repository}`) {
      return send(200, {
        id: 1,
        full_name: this.repository,
        private: this.visibility !== 'public',
        visibility: this.visibility,
      });
    }
    const runMatch = new RegExp(`^/repos/${this.repository}/actions/runs/(\\d+)$`).exec(
      url.pathname,
    );
    if (req.method === 'GET' && runMatch) {
      if (this.permission === 'none') return forbidden();
      const run = this.service.runById(Number(runMatch[1]));
      if (!run) return send(404, { message: 'Not Found', status: '404' });
      return send(200, {
        id: run.runId,
        workflow_id: run.origin.workflowId,
        event: run.origin.event,
        head_branch: run.origin.headBranch,
        repository: { id: 1, full_name: this.repository },
        head_repository: { id: run.origin.headRepositoryId },
      });
    }
    const prefix = `/repos/${this.repository}/actions/artifacts`;
    if (!url.pathname.startsWith(prefix)) {
      return send(404, { message: 'Not Found', status: '404' });
    }
    const rest = url.pathname.slice(prefix.length);

    if (req.method === 'GET' && rest === '') {
      if (this.permission === 'none') return forbidden();
      const name = url.searchParams.get('name');
      const perPage = Number(url.searchParams.get('per_page') ?? 30);
      const page = Number(url.searchParams.get('page') ?? 1);
      const all = this.service
        .finished()
        .filter((artifact) => name === null || artifact.name === name)
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id);
      const slice = all.slice((page - 1) * perPage, page * perPage);
      const headers: Record<string, string> = {};
      if (page * perPage < all.length) {
        const next = new URL(url);
        next.searchParams.set('page', String(page + 1));
        headers.link = `<${next.href}>; rel="next"`;
      }
      return send(
        200,
        { total_count: all.length, artifacts: slice.map((a) => this.#describe(a)) },
        headers,
      );
    }
    const match = /^\/(\d+)(\/zip)?$/.exec(rest);
    const artifact = match
      ? this.service.finished().find((a) => a.id === Number(match[1]))
      : undefined;
    if (!match) return send(404, { message: 'Not Found', status: '404' });
    if (req.method === 'GET' && match[2] === undefined) {
      if (this.permission === 'none') return forbidden();
      if (!artifact) return send(404, { message: 'Not Found', status: '404' });
      return send(200, this.#describe(artifact));
    }
    if (req.method === 'GET' && match[2] === '/zip') {
      if (this.permission === 'none') return forbidden();
      if (!artifact) return send(404, { message: 'Not Found', status: '404' });
      return send(302, undefined, { location: this.service.downloadUrl(artifact) });
    }
    if (req.method === 'DELETE' && match[2] === undefined) {
      if (this.permission !== 'write') return forbidden();
      if (!artifact) return send(404, { message: 'Not Found', status: '404' });
      artifact.deleted = true;
      return send(204);
    }
    return send(404, { message: 'Not Found', status: '404' });
  }

  #describe(artifact: StoredArtifact) {
    const base = `${this.apiUrl}/repos/${this.repository}/actions/artifacts/${artifact.id}`;
    return {
      id: artifact.id,
      node_id: `MDg6QXJ0aWZhY3Q${artifact.id}`,
      name: artifact.name,
      size_in_bytes: artifact.bytes?.length ?? 0,
      url: base,
      archive_download_url: `${base}/zip`,
      expired: artifact.expiresAt !== undefined && artifact.expiresAt.getTime() < Date.now(),
      digest: artifact.digest ?? null,
      created_at: artifact.createdAt.toISOString(),
      updated_at: artifact.createdAt.toISOString(),
      expires_at: (artifact.expiresAt ?? new Date(Date.now() + 90 * 86_400_000)).toISOString(),
      workflow_run: {
        id: artifact.run.runId,
        repository_id: 1,
        head_repository_id: artifact.run.origin.headRepositoryId,
        head_branch: artifact.run.origin.headBranch,
        head_sha: '0123456789abcdef0123456789abcdef01234567',
      },
    };
  }
}
