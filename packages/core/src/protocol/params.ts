/**
 * Validation of what the user asked for, before any request is sent. Asana answers a bad
 * parameter with a terse 400 after a network round trip, sometimes minutes into a run; catching
 * the mistake here lets every front end (CLI, action, n8n) name the exact input at fault.
 */

import { InputError } from './errors.js';
import { EXPORT_KINDS, type ExportKind, isExportGid, isExportKind, isGid } from './kinds.js';
import { printable } from './text.js';

export const RESOURCE_TYPES = ['task', 'team', 'message'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

export interface ResourceExportParameter {
  resourceType: ResourceType;
  fields?: string[];
  filters?: Record<string, string | string[]>;
}

export type ExportRequest =
  | { kind: 'organization'; organization: string }
  | { kind: 'resource'; workspace: string; parameters: ResourceExportParameter[] }
  | { kind: 'graph'; parent: string };

/** Raw user input from a CLI, an action's inputs or n8n parameters: everything optional/untrusted. */
export interface ExportRequestInput {
  kind?: string;
  organization?: string;
  workspace?: string;
  parent?: string;
  resources?: ReadonlyArray<{
    resourceType?: string;
    fields?: readonly string[];
    filters?: Readonly<Record<string, unknown>>;
  }>;
}

const SHARED_FILTERS = [
  'created_at.after',
  'created_at.before',
  'modified_at.after',
  'modified_at.before',
  'created_by.any',
  'followers.any',
  'liked_by.any',
  'commented_on_by.any',
] as const;

/** The filters Asana documents per resource type. Teams take none. */
export const FILTERS_BY_RESOURCE_TYPE: Readonly<Record<ResourceType, readonly string[]>> = {
  task: [...SHARED_FILTERS, 'assigned_by.any', 'assignee.any'],
  team: [],
  message: [...SHARED_FILTERS],
};

/** Which input takes the target of each kind; the others must stay empty. */
const TARGET_INPUT: Readonly<Record<ExportKind, 'organization' | 'workspace' | 'parent'>> = {
  organization: 'organization',
  resource: 'workspace',
  graph: 'parent',
};

const EXAMPLE_GID = '1234567890123456';
const FIELD_PATTERN = /^[A-Za-z0-9_.]+$/;
/** Long values are not echoed: a token pasted into the wrong input must not end up in a log. */
const MAX_ECHOED_LENGTH = 64;

export function validateExportRequest(input: ExportRequestInput): ExportRequest {
  const kind = validateKind(input.kind);
  rejectUnusedInputs(kind, input);
  switch (kind) {
    case 'organization':
      return { kind, organization: validateGid('organization', input.organization) };
    case 'resource':
      return {
        kind,
        workspace: validateGid('workspace', input.workspace),
        parameters: validateResources(input.resources),
      };
    case 'graph':
      return { kind, parent: validateGid('parent', input.parent) };
  }
}

function validateKind(value: string | undefined): ExportKind {
  const kind = value?.trim() ?? '';
  const accepted = `expected one of ${EXPORT_KINDS.join(', ')}`;
  if (kind === '') throw new InputError('kind', `missing; ${accepted}`);
  if (!isExportKind(kind)) {
    throw new InputError('kind', `${quoteUserValue(kind)} is not an export kind; ${accepted}`);
  }
  return kind;
}

/**
 * A parameter the chosen kind ignores is almost always a mix-up (a workspace gid typed into
 * `parent`, or the wrong kind picked), so it is an error rather than silently dropped.
 */
function rejectUnusedInputs(kind: ExportKind, input: ExportRequestInput): void {
  const target = TARGET_INPUT[kind];
  for (const name of ['organization', 'workspace', 'parent'] as const) {
    if (name !== target && isGiven(input[name])) {
      throw new InputError(
        name,
        `${kind} exports do not use ${name}; remove it (a ${kind} export takes ${target})`,
      );
    }
  }
  if (kind !== 'resource' && input.resources !== undefined && input.resources.length > 0) {
    throw new InputError(
      'resources',
      `${kind} exports do not use resources; remove them (only resource exports take resources)`,
    );
  }
}

function isGiven(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}

const GID_SUBJECT: Readonly<Record<string, string>> = {
  organization: 'the organization (its workspace gid)',
  workspace: 'the workspace',
  parent: 'the goal, project, portfolio or team',
};

/**
 * Checks a gid typed by the user. Numbers are accepted when they are exact (safe integers):
 * larger ones have already lost digits before reaching us.
 */
export function validateGid(input: string, value: unknown): string {
  const subject = GID_SUBJECT[input] ?? 'the object';
  const expected = `expected the numeric id of ${subject}, such as ${EXAMPLE_GID}`;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    throw new InputError(input, `missing; ${expected}`);
  }
  if (typeof value !== 'string') {
    throw new InputError(input, `${describeType(value)} is not a gid; ${expected}`);
  }
  const gid = value.trim();
  if (!isGid(gid)) throw new InputError(input, `${quoteUserValue(gid)} is not a gid; ${expected}`);
  return gid;
}

