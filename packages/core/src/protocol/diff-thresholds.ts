/**
 * `--fail-on` (the action's `fail-on`): limits on a change report, such as `removed>5%`,
 * `changed>20%` or `added>1000`, and, per type, `task.removed>100`. Parsed before anything is
 * read, evaluated against the report after; a percentage is of the older export's records (of
 * that type, when a type is named), since that is what a mass deletion or edit is measured by.
 */
import type { DiffReport } from './diff-report.js';
import { InputError } from './errors.js';
import { quoteUserValue } from './params.js';

export const CHANGE_COUNTS = ['added', 'removed', 'changed'] as const;
export type ChangeCount = (typeof CHANGE_COUNTS)[number];

export interface ChangeLimit {
  /** As the user wrote it, normalised (`task.removed>5%`), for messages. */
  readonly text: string;
  readonly resourceType: string | undefined;
  readonly count: ChangeCount;
  /** `>` or `>=`. */
  readonly inclusive: boolean;
  readonly value: number;
  readonly percent: boolean;
}

export interface CrossedLimit {
  readonly limit: ChangeLimit;
  /** The count, and the percentage of the older records it makes. */
  readonly actual: number;
  readonly percentOfOld: number;
}

const LIMIT =
  /^(?:([a-z][a-z0-9_]{0,63})\.)?(added|removed|changed)\s*(>=?)\s*(\d+(?:\.\d+)?)(%?)$/;

/** Parses each limit (each may hold several, comma-separated); throws InputError naming `input`. */
export function parseChangeLimits(input: string, values: readonly string[]): ChangeLimit[] {
  const limits: ChangeLimit[] = [];
  for (const value of values) {
    for (const part of value.split(',')) {
      const text = part.trim();
      if (text === '') continue;
      const match = LIMIT.exec(text);
      if (match === null) {
        throw new InputError(
          input,
          `${quoteUserValue(text)} is not a limit`,
          'Write e.g. removed>5%, changed>=20%, added>1000 or task.removed>100 (one of added, removed, changed; > or >=; a count or a percentage of the older export).',
        );
      }
      const [, resourceType, count, operator, number, percent] = match;
      const limitValue = Number(number);
      if (percent === '%' && limitValue > 100) {
        throw new InputError(
          input,
          `${quoteUserValue(text)} is over 100%`,
          'Write a percentage from 0 to 100.',
        );
      }
      limits.push({
        text: `${resourceType ? `${resourceType}.` : ''}${count}${operator}${number}${percent}`,
        resourceType,
        count: count as ChangeCount,
        inclusive: operator === '>=',
        value: limitValue,
        percent: percent === '%',
      });
    }
  }
  return limits;
}

/** The limits the report crosses, in the order given. */
export function crossedLimits(report: DiffReport, limits: readonly ChangeLimit[]): CrossedLimit[] {
  const crossed: CrossedLimit[] = [];
  for (const limit of limits) {
    const counts =
      limit.resourceType === undefined ? report.totals : report.byResourceType[limit.resourceType];
    const actual = counts?.[limit.count] ?? 0;
    const old = counts?.old ?? 0;
    // Against an empty older export, any record added is 100% of nothing: count it as 100.
    const percentOfOld = old === 0 ? (actual === 0 ? 0 : 100) : (actual / old) * 100;
    const measured = limit.percent ? percentOfOld : actual;
    if (limit.inclusive ? measured >= limit.value : measured > limit.value) {
      crossed.push({ limit, actual, percentOfOld });
    }
  }
  return crossed;
}

/** One line per crossed limit, e.g. `removed>5%: 812 removed, 6.2% of 13,100`. */
export function describeCrossed(crossed: CrossedLimit): string {
  const { limit, actual, percentOfOld } = crossed;
  const scope = limit.resourceType === undefined ? '' : ` ${limit.resourceType}`;
  return `${limit.text}: ${actual}${scope} records ${limit.count}, ${percentOfOld.toFixed(1)}% of the older export`;
}
