/**
 * A change report as Markdown, for a terminal, a pull request or a GitHub job summary. Every value
 * that came from an export (types, gids, field names, values) is shown in a code span with its
 * backticks and pipes neutralised: in a summary, a task named `![x](https://…)` must stay text,
 * never become an image fetched by whoever opens the page.
 */
import type { DiffReport } from './diff-report.js';
import { type CrossedLimit, describeCrossed } from './diff-thresholds.js';

/** Rows of the "fields changed most" table. */
const TOP_FIELDS = 10;

export function diffMarkdown(report: DiffReport, crossed: readonly CrossedLimit[] = []): string {
  const lines: string[] = [];
  const { totals } = report;
  lines.push(`### Changes between two ${report.kind ?? ''} exports`.replace('  ', ' '));
  lines.push('');
  lines.push(`- older: ${code(report.old.file)}${completed(report.old.completedAt)}`);
  lines.push(`- newer: ${code(report.new.file)}${completed(report.new.completedAt)}`);
  lines.push(
    `- ${count(totals.added)} added, ${count(totals.removed)} removed, ${count(totals.changed)} changed, ${count(totals.unchanged)} unchanged (${count(totals.old)} → ${count(totals.new)} records)`,
  );
  for (const limit of crossed) lines.push(`- **limit crossed**: ${code(describeCrossed(limit))}`);
  lines.push('');
  lines.push('| type | older | newer | added | removed | changed | unchanged |');
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [type, t] of Object.entries(report.byResourceType)) {
    lines.push(
      `| ${code(type)} | ${count(t.old)} | ${count(t.new)} | ${count(t.added)} | ${count(t.removed)} | ${count(t.changed)} | ${count(t.unchanged)} |`,
    );
  }
  lines.push(
    `| **all** | ${count(totals.old)} | ${count(totals.new)} | ${count(totals.added)} | ${count(totals.removed)} | ${count(totals.changed)} | ${count(totals.unchanged)} |`,
  );

  const fields = topFields(report);
  if (fields.length > 0) {
    lines.push(
      '',
      '#### Fields changed most',
      '',
      '| type | field | records |',
      '| --- | --- | ---: |',
    );
    for (const { type, field, records } of fields) {
      lines.push(`| ${code(type)} | ${code(field)} | ${count(records)} |`);
    }
  }
  if (report.customFieldRenames.length > 0) {
    lines.push('', '#### Custom fields renamed', '');
    for (const rename of report.customFieldRenames) {
      lines.push(`- ${code(rename.from)} → ${code(rename.to)} (custom field ${code(rename.gid)})`);
    }
  }
  const { added, removed, changed } = report.examples;
  if (added.length + removed.length + changed.length > 0) {
    lines.push('', '#### Examples', '');
    for (const example of changed) {
      lines.push(
        `- changed ${code(example.resourceType)} ${code(example.gid)}: ${code(example.field)} ${code(example.old)} → ${code(example.new)}`,
      );
    }
    for (const ref of added) lines.push(`- added ${code(ref.resourceType)} ${code(ref.gid)}`);
    for (const ref of removed) lines.push(`- removed ${code(ref.resourceType)} ${code(ref.gid)}`);
  }
  return `${lines.join('\n')}\n`;
}

function topFields(report: DiffReport): { type: string; field: string; records: number }[] {
  const rows: { type: string; field: string; records: number }[] = [];
  for (const [type, t] of Object.entries(report.byResourceType)) {
    for (const [field, records] of Object.entries(t.fields)) rows.push({ type, field, records });
    for (const [name, records] of Object.entries(t.customFields)) {
      rows.push({ type, field: `custom_fields.${name}`, records });
    }
  }
  rows.sort((a, b) => b.records - a.records);
  return rows.slice(0, TOP_FIELDS);
}

function completed(at: string | undefined): string {
  return at === undefined ? '' : `, completed ${code(at)}`;
}

const NUMBER = new Intl.NumberFormat('en-US');

function count(value: number): string {
  return NUMBER.format(value);
}

/**
 * A code span that holds any text: backticks become `'` (a span cannot contain its own fence
 * reliably across renderers) and `|` is escaped so a table cell stays one cell.
 */
export function code(text: string): string {
  const safe = text.replaceAll('`', "'").replaceAll('|', '\\|');
  return `\`${safe === '' ? ' ' : safe}\``;
}
