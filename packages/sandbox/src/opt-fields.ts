/**
 * `opt_fields` where Asana's OpenAPI description offers it among the export endpoints:
 * `GET /jobs/{job_gid}` and `POST`/`GET` organization exports (the resource and graph creates
 * offer none, so there it stays ignored). Each offers an enumerated list of paths; the sandbox
 * also takes `gid` and `resource_type`, which every object has. Anything else is refused, so a
 * client that relies on a path Asana does not document finds out here.
 */
import { type FieldTree, fieldTree, selectFields } from './field-selection.js';
import type { Validation } from './request-validation.js';

/** The `opt_fields` enum of `GET /jobs/{job_gid}` in Asana's description. */
const JOB_FIELDS = [
  'new_graph_export',
  'new_graph_export.completed_at',
  'new_graph_export.created_at',
  'new_graph_export.download_url',
  'new_portfolio',
  'new_portfolio.name',
  'new_project',
  'new_project.name',
  'new_project_template',
  'new_project_template.name',
  'new_resource_export',
  'new_resource_export.completed_at',
  'new_resource_export.created_at',
  'new_resource_export.download_url',
  'new_task',
  'new_task.created_by',
  'new_task.name',
  'new_task.resource_subtype',
  'resource_subtype',
  'status',
];

/** The `opt_fields` enum of the organization export endpoints in Asana's description. */
const ORGANIZATION_EXPORT_FIELDS = [
  'created_at',
  'download_url',
  'organization',
  'organization.name',
  'state',
];

export type OptFieldsEndpoint = 'job' | 'organization_export';

const OFFERED: Record<OptFieldsEndpoint, ReadonlySet<string>> = {
  job: withIdentity(JOB_FIELDS),
  organization_export: withIdentity(ORGANIZATION_EXPORT_FIELDS),
};

/**
 * The paths asked for, or undefined when `opt_fields` is absent or empty (the default
 * representation then). Comma-separated, as the description's `explode: false` has it.
 */
export function parseOptFields(
  query: URLSearchParams,
  endpoint: OptFieldsEndpoint,
): Validation<FieldTree | undefined> {
  const values = query.getAll('opt_fields');
  const paths = values.flatMap((value) => value.split(',')).filter((path) => path !== '');
  if (paths.length === 0) return { ok: true, value: undefined };
  const offered = OFFERED[endpoint];
  const unknown = paths.find((path) => !offered.has(path));
  if (unknown !== undefined) {
    return {
      ok: false,
      message: `opt_fields: Unknown field ${JSON.stringify(unknown)}. This endpoint offers: ${[...offered].join(', ')}`,
    };
  }
  return { ok: true, value: fieldTree(paths) };
}

/** The representation cut down to `fields`; top-level paths it lacks (`new_task`) come as null. */
export function withOptFields(
  representation: Record<string, unknown>,
  fields: FieldTree | undefined,
): unknown {
  if (fields === undefined) return representation;
  const full: Record<string, unknown> = { ...representation };
  for (const name of fields.keys()) if (!(name in full)) full[name] = null;
  return selectFields(full as Parameters<typeof selectFields>[0], fields);
}

function withIdentity(paths: readonly string[]): ReadonlySet<string> {
  // The fields that hold objects are those with paths below them.
  const objects = paths.filter((name) => paths.some((path) => path.startsWith(`${name}.`)));
  return new Set([
    'gid',
    'resource_type',
    ...paths,
    ...objects.flatMap((name) => [`${name}.gid`, `${name}.resource_type`]),
  ]);
}
