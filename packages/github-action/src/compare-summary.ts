/**
 * The job summary's "Changes since the last run" (`compare: last-run`): counts per type, the
 * record counts of recent runs as a Mermaid `xychart` (GitHub renders Mermaid in summaries), the
 * fields changed most, and examples. Every value from a report is escaped here; the chart is
 * built only from numbers and dates that the state parser validated.
 */

import { type CrossedLimit, type DiffReport, describeCrossed } from '@asana-exports/core/node';
import type { ComparisonOutcome } from './compare.js';
import { code, escapeHtml, formatCount } from './format.js';
import type { Summary } from './summary.js';

/** One run's point on the chart: when its export was made, and its records. */
export interface RunPoint {
  /** An ISO instant (validated by the state parser, or this run's manifest). */
  readonly at: string;
  readonly records: number;
}

const TOP_FIELDS = 10;

export function addComparison(
  summary: Summary,
  outcome: ComparisonOutcome,
  recent: readonly RunPoint[],
): Summary {
  summary.addHeading('Changes since the last run', 3);
  if (outcome.type === 'skipped') {
    summary.addRaw(`<p>No comparison: ${escapeHtml(outcome.reason)}.</p>`, true);
    addChart(summary, recent);
    return summary;
  }
  const { report, base } = outcome;
  summary.addRaw(
    `<p>Compared with ${code(base.name)}${base.runId === undefined ? '' : ` of run ${base.runId}`}; ${
      outcome.reportIn === 'artifact'
        ? `the report is in this run's artifact as ${code(outcome.reportName)}`
        : `the report is stored beside this export as ${code(outcome.reportName)}`
    }.</p>`,
    true,
  );
  for (const crossed of outcome.failed) {
    summary.addRaw(
      `<p><strong>fail-on crossed:</strong> ${escapeHtml(describeCrossed(crossed))}</p>`,
      true,
    );
  }
  for (const crossed of outcome.warned) {
    summary.addRaw(
      `<p><strong>warn-on crossed:</strong> ${escapeHtml(describeCrossed(crossed))}</p>`,
      true,
    );
  }
  summary.addTable([
    ['Resource type', 'Last run', 'This run', 'Added', 'Removed', 'Changed'].map((data) => ({
      data,
      header: true,
    })),
    ...Object.entries(report.byResourceType)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([type, counts]) => [
        escapeHtml(type),
        ...[counts.old, counts.new, counts.added, counts.removed, counts.changed].map(formatCount),
      ]),
    [
      '<strong>all</strong>',
      ...[
        report.totals.old,
        report.totals.new,
        report.totals.added,
        report.totals.removed,
        report.totals.changed,
      ].map(formatCount),
    ],
  ]);
  addChart(summary, recent);
  const fields = topFields(report);
  if (fields.length > 0) {
    summary.addHeading('Fields changed most', 4);
    summary.addTable([
      [
        { data: 'Field', header: true },
        { data: 'Records', header: true },
      ],
      ...fields.map(([field, count]) => [code(field), formatCount(count)]),
    ]);
  }
  const examples = report.examples.changed;
  if (examples.length > 0) {
    summary.addHeading('Examples of changes', 4);
    summary.addTable([
      ['Type', 'gid', 'Field', 'Last run', 'This run'].map((data) => ({ data, header: true })),
      ...examples.map((example) => [
        escapeHtml(example.resourceType),
        code(example.gid),
        code(example.field),
        code(example.old),
        code(example.new),
      ]),
    ]);
  }
  for (const note of outcome.notes) {
    summary.addRaw(`<p>Note: ${escapeHtml(note)}</p>`, true);
  }
  return summary;
}

/** The fields changed in the most records, over every type: `task.name`, `task.custom_fields: Priority`. */
function topFields(report: DiffReport): [string, number][] {
  const counts: [string, number][] = [];
  for (const [type, diff] of Object.entries(report.byResourceType)) {
    for (const [field, count] of Object.entries(diff.fields))
      counts.push([`${type}.${field}`, count]);
    for (const [field, count] of Object.entries(diff.customFields)) {
      counts.push([`${type}.custom_fields: ${field}`, count]);
    }
  }
  return counts.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, TOP_FIELDS);
}

/** A Mermaid xychart of records per run, oldest first; nothing with fewer than two runs. */
export function recordsChart(points: readonly RunPoint[]): string | undefined {
  const usable = points.filter(
    (point) => Number.isSafeInteger(point.records) && Number.isFinite(Date.parse(point.at)),
  );
  if (usable.length < 2) return undefined;
  const labels = usable.map((point) => `"${chartLabel(point.at)}"`).join(', ');
  const counts = usable.map((point) => String(point.records)).join(', ');
  return [
    '```mermaid',
    'xychart-beta',
    `    title "Records in the last ${usable.length} runs"`,
    `    x-axis [${labels}]`,
    '    y-axis "Records"',
    `    line [${counts}]`,
    '```',
  ].join('\n');
}

function addChart(summary: Summary, points: readonly RunPoint[]): void {
  const chart = recordsChart(points);
  // Blank lines around it: GitHub renders a fenced block only as a block of its own.
  if (chart !== undefined) summary.addRaw(`\n\n${chart}\n\n`, true);
}

/** `2026-12-06T02:17:00.000Z` → `12-06 02:17` (UTC): digits only, whatever was stored. */
function chartLabel(iso: string): string {
  const date = new Date(Date.parse(iso));
  const two = (value: number) => String(value).padStart(2, '0');
  return `${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}`;
}

export function describeFailedLimits(crossed: readonly CrossedLimit[]): string {
  return crossed.map(describeCrossed).join('; ');
}
