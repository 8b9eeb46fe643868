/**
 * `asana-export diff OLD NEW`: the change report between two stored exports, as JSON (default)
 * or Markdown on stdout, optionally written to `--report FILE` too, and exit code 9 when a
 * `--fail-on` limit is crossed: so a nightly job can stop, or page someone, after a mass deletion.
 */
import { writeFile } from 'node:fs/promises';
import { diffExportFiles } from '../node/diff-exports.js';
import { readIdentities } from '../node/export-file.js';
import { onDisk } from '../node/local-error.js';
import { diffMarkdown } from '../protocol/diff-markdown.js';
import type { DiffReport } from '../protocol/diff-report.js';
import { type CrossedLimit, crossedLimits, describeCrossed } from '../protocol/diff-thresholds.js';
import type { DiffArgs } from './args.js';

export interface DiffOutcome {
  readonly report: DiffReport;
  readonly crossed: readonly CrossedLimit[];
  /** What stdout gets. */
  readonly output: string;
  /** Lines for stderr: warnings, then the one-line summary. */
  readonly notes: readonly string[];
}

export async function runDiff(args: DiffArgs, signal: AbortSignal): Promise<DiffOutcome> {
  const identities = await readIdentities(args.identities);
  const { report, warnings } = await diffExportFiles(
    { path: args.old, manifest: args.oldManifest },
    { path: args.new, manifest: args.newManifest },
    { identities, tempDir: args.tempDir, signal },
  );
  const crossed = crossedLimits(report, args.limits);
  const json = `${JSON.stringify(report, null, 2)}\n`;
  if (args.reportFile !== undefined) {
    const path = args.reportFile;
    await onDisk('create', path, () => writeFile(path, json, { flag: 'wx' }));
  }
  const { totals } = report;
  const notes = [
    ...warnings.map((warning) => `warning: ${warning}`),
    `${totals.added} added, ${totals.removed} removed, ${totals.changed} changed, ${totals.unchanged} unchanged (${totals.old} → ${totals.new} records)`,
    ...crossed.map((limit) => `limit crossed: ${describeCrossed(limit)}`),
  ];
  const output = args.format === 'markdown' ? diffMarkdown(report, crossed) : json;
  return { report, crossed, output, notes };
}
