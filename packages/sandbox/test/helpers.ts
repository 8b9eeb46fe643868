import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { type Sandbox, type Scenario, startSandbox } from '../src/index.js';

/** One cache directory per test file, removed afterwards, so runs never share stale files. */
export const CACHE_DIR = mkdtempSync(join(tmpdir(), 'asana-exports-sandbox-test-'));
afterAll(() => rmSync(CACHE_DIR, { recursive: true, force: true }));

export const FAST: Partial<Scenario> = { durationMs: 200, contentBytes: 32 * 1024 };

export function startTestSandbox(scenario: Partial<Scenario> = {}): Promise<Sandbox> {
  return startSandbox({ cacheDir: CACHE_DIR, scenario: { ...FAST, ...scenario } });
}

let nextGid = 1_300_000_000_000_000;
/** A gid no other test uses, so the one-export-per-workspace rule never couples tests. */
export function uniqueGid(): string {
  nextGid += 1;
  return String(nextGid);
}

export interface ExportObject {
  gid: string;
  resource_type: string;
  created_at: string;
  completed_at: string | null;
  download_url: string | null;
}

/** The union of OrganizationExport and Job fields, as tests read them. */
export interface ExportData {
  gid: string;
  resource_type: string;
  resource_subtype?: string;
  created_at?: string;
  state?: string;
  status?: string;
  download_url?: string | null;
  organization?: { gid: string; resource_type: string; name: string };
  new_resource_export?: ExportObject;
  new_graph_export?: ExportObject;
}

export interface AsanaError {
  message: string;
  help: string;
  phrase?: string;
}

export interface ApiBody {
  data?: ExportData;
  errors?: AsanaError[];
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: ApiBody;
}

export function dataOf(response: ApiResponse): ExportData {
  if (response.body.data === undefined) {
    throw new Error(`expected data, got ${response.status} ${JSON.stringify(response.body)}`);
  }
  return response.body.data;
}

export function errorOf(response: ApiResponse): AsanaError {
  const [error] = response.body.errors ?? [];
  if (error === undefined) throw new Error(`expected errors, got ${JSON.stringify(response.body)}`);
  return error;
}

export async function api(
  sandbox: Sandbox,
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; token?: string | null } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  const token = options.token === undefined ? sandbox.token : options.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  const body =
    options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const response = await fetch(`${sandbox.apiUrl}${path}`, { method, headers, body });
  const text = await response.text();
  const parsed = (text === '' ? {} : JSON.parse(text)) as ApiBody;
  return { status: response.status, headers: response.headers, body: parsed };
}

export type Kind = 'organization' | 'resource' | 'graph';

/** Creates an export of `kind` and returns the gid to poll and the path to poll it at. */
export async function createExport(
  sandbox: Sandbox,
  kind: Kind,
  resourceTypes: string[] = ['task'],
): Promise<{ gid: string; statusPath: string; created: ApiResponse }> {
  if (kind === 'organization') {
    const created = await api(sandbox, 'POST', '/organization_exports', {
      body: { data: { organization: uniqueGid() } },
    });
    const { gid } = dataOf(created);
    return { gid, statusPath: `/organization_exports/${gid}`, created };
  }
  const body =
    kind === 'graph'
      ? { data: { parent: uniqueGid() } }
      : {
          data: {
            workspace: uniqueGid(),
            export_request_parameters: resourceTypes.map((resource_type) => ({ resource_type })),
          },
        };
  const created = await api(sandbox, 'POST', `/exports/${kind}`, { body });
  const { gid } = dataOf(created);
  return { gid, statusPath: `/jobs/${gid}`, created };
}

/** The download URL of a finished export, read from a status response. */
export function downloadUrlOf(data: ExportData): string | null {
  return (
    data.download_url ??
    data.new_resource_export?.download_url ??
    data.new_graph_export?.download_url ??
    null
  );
}

/** Polls until the export is done and returns the last status response's `data`. */
export async function waitUntilDone(sandbox: Sandbox, statusPath: string): Promise<ExportData> {
  for (;;) {
    const data = dataOf(await api(sandbox, 'GET', statusPath));
    const state = data.state ?? data.status ?? '';
    if (['finished', 'error', 'succeeded', 'failed'].includes(state)) return data;
    await sleep(40);
  }
}

/** Creates an export, waits for it, and returns a fresh download URL and the gid. */
export async function finishedExport(
  sandbox: Sandbox,
  kind: Kind = 'graph',
  resourceTypes?: string[],
): Promise<{ gid: string; url: string; statusPath: string }> {
  const { gid, statusPath } = await createExport(sandbox, kind, resourceTypes);
  const data = await waitUntilDone(sandbox, statusPath);
  const url = downloadUrlOf(data);
  if (url === null) throw new Error(`export ${gid} finished without a download URL`);
  return { gid, url, statusPath };
}

export async function download(url: string, init: RequestInit = {}) {
  const response = await fetch(url, init);
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