/** Visible ASCII: what an `Authorization: Bearer` header can carry (Asana's tokens are such). */
const TOKEN_PATTERN = /^[\x21-\x7e]+$/;

/**
 * Checks a token before it goes into a header: a control character or a line break (a token
 * pasted with its neighbour line) would otherwise fail inside the HTTP library, or split the
 * header. The token itself is never echoed.
 */
export function validateToken(input: string, value: string | undefined): string {
  const token = value?.trim() ?? '';
  if (token === '') {
    throw new InputError(
      input,
      'is not set',
      'Set it to a personal access token or a service account token.',
    );
  }
  if (!TOKEN_PATTERN.test(token)) {
    const position = [...token].findIndex((character) => !TOKEN_PATTERN.test(character));
    throw new InputError(
      input,
      `holds a space, a control character or a line break (character ${position + 1} of ${token.length}), which no Asana token has`,
      'Paste the token alone, on one line, without quotes or spaces.',
    );
  }
  return token;
}

/**
 * Checks the gid of an export or job the user pastes back to resume it (`--resume`, `job-gid`,
 * Export or Job GID): any gid Asana may hand out (`isExportGid`), since it came from an answer.
 */
export function validateExportGid(input: string, value: unknown): string {
  const expected = `expected the gid of an export or job as the run printed it, such as ${EXAMPLE_GID}`;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    throw new InputError(input, `missing; ${expected}`);
  }
  if (typeof value !== 'string') {
    throw new InputError(input, `${describeType(value)} is not a gid; ${expected}`);
  }
  const gid = value.trim();
  if (!isExportGid(gid)) {
    throw new InputError(input, `${quoteUserValue(gid)} is not a gid; ${expected}`);
  }
  return gid;
}

function validateResources(resources: ExportRequestInput['resources']): ResourceExportParameter[] {
  if (resources === undefined || resources.length === 0) {
    throw new InputError(
      'resources',
      `missing; a resource export needs at least one entry with a resource_type (${RESOURCE_TYPES.join(', ')})`,
    );
  }
  return resources.map((resource, index) => validateResource(resource, `resources[${index}]`));
}

function validateResource(
  resource: NonNullable<ExportRequestInput['resources']>[number],
  name: string,
): ResourceExportParameter {
  const resourceType = validateResourceType(`${name}.resource_type`, resource.resourceType);
  const parameter: ResourceExportParameter = { resourceType };
  const fields = validateFields(`${name}.fields`, resource.fields);
  if (fields.length > 0) parameter.fields = fields;
  const filters = validateFilters(`${name}.filters`, resourceType, resource.filters);
  if (Object.keys(filters).length > 0) parameter.filters = filters;
  return parameter;
}

function validateResourceType(input: string, value: unknown): ResourceType {
  const accepted = `expected one of ${RESOURCE_TYPES.join(', ')}`;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InputError(input, `missing; ${accepted}`);
  }
  const type = value.trim();
  if (!(RESOURCE_TYPES as readonly string[]).includes(type)) {
    throw new InputError(input, `${quoteUserValue(type)} is not a resource type; ${accepted}`);
  }
  return type as ResourceType;
}

function validateFields(input: string, value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    throw new InputError(input, `${describeType(value)} is not a list; expected field names`);
  }
  const fields = new Set<string>();
  value.forEach((field: unknown, index) => {
    const name = `${input}[${index}]`;
    const accepted =
      'expected a field name of letters, digits, _ and . such as name or assignee.gid';
    if (typeof field !== 'string' || field.trim() === '') {
      throw new InputError(name, `empty; ${accepted}`);
    }
    const trimmed = field.trim();
    if (!FIELD_PATTERN.test(trimmed)) {
      throw new InputError(name, `${quoteUserValue(trimmed)} is not a field name; ${accepted}`);
    }
    fields.add(trimmed);
  });
  return [...fields];
}

function validateFilters(
  input: string,
  resourceType: ResourceType,
  value: Readonly<Record<string, unknown>> | undefined,
): Record<string, string | string[]> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(
      input,
      `${describeType(value)} is not an object of filter names to values`,
    );
  }
  const allowed = FILTERS_BY_RESOURCE_TYPE[resourceType];
  const names = Object.keys(value);
  if (allowed.length === 0 && names.length > 0) {
    throw new InputError(
      input,
      `${resourceType} exports take no filters; remove them from this entry`,
    );
  }
  const filters: Record<string, string | string[]> = {};
  for (const filter of names) {
    const name = `${input}.${filter}`;
    if (!allowed.includes(filter)) {
      throw new InputError(
        name,
        `not a filter for ${resourceType} exports; expected one of ${allowed.join(', ')}`,
      );
    }
    const raw = value[filter];
    filters[filter] = filter.endsWith('.any')
      ? validateGidList(name, raw)
      : parseIsoDate(name, raw);
  }
  rejectEmptyRanges(input, filters);
  return filters;
}

