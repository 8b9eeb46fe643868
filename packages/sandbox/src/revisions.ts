/**
 * Later states of the same workspace, so that two exports of one target differ in known ways, as
 * a change report (`asana-export diff`) must find them. Revision 0 is the generated records as
 * they are; revision r ≥ 1 is revision 0 with, decided by a generator of its own (so the records
 * themselves are drawn exactly as in revision 0):
 * - about REMOVED_SHARE of the records that have a gid of their own removed,
 * - about CHANGED_SHARE of them edited (their name or text, a number, `modified_at`, a task's
 *   first custom field value),
 * - about ADDED_SHARE new tasks (or the export's first type) added among them,
 * - the custom field `Priority` renamed `Urgency` on every task that carries it.
 *
 * While it writes a revision, it tallies what a diff against revision 0 must report (records per
 * type added, removed, changed and unchanged, and which fields and custom fields changed), so
 * tests know every count in advance without computing a diff of their own.
 */
import { Prng } from './prng.js';
import {
  CUSTOM_FIELDS,
  createRecordSource,
  type GeneratedRecord,
  type Json,
  type JsonRecord,
  type RecordSource,
} from './records.js';
import type { ExportKind, ResourceType, RevisionEdits } from './types.js';

export const REMOVED_SHARE = 0.02;
export const CHANGED_SHARE = 0.05;
export const ADDED_SHARE = 0.01;
/**
 * The shares of `Scenario.revisionEdits: 'few'`, with no custom field renamed: about 1% of the
 * records change, the goal's shape for the diff's benchmark (issue 14).
 */
export const FEW_EDITS = { removed: 0.002, changed: 0.01, added: 0.002 } as const;
export const RENAMED_CUSTOM_FIELD = { from: CUSTOM_FIELDS[0].name, to: 'Urgency' } as const;
/** When an edited record is modified, in every revision: later than any generated date. */
const EDITED_AT = '2026-06-01T00:00:00.000Z';
const EDIT_MARK = ' (edited)';

/**
 * Types whose records each carry a gid drawn for them alone. Projects, portfolios and users are
 * drawn from small pools (one may appear several times), and links have no gid: those are never
 * removed or edited, so that their expected counts stay simple.
 */
const OWN_GID_TYPES = new Set([
  'task',
  'message',
  'team',
  'section',
  'allocation',
  'time_tracking_entry',
  'story',
  'tag',
  'attachment',
  'custom_field',
]);

export interface TypeChanges {
  old: number;
  new: number;
  added: number;
  removed: number;
  changed: number;
  unchanged: number;
  fields: Record<string, number>;
  customFields: Record<string, number>;
}

/** What a diff of this revision against revision 0 must report. */
export interface RevisionChanges {
  revision: number;
  byResourceType: Record<string, TypeChanges>;
  renamedCustomFields: { from: string; to: string }[];
}

export class Reviser {
  readonly #decide: Prng;
  readonly #added: RecordSource;
  readonly #types = new Map<string, TypeChanges>();
  /** Keys already counted of records that may repeat (pooled gids, gid-less links). */
  readonly #seen = new Set<string>();
  readonly #shares: { removed: number; changed: number; added: number };
  readonly #rename: boolean;
  #renamed = false;

