/**
 * Validation of the three create bodies, with Asana-style messages that name the offending field
 * (`export_request_parameters[1].filters: ...`), so a client's error reporting can be tested.
 */
import { parseDateTime } from './date-time.js';
import { type ExportParameter, FILTERS_BY_TYPE, type ResourceFilters } from './export-selection.js';
import { isFieldPath } from './field-selection.js';
import { isGid } from './gid.js';
import type { ResourceType } from './types.js';

export type Validation<T> = { ok: true; value: T } | { ok: false; message: string };

const RESOURCE_TYPES: readonly ResourceType[] = ['task', 'team', 'message'];

class InvalidInput extends Error {}

export function parseOrganizationExportRequest(
  body: unknown,
): Validation<{ organization: string }> {
  return validate(() => ({ organization: gidField(dataOf(body), 'organization') }));
}

export function parseGraphExportRequest(body: unknown): Validation<{ parent: string }> {
  return validate(() => ({ parent: gidField(dataOf(body), 'parent') }));
}

export function parseResourceExportRequest(
  body: unknown,
): Validation<{ workspace: string; parameters: ExportParameter[] }> {
  return validate(() => {
    const data = dataOf(body);
    const workspace = gidField(data, 'workspace');
    const parameters = data.export_request_parameters;
    if (parameters === undefined || parameters === null) {
      throw new InvalidInput('export_request_parameters: Missing input');
    }
    if (!Array.isArray(parameters) || parameters.length === 0) {
      throw new InvalidInput('export_request_parameters: Must be a non-empty array');
    }
    return {
      workspace,
      parameters: parameters.map((entry: unknown, index) =>
        parameter(entry, `export_request_parameters[${index}]`),
      ),
    };
  });
}

function parameter(entry: unknown, at: string): ExportParameter {
  if (!isObject(entry)) throw new InvalidInput(`${at}: Must be an object`);
  const type = entry.resource_type;
  if (type === undefined) throw new InvalidInput(`${at}.resource_type: Missing input`);
  if (!RESOURCE_TYPES.includes(type as ResourceType)) {
    throw new InvalidInput(
      `${at}.resource_type: Invalid value ${JSON.stringify(type)}. Must be one of: ${RESOURCE_TYPES.join(', ')}`,
    );
  }
  const resourceType = type as ResourceType;
  const { fields, filters } = entry;
  if (
    fields !== undefined &&
    (!Array.isArray(fields) || !fields.every((field) => typeof field === 'string'))
  ) {
    throw new InvalidInput(`${at}.fields: Must be an array of field names`);
  }
  fields?.forEach((field: string, index) => {
    if (!isFieldPath(field)) {
      throw new InvalidInput(
        `${at}.fields[${index}]: Not a field name: ${JSON.stringify(field)}. Name fields like gid or assignee.name`,
      );
    }
  });
  return {
    resourceType,
    fields,
    filters: filters === undefined ? {} : parseFilters(filters, resourceType, `${at}.filters`),
  };
}

function parseFilters(filters: unknown, type: ResourceType, at: string): ResourceFilters {
  if (!isObject(filters)) throw new InvalidInput(`${at}: Must be an object`);
  const parsed: Record<string, number | string[]> = {};
  const allowed: readonly string[] = FILTERS_BY_TYPE[type];
  const names = Object.keys(filters);
  if (allowed.length === 0 && names.length > 0) {
    throw new InvalidInput(`${at}: Filters are not supported for resource_type ${type}`);
  }
  for (const name of names) {
    if (!allowed.includes(name)) {
      throw new InvalidInput(
        `${at}: Unknown filter ${JSON.stringify(name)} for resource_type ${type}. Allowed filters: ${allowed.join(', ')}`,
      );
    }
    const value = filters[name];
    if (name.endsWith('.any')) {
      if (!Array.isArray(value) || value.length === 0 || !value.every(isGid)) {
        throw new InvalidInput(`${at}.${name}: Must be a non-empty array of gids`);
      }
      parsed[name] = value;
    } else {
      const instant = typeof value === 'string' ? parseDateTime(value) : undefined;
      if (instant === undefined) {
        throw new InvalidInput(
          `${at}.${name}: ${JSON.stringify(value)} is not a valid date-time. Use RFC 3339, such as 2024-01-01T00:00:00Z or 2024-01-01T00:00:00.000+02:00`,
        );
      }
      parsed[name] = instant;
    }
  }
  return parsed as ResourceFilters;
}

function dataOf(body: unknown): Record<string, unknown> {
  if (!isObject(body) || body.data === undefined || body.data === null) {
    throw new InvalidInput('data: Missing input');
  }
  if (!isObject(body.data)) throw new InvalidInput('data: Must be an object');
  return body.data;
}

function gidField(data: Record<string, unknown>, name: string): string {
  const value = data[name];
  if (value === undefined || value === null || value === '') {
    throw new InvalidInput(`${name}: Missing input`);
  }
  if (!isGid(value)) throw new InvalidInput(`${name}: Not a recognized ID: ${String(value)}`);
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function validate<T>(parse: () => T): Validation<T> {
  try {
    return { ok: true, value: parse() };
  } catch (error) {
    if (error instanceof InvalidInput) return { ok: false, message: error.message };
    throw error;
  }
}
