/**
 * What a resource export shows of the workspace: the `export_request_parameters` applied to each
 * generated record. An entry takes the records of its `resource_type` that pass all of its filters
 * (AND), shown with its `fields`; several entries of one type are OR-ed, and a record that passes
 * several shows once per entry, as Asana warns it "may result in duplicate resources". Filters
 * read the whole record, whatever `fields` keeps of it.
 *
 * The parameters are kept in a canonical form (fields and gids sorted and distinct, dates as
 * instants, entries sorted), so that two requests asking the same thing share a cache entry, and
 * the lines of a record follow that order rather than the request's.
 */
import { type FieldTree, fieldTree, selectFields } from './field-selection.js';
import type { GeneratedRecord, Json, JsonRecord } from './records.js';
import type { ResourceType } from './types.js';

export type DateFilter =
  | 'created_at.after'
  | 'created_at.before'
  | 'modified_at.after'
  | 'modified_at.before';

export type UserFilter =
  | 'created_by.any'
  | 'followers.any'
  | 'liked_by.any'
  | 'commented_on_by.any'
  | 'assigned_by.any'
  | 'assignee.any';

type FilterName = DateFilter | UserFilter;

const SHARED_FILTERS: readonly FilterName[] = [
  'created_at.after',
  'created_at.before',
  'modified_at.after',
  'modified_at.before',
  'created_by.any',
  'followers.any',
  'liked_by.any',
  'commented_on_by.any',
];

/**
 * The filters each resource type accepts; teams accept none. Written out from Asana's
 * description (`ResourceExportFilters`) rather than imported from core on purpose: the sandbox
 * stands in for Asana, so a mistake in core's own table must make tests fail, not be mirrored.
 */
export const FILTERS_BY_TYPE: Record<ResourceType, readonly FilterName[]> = {
  task: [...SHARED_FILTERS, 'assigned_by.any', 'assignee.any'],
  message: SHARED_FILTERS,
  team: [],
};

/** Date filters as milliseconds since the epoch; user filters as sorted, distinct gids. */
export type ResourceFilters = Partial<Record<DateFilter, number> & Record<UserFilter, string[]>>;

export interface ExportParameter {
  resourceType: ResourceType;
  /** Sorted and distinct; undefined (also for an empty list) means Asana's default fields. */
  fields: string[] | undefined;
  /** Keys sorted; empty for none. */
  filters: ResourceFilters;
}

/** The canonical form of the parameters: see the module comment. */
export function canonicalParameters(parameters: readonly ExportParameter[]): ExportParameter[] {
  return parameters
    .map(({ resourceType, fields, filters }) => ({
      resourceType,
      fields: fields === undefined || fields.length === 0 ? undefined : sortedDistinct(fields),
      filters: Object.fromEntries(
        Object.entries(filters)
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([name, value]) => [name, Array.isArray(value) ? sortedDistinct(value) : value]),
      ) as ResourceFilters,
    }))
    .sort((a, b) => {
      const [left, right] = [JSON.stringify(a), JSON.stringify(b)];
      return left < right ? -1 : left > right ? 1 : 0;
    });
}

/** True unless the parameters are one bare entry per type: then the file is the whole workspace. */
export function narrows(parameters: readonly ExportParameter[]): boolean {
  const types = new Set(parameters.map((entry) => entry.resourceType));
  return (
    types.size < parameters.length ||
    parameters.some((entry) => entry.fields !== undefined || Object.keys(entry.filters).length > 0)
  );
}

/** A line as the export shows it; `resourceType` is undefined when `fields` left it out. */
export interface ShownLine {
  line: string;
  resourceType: string | undefined;
}

interface Entry {
  filters: ResourceFilters;
  fields: FieldTree | undefined;
}

export class ExportSelection {
  readonly #byType = new Map<string, Entry[]>();

  /** With no parameters (organization and graph exports) every record shows as it is. */
  constructor(parameters: readonly ExportParameter[]) {
    for (const { resourceType, fields, filters } of parameters) {
      const entries = this.#byType.get(resourceType) ?? [];
      entries.push({ filters, fields: fields === undefined ? undefined : fieldTree(fields) });
      this.#byType.set(resourceType, entries);
    }
  }

  /** The lines the export holds for `record`: none, one, or one per entry it passes. */
  show(record: GeneratedRecord): ShownLine[] {
    const entries = this.#byType.get(record.resourceType);
    if (entries === undefined) return [asIs(record)];
    return entries
      .filter((entry) => passes(record.record, entry.filters))
      .map((entry) => shown(record, entry.fields));
  }

  /** `record` with the fields of the first entry of its type, whatever the filters say. */
  showAnyway(record: GeneratedRecord): ShownLine {
    const [entry] = this.#byType.get(record.resourceType) ?? [];
    return entry === undefined ? asIs(record) : shown(record, entry.fields);
  }
}

function asIs(record: GeneratedRecord): ShownLine {
  return { line: record.line, resourceType: record.resourceType };
}

function shown(record: GeneratedRecord, fields: FieldTree | undefined): ShownLine {
  if (fields === undefined) return asIs(record);
  const selected = selectFields(record.record, fields) as { [key: string]: Json };
  const type = selected.resource_type;
  return {
    line: JSON.stringify(selected),
    resourceType: typeof type === 'string' ? type : undefined,
  };
}

/** Each filter against the record; "after" and "before" are strict. */
function passes(record: JsonRecord, filters: ResourceFilters): boolean {
  return Object.entries(filters).every(([name, value]) => {
    if (typeof value === 'number') {
      const [field, side] = name.split('.') as [string, 'after' | 'before'];
      const at = record[field];
      const time = typeof at === 'string' ? Date.parse(at) : Number.NaN;
      return side === 'after' ? time > value : time < value;
    }
    const wanted = new Set(value);
    return usersFor(record, name as UserFilter).some((gid) => wanted.has(gid));
  });
}

/** The gids of the users a user filter looks at in a record. */
function usersFor(record: JsonRecord, filter: UserFilter): string[] {
  switch (filter) {
    case 'created_by.any':
      return gids([record.created_by]);
    case 'assignee.any':
      return gids([record.assignee]);
    case 'assigned_by.any':
      return gids([record.assigned_by]);
    case 'followers.any':
      return gids(asArray(record.followers));
    case 'liked_by.any':
      return gids(asArray(record.likes).map((like) => member(like, 'user')));
    case 'commented_on_by.any':
      return gids(
        asArray(record.stories)
          .filter((story) => member(story, 'resource_subtype') === 'comment_added')
          .map((story) => member(story, 'created_by')),
      );
  }
}

function gids(values: readonly (Json | undefined)[]): string[] {
  return values
    .map((value) => member(value, 'gid'))
    .filter((gid): gid is string => typeof gid === 'string');
}

function member(value: Json | undefined, key: string): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? value[key]
    : undefined;
}

function asArray(value: Json | undefined): Json[] {
  return Array.isArray(value) ? value : [];
}

function sortedDistinct(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}
