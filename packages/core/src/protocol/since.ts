/**
 * `since`: export only what changed recently, as `modified_at.after`. Shared by the CLI's
 * `--since` and the action's `since` input so both read dates and durations the same way.
 */

import { InputError } from './errors.js';
import { type ExportRequestInput, parseIsoDate, quoteUserValue } from './params.js';
import { parseDuration } from './polling.js';
import { filtersOf } from './resource-lists.js';

/** The filter `since` sets. */
export const WATERMARK_FILTER = 'modified_at.after';

/**
 * An ISO date (`2024-01-31`, `2024-01-31T12:00:00Z`) as is, or a duration (`24h`, `7d`) counted
 * back from `nowMs`. Returns the ISO timestamp to use as `modified_at.after`.
 */
export function resolveSince(input: string, text: string, nowMs: number): string {
  if (/^\d{4}-/.test(text)) return parseIsoDate(input, text);
  let ms: number;
  try {
    ms = parseDuration(input, text);
  } catch {
    throw new InputError(
      input,
      `${quoteUserValue(text)} is neither a date nor a duration`,
      'Use an ISO date such as 2024-01-31 or a duration such as 24h or 7d.',
    );
  }
  if (ms <= 0) throw new InputError(input, 'must be a duration longer than 0, such as 24h');
  return new Date(nowMs - ms).toISOString();
}

/**
 * Checks that `since` can apply to this request: only resource exports take filters, teams take
 * none, and an explicit `modified_at.after` would conflict with it.
 */
export function checkSinceApplies(input: string, request: ExportRequestInput): void {
  if (request.kind !== 'resource') {
    throw new InputError(
      input,
      `only resource exports can be limited by date; a ${request.kind ?? 'missing'} kind of export is always complete`,
      'Remove it, or export resources (kind resource).',
    );
  }
  const resources = request.resources ?? [];
  if (!resources.some((resource) => filtersOf(resource.resourceType).includes(WATERMARK_FILTER))) {
    throw new InputError(input, 'team exports take no filters; add task or message, or remove it');
  }
  if (resources.some((resource) => resource.filters?.[WATERMARK_FILTER] !== undefined)) {
    throw new InputError(
      input,
      `cannot be combined with a ${WATERMARK_FILTER} filter: both set the same watermark`,
      'Keep one of them.',
    );
  }
}

/** The request with `modified_at.after` added to every resource type that accepts it. */
export function withModifiedAfter(request: ExportRequestInput, after: string): ExportRequestInput {
  return {
    ...request,
    resources: (request.resources ?? []).map((resource) =>
      filtersOf(resource.resourceType).includes(WATERMARK_FILTER)
        ? { ...resource, filters: { ...resource.filters, [WATERMARK_FILTER]: after } }
        : resource,
    ),
  };
}
