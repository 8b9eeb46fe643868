/**
 * `asana-export diff OLD NEW` (two files) or `diff --to DEST` (two exports in object storage: two
 * keys, or a target's latest and the one before it): the change report, as JSON (default)
 * or Markdown on stdout, optionally written to `--report FILE` too, and exit code 9 when a
 * `--fail-on` limit is crossed: so a nightly job can stop, or page someone, after a mass deletion.
 */
import { writeFile } from 'node:fs/promises';
import { diffExportFiles } from '../node/diff-exports.js';
import { readIdentities } from '../node/export-file.js';
import { onDisk } from '../node/local-error.js';
import { diffStoredExports } from '../node/stored-diff.js';
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

export async function runDiff(
  args: DiffArgs & { readonly requestTimeoutMs: number },
  env: Readonly<Record<string, string | undefined>>,
  signal: AbortSignal,
): Promise<DiffOutcome> {
  const identities = await readIdentities(args.identities);
  const options = { identities, tempDir: args.tempDir, signal };
  const { source } = args;
  const { report, warnings } =
    source.type === 'files'
      ? await diffExportFiles(
          { path: source.old, manifest: args.oldManifest },
          { path: source.new, manifest: args.newManifest },
          options,
        )
      : await diffStoredExports(source.which, {
          ...options,
          store: {
            destination: source.destination.destination,
            settings: source.destination.settings,
            names: { destination: '--to', region: '--s3-region', endpoint: '--s3-endpoint' },
            env,
            requestTimeoutMs: args.requestTimeoutMs,
          },
          layout: source.destination.layout,
        });
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
