/**
 * The list endpoints pick-lists read: `GET /workspaces` and the parents of a workspace
 * (`/projects`, `/portfolios`, `/goals` with `?workspace=`, and `/workspaces/{gid}/teams` or its
 * alias `/organizations/{gid}/teams`), paginated as Asana's OpenAPI description has it: `limit`
 * from 1 to 100, an opaque `offset` token, and `next_page: { offset, path, uri }` (null on the
 * last page) present only when a `limit` was given; without one, everything in one answer.
 */
import { findWorkspace, type Listed, type ParentType, parentsOf, WORKSPACES } from './directory.js';
import { unknownObjectMessage } from './errors.js';

export interface NextPage {
  offset: string;
  path: string;
  uri: string;
}

export type ListAnswer =
  | { ok: true; body: { data: Record<string, unknown>[]; next_page?: NextPage | null } }
  | { ok: false; status: 400 | 404; message: string };

const WORKSPACE_FIELDS = new Set([
  'gid',
  'resource_type',
  'name',
  'is_organization',
  'email_domains',
]);

/** `apiBase`: the API's origin and `/api/1.0`, which `next_page.uri` starts with. */
export function listWorkspaces(url: URL, apiBase: string): ListAnswer {
  const requested = url.searchParams
    .getAll('opt_fields')
    .flatMap((value) => value.split(','))
    .filter((field) => field !== '');
  const unknown = requested.find((field) => !WORKSPACE_FIELDS.has(field));
  if (unknown !== undefined) {
    return {
      ok: false,
      status: 400,
      message: `opt_fields: Unknown field ${JSON.stringify(unknown)}. This endpoint offers: ${[...WORKSPACE_FIELDS].join(', ')}`,
    };
  }
  const records = WORKSPACES.map((workspace) => {
    const full: Record<string, unknown> = {
      gid: workspace.gid,
      resource_type: 'workspace',
      name: workspace.name,
      is_organization: workspace.isOrganization,
      email_domains: workspace.isOrganization ? ['sandbox.invalid'] : [],
    };
    // The compact record by default; with opt_fields, the gid and what was asked for.
    const fields =
      requested.length === 0 ? ['gid', 'resource_type', 'name'] : ['gid', ...requested];
    return Object.fromEntries(fields.map((field) => [field, full[field]]));
  });
  return paginate(records, url, apiBase, 'workspaces');
}

/**
 * The parents of `type` in the workspace of the query (`workspace=`) or, for teams, of the path.
 * The sandbox keeps no team membership: projects are listed by workspace only.
 */
export function listParents(
  type: ParentType,
  url: URL,
  apiBase: string,
  pathWorkspace?: string,
): ListAnswer {
  const workspace = pathWorkspace ?? url.searchParams.get('workspace') ?? '';
  if (workspace === '') {
    return { ok: false, status: 400, message: 'workspace: Missing input' };
  }
  if (!/^\d{1,19}$/.test(workspace)) {
    return { ok: false, status: 400, message: `workspace: Not a valid gid: ${workspace}` };
  }
  const parents = parentsOf(workspace, type);
  if (parents === undefined)
    return { ok: false, status: 404, message: unknownObjectMessage(workspace) };
  // Teams exist in organizations only; a personal workspace has none to list.
  const listedParents =
    type === 'team' && findWorkspace(workspace)?.isOrganization !== true ? [] : parents;
  const records = listedParents.map((parent: Listed) => ({
    gid: parent.gid,
    resource_type: type,
    name: parent.name,
  }));
  return paginate(records, url, apiBase, `${type}:${workspace}`);
}

function paginate(
  records: Record<string, unknown>[],
  url: URL,
  apiBase: string,
  listing: string,
): ListAnswer {
  const limitText = url.searchParams.get('limit');
  const offsetText = url.searchParams.get('offset');
  let start = 0;
  if (offsetText !== null) {
    const decoded = decodeOffset(offsetText, listing);
    if (decoded === undefined || decoded > records.length) {
      return {
        ok: false,
        status: 400,
        message:
          'offset: Your pagination token is invalid. Use the offset of a next_page you were given.',
      };
    }
    start = decoded;
  }
  if (limitText === null) return { ok: true, body: { data: records.slice(start) } };
  const limit = Number(limitText);
  if (!/^\d+$/.test(limitText) || limit < 1 || limit > 100) {
    return { ok: false, status: 400, message: 'limit: Must be between 1 and 100' };
  }
  const end = start + limit;
  const data = records.slice(start, end);
  if (end >= records.length) return { ok: true, body: { data, next_page: null } };
  const offset = encodeOffset(listing, end);
  const query = new URLSearchParams(url.searchParams);
  query.set('offset', offset);
  const path = `${url.pathname.replace(/^\/api\/1\.0/, '')}?${query.toString()}`;
  return { ok: true, body: { data, next_page: { offset, path, uri: `${apiBase}${path}` } } };
}

/** Opaque to clients, like Asana's; bound to its listing so that one list's token fails another. */
function encodeOffset(listing: string, index: number): string {
  return Buffer.from(JSON.stringify({ listing, index })).toString('base64url');
}

function decodeOffset(token: string, listing: string): number | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { listing: tokenListing, index } = parsed as { listing?: unknown; index?: unknown };
    if (tokenListing !== listing || typeof index !== 'number' || !Number.isSafeInteger(index)) {
      return undefined;
    }
    return index < 0 ? undefined : index;
  } catch {
    return undefined;
  }
}
