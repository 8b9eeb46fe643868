/**
 * The change report between two exports of one kind and target: counts per `resource_type`, the
 * fields that changed and how often, custom fields renamed, and a bounded sample of examples. The
 * tally is fed record by record (in any order) by whoever reads the files, and builds the report,
 * a stable JSON document (`diffReportVersion`), at the end.
 *
 * Memory stays bounded whatever the input: examples, field names and renames are capped, and
 * every value taken from a record is cut and made printable before it is kept.
 */
import { jsonEqual, type RecordChanges } from './diff-fields.js';
import type { ExportKind } from './kinds.js';
import type { Manifest } from './manifest.js';
import { printable } from './text.js';
import { TOOL_NAME, TOOL_VERSION } from './version.js';

export const DIFF_REPORT_VERSION = 1;

/** How many examples of each sort (added, removed, changed) the report keeps. */
export const DIFF_EXAMPLES = 10;
/** Values in examples are cut to this many characters. */
export const DIFF_VALUE_CHARS = 80;
/** Distinct field (and custom field) names counted per type; the rest count as OTHER_FIELDS. */
const MAX_FIELD_NAMES = 500;
const MAX_RENAMES = 100;
/** Where names beyond MAX_FIELD_NAMES are counted. */
export const OTHER_FIELDS = '(other fields)';

export interface TypeDiff {
  /** Distinct records of this type in the older and in the newer export. */
  old: number;
  new: number;
  added: number;
  removed: number;
  changed: number;
  unchanged: number;
  /** How many changed records had each top-level field changed. */
  fields: Record<string, number>;
  /** How many changed records had each custom field (by its newer name) changed. */
  customFields: Record<string, number>;
}

export interface DiffSide {
  /** The file as the user named it (printable). */
  file: string;
  exportGid: string | undefined;
  completedAt: string | undefined;
  /** Records read, duplicates included. */
  records: number;
  /** Records that repeated an earlier one's type and gid (the one modified last was compared). */
  duplicates: number;
}

export interface ChangedExample {
  resourceType: string;
  gid: string;
  field: string;
  /** JSON of the old and new value, cut to DIFF_VALUE_CHARS; `(absent)` when missing. */
  old: string;
  new: string;
}

export interface RecordRef {
  resourceType: string;
  gid: string;
}

export interface DiffReport {
  diffReportVersion: typeof DIFF_REPORT_VERSION;
  tool: { name: string; version: string };
  kind: ExportKind | undefined;
  target: Manifest['target'] | undefined;
  old: DiffSide;
  new: DiffSide;
  totals: {
    old: number;
    new: number;
    added: number;
    removed: number;
    changed: number;
    unchanged: number;
  };
  byResourceType: Record<string, TypeDiff>;
  customFieldRenames: { gid: string; from: string; to: string }[];
  examples: { added: RecordRef[]; removed: RecordRef[]; changed: ChangedExample[] };
}

/** Records with no usable gid are matched by their whole content; this is their shown gid. */
export const NO_GID = '(no gid)';

/** A type's counts while tallying: names counted in maps, so no field name can touch a prototype. */
interface TypeTally extends Omit<TypeDiff, 'fields' | 'customFields'> {
  fields: Map<string, number>;
  customFields: Map<string, number>;
}

const COUNTS = ['old', 'new', 'added', 'removed', 'changed', 'unchanged'] as const;

export class DiffTally {
  readonly #types = new Map<string, TypeTally>();
  readonly #renames = new Map<string, { from: string; to: string }>();
  readonly #added: RecordRef[] = [];
  readonly #removed: RecordRef[] = [];
  readonly #changed: ChangedExample[] = [];

