/**
 * The short way to ask for a resource export, shared by the CLI and the action: a list of
 * resource types, one list of fields, and one map of filters applied to every type that accepts
 * each filter. A filter that no listed type accepts is an error rather than silently dropped.
 */

import { InputError } from './errors.js';
import { type ExportRequestInput, FILTERS_BY_RESOURCE_TYPE, RESOURCE_TYPES } from './params.js';

export interface ResourceLists {
  /** Resource types as typed; default `task`. */
  readonly types: readonly string[];
  readonly fields: readonly string[] | undefined;
  readonly filters: Readonly<Record<string, unknown>>;
}

/** The names of the inputs the lists came from, for error messages. */
export interface ResourceListInputs {
  readonly types: string;
  readonly filters: string;
}

/** What a resource export exports when no type is given. */
export const DEFAULT_RESOURCE_TYPES: readonly string[] = ['task'];

export function spreadResourceLists(
  lists: ResourceLists,
  inputs: ResourceListInputs,
): NonNullable<ExportRequestInput['resources']> {
  const types = lists.types.length > 0 ? lists.types : DEFAULT_RESOURCE_TYPES;
  const unknown = types.find((type) => !(RESOURCE_TYPES as readonly string[]).includes(type));
  if (unknown !== undefined) {
    throw new InputError(
      inputs.types,
      `"${unknown}" is not a resource type; expected one or more of ${RESOURCE_TYPES.join(', ')}`,
    );
  }
  for (const name of Object.keys(lists.filters)) {
    if (!types.some((type) => filtersOf(type).includes(name))) {
      throw new InputError(
        inputs.filters,
        `${name} applies to none of the resource types ${types.join(', ')}`,
        `Filters by resource type: ${describeFiltersByType()}.`,
      );
    }
  }
  return types.map((type) => {
    const own = Object.entries(lists.filters).filter(([name]) => filtersOf(type).includes(name));
    return {
      resourceType: type,
      ...(lists.fields ? { fields: [...lists.fields] } : {}),
      ...(own.length > 0 ? { filters: Object.fromEntries(own) } : {}),
    };
  });
}

/** The filters a resource type accepts; none for an unknown type. */
export function filtersOf(type: string | undefined): readonly string[] {
  return (
    (FILTERS_BY_RESOURCE_TYPE as Readonly<Record<string, readonly string[]>>)[type ?? ''] ?? []
  );
}

/** `task: created_at.after, …; team: none; …`, for hints. */
export function describeFiltersByType(): string {
  return RESOURCE_TYPES.map((type) => {
    const names = FILTERS_BY_RESOURCE_TYPE[type];
    return `${type}: ${names.length > 0 ? names.join(', ') : 'none'}`;
  }).join('; ');
}

/** `a, b\nc` → `['a', 'b', 'c']`: commas or line breaks, as CLI flags and YAML inputs write lists. */
export function splitList(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
