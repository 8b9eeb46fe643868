/**
 * A local stand-in for Asana's export API and its presigned download host, over loopback HTTP.
 * `startSandbox()` listens on three origins (the API, an S3-like download host, and a regional
 * twin of it that redirects point at) and returns a handle to steer scenarios, inject faults and
 * inspect what clients sent.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SandboxContext } from './context.js';
import { parseFault } from './faults.js';
import { handleApiRequest } from './server-api.js';
import { handleDownloadRequest } from './server-download.js';
import type {
  ExportFileInfo,
  ExportKind,
  ExportTarget,
  Fault,
  RecordedRequest,
  Sandbox,
  SandboxOptions,
  Scenario,
} from './types.js';

export type { Listed, ParentType, Workspace } from './directory.js';
export { parentsOf, WORKSPACES } from './directory.js';
export type { RevisionChanges, TypeChanges } from './revisions.js';
export { RENAMED_CUSTOM_FIELD } from './revisions.js';
export { DEFAULT_SCENARIO, SandboxInputError } from './scenario.js';
export type {
  ContentLayout,
  Corruption,
  DripPace,
  ExportFileInfo,
  ExportTarget,
  Fault,
  FaultRoute,
  Garble,
  RecordedRequest,
  RedirectStatus,
  RevisionEdits,
  Sandbox,
  SandboxOptions,
  Scenario,
} from './types.js';

export const DEFAULT_TOKEN = 'sandbox-token';

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const apiServer = createServer();
  const downloadServer = createServer();
  const regionalServer = createServer();
  const servers = [apiServer, downloadServer, regionalServer];
  try {
    // All listen before any handles a request: the API must know the download origins.
    const downloadPort = await listen(downloadServer, host, options.downloadPort ?? 0);
    const regionalPort = await listen(regionalServer, host, options.regionalDownloadPort ?? 0);
    const apiPort = await listen(apiServer, host, options.apiPort ?? 0);
    const context = new SandboxContext({
      token: options.token ?? DEFAULT_TOKEN,
      apiBase: `${origin(host, apiPort)}/api/1.0`,
      downloadOrigin: origin(host, downloadPort),
      regionalDownloadOrigin: origin(host, regionalPort),
      cacheDir: options.cacheDir ?? join(tmpdir(), 'asana-exports-sandbox'),
      scenario: options.scenario,
      onRequest: options.onRequest,
    });
    apiServer.on('request', (req, res) => void handleApiRequest(context, req, res));
    downloadServer.on(
      'request',
      (req, res) => void handleDownloadRequest(context, req, res, 'primary'),
    );
    regionalServer.on(
      'request',
      (req, res) => void handleDownloadRequest(context, req, res, 'regional'),
    );
    return new RunningSandbox(context, context.apiBase, servers);
  } catch (error) {
    await Promise.all(servers.map(stop));
    throw error;
  }
}

class RunningSandbox implements Sandbox {
  readonly apiUrl: string;
  readonly downloadOrigin: string;
  readonly regionalDownloadOrigin: string;
  readonly token: string;
  readonly #context: SandboxContext;
  readonly #servers: readonly Server[];
  #closing: Promise<void> | undefined;

  constructor(context: SandboxContext, apiUrl: string, servers: readonly Server[]) {
    this.#context = context;
    this.#servers = servers;
    this.apiUrl = apiUrl;
    this.downloadOrigin = context.downloadOrigin;
    this.regionalDownloadOrigin = context.regionalDownloadOrigin;
    this.token = context.token;
  }

  get requests(): readonly RecordedRequest[] {
    return [...this.#context.log.all];
  }

  get downloadAuthViolations(): readonly RecordedRequest[] {
    return [...this.#context.log.downloadAuthViolations];
  }

  configure(scenario: Partial<Scenario>): void {
    this.#context.configure(scenario);
  }

  inject(fault: Fault): void {
    this.#context.faults.add(parseFault(fault));
  }

  clearFaults(): void {
    this.#context.faults.clear();
  }

  async startExport(target: ExportTarget): Promise<string> {
    const [path, data] =
      'parent' in target
        ? ['exports/graph', { parent: target.parent }]
        : [
            'exports/resource',
            {
              workspace: target.workspace,
              export_request_parameters: [{ resource_type: 'task' }],
            },
          ];
    const response = await fetch(`${this.apiUrl}/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ data }),
    });
    const text = await response.text();
    if (response.status !== 201) {
      throw new Error(`The sandbox answered ${response.status} to POST /${path}: ${text}`);
    }
    return (JSON.parse(text) as { data: { gid: string } }).data.gid;
  }

  async exportFile(gid: string): Promise<ExportFileInfo> {
    const info = await this.#context.fileInfo(gid);
    if (info === undefined) throw new RangeError(`No export or job with gid ${gid}`);
    return info;
  }

  exportTarget(gid: string): { readonly kind: ExportKind; readonly gid: string } {
    const record = this.#context.store.find(gid);
    if (record === undefined) throw new RangeError(`No export or job with gid ${gid}`);
    return { kind: record.kind, gid: record.scopeGid };
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.all(this.#servers.map(stop));
      await this.#context.close();
    })();
    return this.#closing;
  }
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stops accepting connections and drops idle and active ones: tests must not wait on keep-alive. */
function stop(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function origin(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