  added(resourceType: string, gid: string): void {
    const type = this.#type(resourceType);
    type.added += 1;
    type.new += 1;
    keepExample(this.#added, { resourceType: shown(resourceType), gid: shown(gid) });
  }

  removed(resourceType: string, gid: string): void {
    const type = this.#type(resourceType);
    type.removed += 1;
    type.old += 1;
    keepExample(this.#removed, { resourceType: shown(resourceType), gid: shown(gid) });
  }

  unchanged(resourceType: string): void {
    const type = this.#type(resourceType);
    type.unchanged += 1;
    type.old += 1;
    type.new += 1;
  }

  /**
   * A record present in both whose content differs. `old`/`new` are the two versions, used only
   * for the example; `changes` says what differs (it must not be empty).
   */
  changed(
    resourceType: string,
    gid: string,
    changes: RecordChanges,
    values: (field: string) => { old: unknown; new: unknown },
  ): void {
    const type = this.#type(resourceType);
    type.changed += 1;
    type.old += 1;
    type.new += 1;
    for (const field of changes.fields) countName(type.fields, field);
    for (const custom of changes.customFields) {
      countName(type.customFields, custom.name);
      if (custom.previousName !== undefined && this.#renames.size < MAX_RENAMES) {
        this.#renames.set(custom.gid, { from: custom.previousName, to: custom.name });
      }
    }
    if (this.#changed.length >= DIFF_EXAMPLES) return;
    const field = exampleField(changes.fields);
    if (field === undefined) return;
    const custom = field === 'custom_fields' ? changes.customFields[0] : undefined;
    if (custom === undefined) {
      const { old, new: now } = values(field);
      this.#changed.push({
        resourceType: shown(resourceType),
        gid: shown(gid),
        field: shown(field),
        old: shownValue(old),
        new: shownValue(now),
      });
      return;
    }
    // A custom field renamed and nothing else: its value is the same, so show the names.
    const renamedOnly = custom.previousName !== undefined && jsonEqual(custom.before, custom.after);
    this.#changed.push({
      resourceType: shown(resourceType),
      gid: shown(gid),
      field: `custom_fields.${shown(custom.name)}${renamedOnly ? '.name' : ''}`,
      old: shownValue(renamedOnly ? custom.previousName : custom.before),
      new: shownValue(renamedOnly ? custom.name : custom.after),
    });
  }

  report(args: {
    kind: ExportKind | undefined;
    target: Manifest['target'] | undefined;
    old: DiffSide;
    new: DiffSide;
  }): DiffReport {
    const byResourceType: Record<string, TypeDiff> = {};
    const totals = { old: 0, new: 0, added: 0, removed: 0, changed: 0, unchanged: 0 };
    for (const name of [...this.#types.keys()].sort()) {
      const type = this.#types.get(name) as TypeTally;
      byResourceType[shown(name)] = {
        ...type,
        fields: sortedCounts(type.fields),
        customFields: sortedCounts(type.customFields),
      };
      for (const key of COUNTS) totals[key] += type[key];
    }
    return {
      diffReportVersion: DIFF_REPORT_VERSION,
      tool: { name: TOOL_NAME, version: TOOL_VERSION },
      kind: args.kind,
      target: args.target,
      old: args.old,
      new: args.new,
      totals,
      byResourceType,
      customFieldRenames: [...this.#renames].map(([gid, rename]) => ({
        gid: shown(gid),
        from: shown(rename.from),
        to: shown(rename.to),
      })),
      examples: { added: this.#added, removed: this.#removed, changed: this.#changed },
    };
  }

  #type(name: string): TypeTally {
    let type = this.#types.get(name);
    if (type === undefined) {
      type = {
        ...{ old: 0, new: 0, added: 0, removed: 0, changed: 0, unchanged: 0 },
        fields: new Map(),
        customFields: new Map(),
      };
      this.#types.set(name, type);
    }
    return type;
  }
}

/** `modified_at` changes with everything else: an example shows what else changed, if anything. */
function exampleField(fields: readonly string[]): string | undefined {
  return fields.find((field) => field !== 'modified_at') ?? fields[0];
}

function keepExample<T>(list: T[], example: T): void {
  if (list.length < DIFF_EXAMPLES) list.push(example);
}

function countName(counts: Map<string, number>, name: string): void {
  const key = counts.has(name) || counts.size < MAX_FIELD_NAMES ? name : OTHER_FIELDS;
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/**
 * Most changed first, then by name: the order a reader wants. Built with
 * Object.fromEntries, which makes own properties even of a name such as `__proto__`.
 */
function sortedCounts(counts: Map<string, number>): Record<string, number> {
  const entries = [...counts].map(([name, count]) => [shown(name), count] as const);
  entries.sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries);
}

function shown(text: string): string {
  return printable(text, DIFF_VALUE_CHARS);
}

function shownValue(value: unknown): string {
  if (value === undefined) return '(absent)';
  return printable(JSON.stringify(value) ?? String(value), DIFF_VALUE_CHARS);
}