  constructor(
    kind: ExportKind,
    resourceTypes: readonly ResourceType[],
    key: string,
    revision: number,
    edits: RevisionEdits = 'many',
  ) {
    this.#shares =
      edits === 'few'
        ? FEW_EDITS
        : { removed: REMOVED_SHARE, changed: CHANGED_SHARE, added: ADDED_SHARE };
    this.#rename = edits === 'many';
    this.#decide = Prng.fromKey(`${key}|revision${revision}|decide`);
    const addedType: ResourceType =
      kind === 'resource' && !resourceTypes.includes('task')
        ? (resourceTypes[0] ?? 'task')
        : 'task';
    this.#added = createRecordSource(
      'resource',
      [addedType],
      Prng.fromKey(`${key}|revision${revision}|added`),
      Prng.fromKey(`${key}|revision${revision}|added-ids`),
    );
  }

  /** The lines revision r has in place of this record of revision 0 (none, one or two). */
  revise(base: GeneratedRecord): GeneratedRecord[] {
    const out: GeneratedRecord[] = [];
    const type = base.resourceType;
    const roll = this.#decide.next();
    const shares = this.#shares;
    const addAfter = this.#decide.next() < shares.added;
    const ownGid = OWN_GID_TYPES.has(type) && typeof base.record.gid === 'string';
    if (!ownGid) {
      if (this.#firstTime(base)) this.#count(type, 'unchanged');
      out.push(base);
    } else if (roll < shares.removed) {
      this.#count(type, 'removed');
    } else {
      const record = structuredClone(base.record);
      const fields = new Set<string>();
      const customFields = new Set<string>();
      if (roll < shares.removed + shares.changed) edit(record, fields, customFields);
      if (this.#rename && renamePriority(record)) {
        fields.add('custom_fields');
        customFields.add(RENAMED_CUSTOM_FIELD.to);
        this.#renamed = true;
      }
      if (fields.size === 0) {
        this.#count(type, 'unchanged');
        out.push(base);
      } else {
        const changes = this.#count(type, 'changed');
        for (const field of fields) changes.fields[field] = (changes.fields[field] ?? 0) + 1;
        for (const name of customFields) {
          changes.customFields[name] = (changes.customFields[name] ?? 0) + 1;
        }
        out.push({ resourceType: type, line: JSON.stringify(record), record });
      }
    }
    if (addAfter) {
      const added = this.#added.next();
      this.#count(added.resourceType, 'added');
      out.push(added);
    }
    return out;
  }

  changes(revision: number): RevisionChanges {
    return {
      revision,
      byResourceType: Object.fromEntries([...this.#types].sort(([a], [b]) => (a < b ? -1 : 1))),
      renamedCustomFields: this.#renamed ? [{ ...RENAMED_CUSTOM_FIELD }] : [],
    };
  }

  #firstTime(base: GeneratedRecord): boolean {
    const key =
      typeof base.record.gid === 'string' ? `${base.resourceType}\t${base.record.gid}` : base.line;
    if (this.#seen.has(key)) return false;
    this.#seen.add(key);
    return true;
  }

  #count(type: string, what: 'added' | 'removed' | 'changed' | 'unchanged'): TypeChanges {
    let changes = this.#types.get(type);
    if (changes === undefined) {
      changes = {
        old: 0,
        new: 0,
        added: 0,
        removed: 0,
        changed: 0,
        unchanged: 0,
        fields: {},
        customFields: {},
      };
      this.#types.set(type, changes);
    }
    changes[what] += 1;
    if (what !== 'added') changes.old += 1;
    if (what !== 'removed') changes.new += 1;
    return changes;
  }
}

/** One edit: a name or text, else a number; `modified_at`; a task's first custom field value. */
function edit(record: JsonRecord, fields: Set<string>, customFields: Set<string>): void {
  if (typeof record.name === 'string') {
    record.name += EDIT_MARK;
    fields.add('name');
  } else if (typeof record.text === 'string') {
    record.text += EDIT_MARK;
    fields.add('text');
  } else if (typeof record.duration_minutes === 'number') {
    record.duration_minutes += 1;
    fields.add('duration_minutes');
  } else if (isObject(record.effort) && typeof record.effort.value === 'number') {
    record.effort = { ...record.effort, value: record.effort.value + 1 };
    fields.add('effort');
  }
  if ('modified_at' in record) {
    record.modified_at = EDITED_AT;
    fields.add('modified_at');
  }
  const first = Array.isArray(record.custom_fields) ? record.custom_fields[0] : undefined;
  if (isObject(first) && typeof first.display_value === 'string') {
    first.display_value += EDIT_MARK;
    fields.add('custom_fields');
    customFields.add(
      first.name === RENAMED_CUSTOM_FIELD.from ? RENAMED_CUSTOM_FIELD.to : String(first.name),
    );
  }
}

function renamePriority(record: JsonRecord): boolean {
  if (!Array.isArray(record.custom_fields)) return false;
  let renamed = false;
  for (const entry of record.custom_fields) {
    if (isObject(entry) && entry.name === RENAMED_CUSTOM_FIELD.from) {
      entry.name = RENAMED_CUSTOM_FIELD.to;
      renamed = true;
    }
  }
  return renamed;
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
