import {
  type ApiRequest,
  AsanaApiError,
  DEFAULT_REQUEST_TIMEOUT_MS,
  InputError,
  isGid,
  parseApiError,
  printable,
  validateGid,
} from '@asana-exports/core/protocol';
import type {
  ILoadOptionsFunctions,
  INodeListSearchItems,
  INodeListSearchResult,
} from 'n8n-workflow';
import { toNodeError } from './errors';
import { readLocatedGid } from './params';
import { type CredentialType, createApiTransport } from './transport/apiTransport';
import { readBaseUrl } from './transport/credentials';

/**
 * The "From list" modes of descriptions/locators.ts: Asana's lists, read a page of 100 at a time
 * through its `offset` tokens, which become n8n's `paginationToken` ("load more" in the editor).
 * Asana's list endpoints take no name filter, so the search filters each page by name; a page
 * with no match reads the next one, at most MAX_PAGES_PER_CALL, so a search is bounded.
 */
const PAGE_LIMIT = '100';
const MAX_PAGES_PER_CALL = 5;

type ParentType = 'project' | 'portfolio' | 'team' | 'goal';
const PARENT_TYPES: readonly ParentType[] = ['project', 'portfolio', 'team', 'goal'];
const PARENT_LABELS: Readonly<Record<ParentType, string>> = {
  project: 'Project',
  portfolio: 'Portfolio',
  team: 'Team',
  goal: 'Goal',
};

interface Listed {
  readonly gid: string;
  readonly name: string;
  readonly isOrganization: boolean;
}

interface Page {
  readonly records: readonly Listed[];
  /** Asana's offset of the next page; undefined on the last. */
  readonly next: string | undefined;
}

type PageReader = (request: ApiRequest) => Promise<Page>;

export async function searchOrganizations(
  this: ILoadOptionsFunctions,
  filter?: string,
  paginationToken?: string,
): Promise<INodeListSearchResult> {
  return await searchWorkspaceList(this, filter, paginationToken, true);
}

export async function searchWorkspaces(
  this: ILoadOptionsFunctions,
  filter?: string,
  paginationToken?: string,
): Promise<INodeListSearchResult> {
  return await searchWorkspaceList(this, filter, paginationToken, false);
}

/** The projects, portfolios, teams and goals of the Workspace parameter, in that order. */
export async function searchParents(
  this: ILoadOptionsFunctions,
  filter?: string,
  paginationToken?: string,
): Promise<INodeListSearchResult> {
  try {
    const workspace = readListedWorkspace(this);
    const read = await pageReader(this);
    let { type, offset } = parseParentToken(paginationToken);
    const results: INodeListSearchItems[] = [];
    for (let pages = 0; pages < MAX_PAGES_PER_CALL && type !== undefined; pages++) {
      const page = await read(parentRequest(type, workspace, offset));
      for (const record of matching(page.records, filter)) {
        results.push({
          name: `${printable(record.name, 200)} (${PARENT_LABELS[type]})`,
          value: record.gid,
          url: `https://app.asana.com/1/${workspace}/${type}/${record.gid}`,
        });
      }
      offset = page.next;
      if (offset === undefined) type = PARENT_TYPES[PARENT_TYPES.indexOf(type) + 1];
      if (results.length > 0) break;
    }
    return {
      results,
      ...(type === undefined ? {} : { paginationToken: JSON.stringify({ type, offset }) }),
    };
  } catch (error) {
    throw toNodeError(this.getNode(), error, 0);
  }
}

async function searchWorkspaceList(
  context: ILoadOptionsFunctions,
  filter: string | undefined,
  paginationToken: string | undefined,
  organizationsOnly: boolean,
): Promise<INodeListSearchResult> {
  try {
    const read = await pageReader(context);
    let offset = paginationToken === '' ? undefined : paginationToken;
    const results: INodeListSearchItems[] = [];
    for (let pages = 0; pages < MAX_PAGES_PER_CALL; pages++) {
      const page = await read({
        method: 'GET',
        path: '/workspaces',
        query: withOffset({ opt_fields: 'name,is_organization', limit: PAGE_LIMIT }, offset),
      });
      for (const record of matching(page.records, filter)) {
        if (organizationsOnly && !record.isOrganization) continue;
        results.push({ name: printable(record.name, 200), value: record.gid });
      }
      offset = page.next;
      if (offset === undefined || results.length > 0) break;
    }
    return { results, ...(offset === undefined ? {} : { paginationToken: offset }) };
  } catch (error) {
    throw toNodeError(context.getNode(), error, 0);
  }
}

