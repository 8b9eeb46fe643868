/**
 * Asana's field selection, shared by `opt_fields` on the API and `fields` of resource exports
 * (which the description says "conforms to" it): the answer holds exactly the listed paths,
 * `assignee.name` reaching into a nested object or into each element of an array, and "the id of
 * included objects will always be returned, regardless of the field options": every object keeps
 * its `gid`, and a path that names an object without going into it yields that object's gid only.
 * Nothing else is added (`resource_type` only when asked for). Paths the object does not carry are
 * left out; the caller decides whether a path is one it accepts at all.
 */
import type { Json } from './records.js';

/** Field paths as a tree: each name maps to the paths below it; an empty map is a leaf. */
export type FieldTree = ReadonlyMap<string, FieldTree>;

const SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** True for `name`, `assignee.name`, `custom_fields.enum_value.color`: dot-separated names. */
export function isFieldPath(path: string): boolean {
  return path.split('.').every((segment) => SEGMENT.test(segment));
}

export function fieldTree(paths: readonly string[]): FieldTree {
  const root = new Map<string, Map<string, FieldTree>>();
  for (const path of paths) {
    let level = root;
    for (const segment of path.split('.')) {
      let next = level.get(segment);
      if (next === undefined) {
        next = new Map();
        level.set(segment, next);
      }
      level = next as Map<string, Map<string, FieldTree>>;
    }
  }
  return root;
}

/** `value` reduced to the fields of `tree` (and the gids), keys in the value's own order. */
export function selectFields(value: Json, tree: FieldTree): Json {
  if (Array.isArray(value)) return value.map((element) => selectFields(element, tree));
  if (!isObject(value)) return value;
  const selected: { [key: string]: Json } = {};
  if ('gid' in value) selected.gid = value.gid as Json;
  for (const [key, field] of Object.entries(value)) {
    const below = tree.get(key);
    if (key === 'gid' || below === undefined) continue;
    selected[key] = below.size === 0 ? compact(field) : selectFields(field, below);
  }
  return selected;
}

/** What a path naming `value` without going into it shows: objects shrink to their gid. */
function compact(value: Json): Json {
  if (Array.isArray(value)) return value.map(compact);
  if (!isObject(value)) return value;
  if ('gid' in value) return { gid: value.gid as Json };
  // An object without a gid of its own (a membership, an effort) shows its members compactly.
  return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, compact(field)]));
}

function isObject(value: Json): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