/** `*.any` filters take one gid, a comma-separated string of gids, or a list of gids. */
function validateGidList(input: string, value: unknown): string[] {
  const gids = Array.isArray(value)
    ? value.map((item: unknown, index) => validateGid(`${input}[${index}]`, item))
    : splitGids(input, value);
  if (gids.length === 0) {
    throw new InputError(input, `empty; expected at least one user gid, such as ${EXAMPLE_GID}`);
  }
  return [...new Set(gids)];
}

function splitGids(input: string, value: unknown): string[] {
  if (typeof value !== 'string') return [validateGid(input, value)];
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => validateGid(input, part));
}

/** `created_at.after` later than `created_at.before` matches nothing: certainly a mistake. */
function rejectEmptyRanges(input: string, filters: Record<string, string | string[]>): void {
  for (const field of ['created_at', 'modified_at']) {
    const after = filters[`${field}.after`];
    const before = filters[`${field}.before`];
    if (typeof after === 'string' && typeof before === 'string' && after > before) {
      throw new InputError(
        `${input}.${field}.after`,
        `${after} is later than ${field}.before ${before}, so nothing could match; expected after to be earlier than before`,
      );
    }
  }
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:?\d{2})?$/;
const DATE_ACCEPTED =
  'expected a date (YYYY-MM-DD, meaning 00:00 UTC) or an ISO 8601 date-time with a time zone, such as 2024-01-31 or 2024-01-31T12:00:00Z';

/**
 * Parses a date or date-time and returns it in `Date#toISOString()` form, which is what Asana
 * expects. Parsed by hand rather than with `Date.parse`: that accepts far too much ("1") and
 * reads zone-less date-times in the host's time zone, which differs between a laptop and CI.
 */
export function parseIsoDate(input: string, value: unknown): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime()))
      throw new InputError(input, `invalid Date; ${DATE_ACCEPTED}`);
    return value.toISOString();
  }
  if (value === undefined || value === null)
    throw new InputError(input, `missing; ${DATE_ACCEPTED}`);
  if (typeof value !== 'string') {
    throw new InputError(input, `${describeType(value)} is not a date; ${DATE_ACCEPTED}`);
  }
  if (value.trim() === '') throw new InputError(input, `empty; ${DATE_ACCEPTED}`);
  const text = value.trim();
  const parts = DATE_ONLY.exec(text) ?? DATE_TIME.exec(text);
  if (!parts)
    throw new InputError(input, `${quoteUserValue(text)} is not a date; ${DATE_ACCEPTED}`);
  const [, year, month, day, hour, minute, second, fraction, zone] = parts;
  if (hour !== undefined && zone === undefined) {
    throw new InputError(
      input,
      `${quoteUserValue(text)} has no time zone; add Z for UTC or an offset such as +02:00`,
    );
  }
  const fields = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour ?? 0),
    minute: Number(minute ?? 0),
    second: Number(second ?? 0),
    // Milliseconds are all a Date holds: extra digits are truncated, not rounded.
    millisecond: Number((fraction ?? '').padEnd(3, '0').slice(0, 3)),
  };
  const offsetMinutes = parseOffset(zone);
  if (!isValidDateTime(fields) || offsetMinutes === undefined) {
    throw new InputError(
      input,
      `${quoteUserValue(text)} is not a valid calendar date; ${DATE_ACCEPTED}`,
    );
  }
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 to 1900–1999.
  date.setUTCFullYear(fields.year, fields.month - 1, fields.day);
  date.setUTCHours(fields.hour, fields.minute - offsetMinutes, fields.second, fields.millisecond);
  return date.toISOString();
}

interface DateTimeFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

function isValidDateTime(f: DateTimeFields): boolean {
  return (
    f.month >= 1 &&
    f.month <= 12 &&
    f.day >= 1 &&
    f.day <= daysInMonth(f.year, f.month) &&
    f.hour <= 23 &&
    f.minute <= 59 &&
    f.second <= 59
  );
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

/** Minutes east of UTC, or undefined for an impossible offset such as +25:00. */
function parseOffset(zone: string | undefined): number | undefined {
  if (zone === undefined || zone === 'Z' || zone === 'z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2));
  if (hours > 23 || minutes > 59) return undefined;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

/** Quotes a user's value for an error message, unless it is long enough to be a pasted secret. */
export function quoteUserValue(value: string): string {
  if (value.length > MAX_ECHOED_LENGTH) return `a ${value.length}-character value`;
  // JSON escapes C0 controls; `printable` also the C1 and bidirectional ones JSON leaves raw.
  return printable(JSON.stringify(value), Number.POSITIVE_INFINITY);
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return quoteUserValue(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return `a value of type ${typeof value}`;
}