/**
 * The workspace the parents are listed from, read like the export's own gids (params.ts) and
 * checked before any request.
 */
function readListedWorkspace(context: ILoadOptionsFunctions): string {
  const gid = readLocatedGid('workspace', context.getCurrentNodeParameter('workspace'));
  if (gid.trim() === '') {
    throw new InputError(
      'workspace',
      'not picked; the parents are listed from a workspace',
      'Pick the Workspace first, or give the Parent By ID or By URL.',
    );
  }
  return validateGid('workspace', gid);
}

function parentRequest(type: ParentType, workspace: string, offset?: string): ApiRequest {
  const query = withOffset({ limit: PAGE_LIMIT }, offset);
  if (type === 'team') return { method: 'GET', path: `/workspaces/${workspace}/teams`, query };
  // No `owner` for portfolios: Asana then lists a service account every portfolio of the
  // workspace, and any other user the portfolios they own.
  return { method: 'GET', path: `/${type}s`, query: { ...query, workspace } };
}

/** Our token: which list, and Asana's offset in it. Only ever one this file wrote. */
function parseParentToken(token: string | undefined): {
  type: ParentType | undefined;
  offset: string | undefined;
} {
  if (token === undefined || token === '') return { type: 'project', offset: undefined };
  try {
    const parsed = JSON.parse(token) as { type?: unknown; offset?: unknown };
    if (PARENT_TYPES.includes(parsed.type as ParentType)) {
      const offset = typeof parsed.offset === 'string' ? parsed.offset : undefined;
      return { type: parsed.type as ParentType, offset };
    }
  } catch {
    // Below: not a token of ours.
  }
  throw new InputError('paginationToken', 'is not one this list gave', 'Search again.');
}

function withOffset(query: Record<string, string>, offset?: string): Record<string, string> {
  return offset === undefined ? query : { ...query, offset };
}

function matching(records: readonly Listed[], filter: string | undefined): Listed[] {
  const wanted = (filter ?? '').trim().toLowerCase();
  if (wanted === '') return [...records];
  return records.filter((record) => record.name.toLowerCase().includes(wanted));
}

/**
 * Reads pages through the node's API transport (n8n's authenticated request, the credential's
 * Base URL), which takes a load-options context as it takes an execution.
 */
async function pageReader(context: ILoadOptionsFunctions): Promise<PageReader> {
  const authentication = context.getCurrentNodeParameter('authentication') ?? 'accessToken';
  const credentialType: CredentialType =
    authentication === 'oAuth2' ? 'asanaExportsOAuth2Api' : 'asanaExportsApi';
  const baseUrl = await readBaseUrl(context, credentialType);
  const transport = createApiTransport(
    context,
    credentialType,
    baseUrl,
    DEFAULT_REQUEST_TIMEOUT_MS,
  );
  return async (request) => {
    const response = await transport.send(request, new AbortController().signal);
    if (response.status < 200 || response.status > 299) throw parseApiError(request, response);
    const page = parsePage(response.body);
    if (typeof page === 'string') {
      throw new AsanaApiError({
        status: response.status,
        reason: 'unexpected-response',
        method: request.method,
        path: request.path,
        problem: page,
      });
    }
    return page;
  };
}

/** A list answer, `{ data: [{ gid, name, is_organization? }], next_page }`, or what is wrong. */
export function parsePage(body: string): Page | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'the body is not JSON';
  }
  const { data, next_page: nextPage } = (parsed ?? {}) as { data?: unknown; next_page?: unknown };
  if (!Array.isArray(data)) return 'no data list';
  const records: Listed[] = [];
  for (const entry of data) {
    const { gid, name, is_organization: isOrganization } = (entry ?? {}) as Record<string, unknown>;
    if (typeof gid !== 'string' || !isGid(gid)) return 'a record without a numeric gid';
    records.push({
      gid,
      name: typeof name === 'string' ? name : gid,
      isOrganization: isOrganization === true,
    });
  }
  if (nextPage === undefined || nextPage === null) return { records, next: undefined };
  const offset = (nextPage as { offset?: unknown }).offset;
  if (typeof offset !== 'string' || offset === '') return 'a next_page without an offset';
  return { records, next: offset };
}
