/**
 * What changed between two versions of one record: the top-level fields whose values differ, and
 * for `custom_fields` (an array of `{gid, name, display_value, ...}` on tasks and projects) which
 * custom fields, by gid, with their names. Values are compared as JSON values: key order does
 * not matter, array order does (Asana keeps it meaningful: followers, memberships).
 *
 * Pure; the values come from JSON.parse of records already bounded in size and depth.
 */

/** One custom field of a record whose entry differs between the two versions. */
export interface CustomFieldChange {
  readonly gid: string;
  /** Its name in the newer version, else in the older one. */
  readonly name: string;
  /** Its name in the older version, when it was renamed in between. */
  readonly previousName: string | undefined;
  /** `display_value` when the entry has one, else the whole entry; undefined when absent. */
  readonly before: unknown;
  readonly after: unknown;
}

export interface RecordChanges {
  /** Top-level field names whose values differ (one side may lack it), sorted. */
  readonly fields: readonly string[];
  /** Entries of `custom_fields` that differ, by custom field gid, sorted by gid. */
  readonly customFields: readonly CustomFieldChange[];
}

export const CUSTOM_FIELDS = 'custom_fields';

export type JsonObject = { readonly [key: string]: unknown };

export function compareRecords(before: JsonObject, after: JsonObject): RecordChanges {
  const fields: string[] = [];
  for (const key of unionKeys(before, after)) {
    if (!jsonEqual(before[key], after[key])) fields.push(key);
  }
  fields.sort();
  const customFields = fields.includes(CUSTOM_FIELDS)
    ? compareCustomFields(before[CUSTOM_FIELDS], after[CUSTOM_FIELDS])
    : [];
  return { fields, customFields };
}

function compareCustomFields(before: unknown, after: unknown): CustomFieldChange[] {
  const older = entriesByGid(before);
  const newer = entriesByGid(after);
  const changes: CustomFieldChange[] = [];
  for (const gid of [...new Set([...older.keys(), ...newer.keys()])].sort()) {
    const was = older.get(gid);
    const is = newer.get(gid);
    if (jsonEqual(was, is)) continue;
    const previousName = nameOf(was);
    const name = nameOf(is) ?? previousName ?? gid;
    changes.push({
      gid,
      name,
      previousName: previousName !== undefined && previousName !== name ? previousName : undefined,
      before: shownValue(was),
      after: shownValue(is),
    });
  }
  return changes;
}

/** Entries that are objects with a string gid; anything else in the array is not a custom field. */
function entriesByGid(value: unknown): Map<string, JsonObject> {
  const entries = new Map<string, JsonObject>();
  if (!Array.isArray(value)) return entries;
  for (const entry of value) {
    if (isObject(entry) && typeof entry.gid === 'string') entries.set(entry.gid, entry);
  }
  return entries;
}

function nameOf(entry: JsonObject | undefined): string | undefined {
  return typeof entry?.name === 'string' ? entry.name : undefined;
}

function shownValue(entry: JsonObject | undefined): unknown {
  if (entry === undefined) return undefined;
  return 'display_value' in entry ? entry.display_value : entry;
}

function unionKeys(a: JsonObject, b: JsonObject): string[] {
  const keys = new Set(Object.keys(a));
  for (const key of Object.keys(b)) keys.add(key);
  return [...keys];
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Deep equality of two JSON values, iterative so that nesting as deep as the record reader allows
 * (MAX_JSON_DEPTH) cannot exhaust the stack.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  const pending: [unknown, unknown][] = [[a, b]];
  while (pending.length > 0) {
    const [x, y] = pending.pop() as [unknown, unknown];
    if (x === y) continue;
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
    if (Array.isArray(x)) {
      if (!Array.isArray(y) || x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) pending.push([x[i], y[i]]);
      continue;
    }
    if (Array.isArray(y)) return false;
    const xKeys = Object.keys(x);
    if (xKeys.length !== Object.keys(y).length) return false;
    for (const key of xKeys) {
      if (!Object.hasOwn(y, key)) return false;
      pending.push([(x as JsonObject)[key], (y as JsonObject)[key]]);
    }
  }
  return true;
}
