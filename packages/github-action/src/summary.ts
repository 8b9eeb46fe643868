/**
 * The job summary: what a person reads at a glance on the run's page. One table of facts, the
 * records per resource type, and on failure what went wrong and what to do about it. Every
 * value is escaped here; secrets are redacted from the whole text before it is written.
 */

import * as core from '@actions/core';
import {
  type ExportKind,
  formatBytes,
  formatDuration,
  type Manifest,
  printableLines,
  type Redactor,
} from '@asana-exports/core/node';
import type { StartDecision } from './chain.js';
import type { ComparisonOutcome } from './compare.js';
import { addComparison, type RunPoint } from './compare-summary.js';
import { code, escapeHtml, formatCount } from './format.js';
import type { ChainLink } from './state.js';

export type Summary = typeof core.summary;

export interface StoredArtifactFacts {
  readonly id: number;
  readonly name: string;
  readonly url: string | undefined;
  readonly size: number;
}

export interface SinceFacts {
  /** ISO instant applied as `modified_at.after`; undefined for a full export. */
  readonly after: string | undefined;
  /** Where it came from: `24h`, `2024-01-31`, `the run of 2026-11-22` or `none found`. */
  readonly source: string;
}

/** Where this run's export stands in its chain (a step that keeps state). */
export interface ChainFacts {
  readonly link: ChainLink;
  /** What this run did: a full export, an increment, or resumed a pending export. */
  readonly decision: StartDecision['type'];
  /** Export artifacts keep-last deleted (whole older chains). */
  readonly pruned: readonly string[];
}

/** Where a `destination` stored the export: never a credential, never a presigned URL. */
export interface StoredObjectFacts {
  readonly location: string;
  readonly versionId: string | undefined;
  readonly manifestKey: string;
}

export interface SuccessFacts {
  readonly manifest: Manifest;
  /** The workflow artifact, or the object in the user's storage (`destination`). */
  readonly artifact: StoredArtifactFacts | StoredObjectFacts;
  readonly since: SinceFacts | undefined;
  readonly decompressed: boolean;
  readonly chain: ChainFacts | undefined;
  /** Problems that did not fail the step (state upload, keep-last). */
  readonly warnings: readonly string[];
  /** `compare: last-run`: the change report, and the record counts of recent runs. */
  readonly comparison?: {
    readonly outcome: ComparisonOutcome;
    readonly recent: readonly RunPoint[];
  };
  /** `parquet: true`: rows per table written as Parquet into the artifact or the destination. */
  readonly parquet?: Readonly<Record<string, number>>;
}

export interface FailureFacts {
  readonly kind: ExportKind | undefined;
  /** What was asked for: `workspace 123`, `export-gid 456`... */
  readonly target: string | undefined;
  readonly gid: string | undefined;
  readonly rawState: string | undefined;
  readonly elapsedMs: number;
  readonly message: string;
  readonly hint: string | undefined;
  /** Asana's own words, when Asana refused. */
  readonly asana: { message?: string; help?: string; phrase?: string } | undefined;
  /** The verified file, when only storing it failed. */
  readonly file: string | undefined;
  /** With `destination`, where it would have gone (`s3://bucket/prefix`): nothing was published. */
  readonly destination: string | undefined;
}

const TITLE = 'Asana export';

export function addSuccess(summary: Summary, facts: SuccessFacts): Summary {
  const { manifest, artifact } = facts;
  const rows: [string, string][] = [['Kind', manifest.kind], ...targetRows(manifest)];
  if (manifest.exportGid) rows.push(['Export gid', code(manifest.exportGid)]);
  if (manifest.jobGid) rows.push(['Job gid', code(manifest.jobGid)]);
  rows.push(['State', escapeHtml(manifest.state.raw)]);
  if (facts.since) {
    rows.push([
      'Modified after',
      facts.since.after
        ? `${code(facts.since.after)} (${escapeHtml(facts.since.source)})`
        : `everything (${escapeHtml(facts.since.source)})`,
    ]);
  }
  if (facts.chain) rows.push(['Chain', chainCell(facts.chain)]);
  rows.push(
    ['Duration', formatDuration(manifest.durationMs)],
    ['Size', `${formatBytes(manifest.file.bytes)} (${formatCount(manifest.file.bytes)} bytes)`],
    ['Records', formatCount(manifest.records.total)],
    ['SHA-256', code(manifest.file.sha256)],
    ...encryptionRows(manifest),
    ['File', code(manifest.encryption?.file.name ?? manifest.file.name)],
    'location' in artifact
      ? ['Destination', objectCell(artifact)]
      : ['Artifact', artifactCell(artifact, facts.decompressed, facts.parquet !== undefined)],
  );

  summary.addHeading(`${TITLE}: ${escapeHtml(manifest.state.raw)}`, 2);
  summary.addTable(factTable(rows));

  const byType = manifest.records.byResourceType;
  if (byType && Object.keys(byType).length > 0) {
    summary.addHeading('Records by resource type', 3);
    summary.addTable([
      [
        { data: 'Resource type', header: true },
        { data: 'Records', header: true },
      ],
      ...Object.entries(byType)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([type, count]) => [escapeHtml(type), formatCount(count)]),
    ]);
  }
  if (facts.parquet) {
    const where = 'location' in artifact ? 'the destination, beside the export' : 'the artifact';
    summary.addRaw(`<p>${parquetLine(facts.parquet, where)}</p>`, true);
  }
  if (facts.comparison) addComparison(summary, facts.comparison.outcome, facts.comparison.recent);
  const pruned = facts.chain?.pruned ?? [];
  if (pruned.length > 0) {
    summary.addRaw(
      `<p>keep-last deleted ${pruned.length} older artifact(s), whole chains only: ${pruned.map(code).join(', ')}</p>`,
      true,
    );
  }
  for (const warning of facts.warnings) {
    summary.addRaw(`<p><strong>Warning:</strong> ${escapeHtml(warning)}</p>`, true);
  }
  return summary;
}

/** `Parquet tables in the artifact: task 120 rows, user 5 rows.` Table names are DuckDB's. */
function parquetLine(tables: Readonly<Record<string, number>>, where: string): string {
  const each = Object.entries(tables)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([table, rows]) => `${code(table)} ${formatCount(rows)} row${rows === 1 ? '' : 's'}`);
  return `Parquet tables in ${where}: ${each.join(', ')}`;
}

export function addFailure(summary: Summary, facts: FailureFacts): Summary {
  const rows: [string, string][] = [];
  if (facts.kind) rows.push(['Kind', facts.kind]);
  if (facts.target) rows.push(['Target', escapeHtml(facts.target)]);
  if (facts.gid) {
    rows.push([facts.kind === 'organization' ? 'Export gid' : 'Job gid', code(facts.gid)]);
  }
  if (facts.rawState) rows.push(['Last state', escapeHtml(facts.rawState)]);
  rows.push(['Duration', formatDuration(facts.elapsedMs)]);
  rows.push(
    facts.destination === undefined
      ? [
          'Artifact',
          facts.file
            ? `none: the verified file is on the runner at ${code(facts.file)}`
            : 'none: nothing was stored',
        ]
      : // The upload is completed only once verified, and aborted otherwise.
        ['Destination', `${code(facts.destination)}: nothing was published`],
  );

  summary.addHeading(`${TITLE} failed`, 2);
  summary.addTable(factTable(rows));
  summary.addRaw(`<p><strong>What happened:</strong> ${escapeHtml(facts.message)}</p>`, true);
  if (facts.asana?.message) {
    const help = facts.asana.help ? ` (${escapeHtml(facts.asana.help)})` : '';
    const phrase = facts.asana.phrase ? ` Error phrase: ${code(facts.asana.phrase)}.` : '';
    summary.addRaw(
      `<p><strong>Asana said:</strong> ${escapeHtml(facts.asana.message)}${help}${phrase}</p>`,
      true,
    );
  }
  if (facts.hint) {
    summary.addRaw(`<p><strong>What to do:</strong> ${escapeHtml(facts.hint)}</p>`, true);
  }
  return summary;
}

function chainCell({ link, decision }: ChainFacts): string {
  const resumed = decision === 'resume' ? ', resumed from an earlier run' : '';
  if (link.index === 0) {
    return `full export${resumed}: starts chain ${code(link.id)}; later runs add increments to it`;
  }
  const full = link.fullArtifact
    ? `${code(link.fullArtifact)} (chain ${code(link.id)})`
    : code(link.id);
  return `increment ${link.index}${resumed} on the full export ${full} of ${code(link.fullAt)}: restore the full export, then increments 1 to ${link.index} in order`;
}

/** The plaintext's figures are above; these say what is stored and who can read it. */
function encryptionRows(manifest: Manifest): [string, string][] {
  const encryption = manifest.encryption;
  if (encryption === undefined) return [];
  return [
    [
      'Encrypted',
      `age, to ${encryption.recipients.map(code).join(', ')}: ${formatBytes(encryption.file.bytes)}, SHA-256 ${code(encryption.file.sha256)}`,
    ],
  ];
}

function targetRows(manifest: Manifest): [string, string][] {
  const rows: [string, string][] = [];
  const { organization, workspace, parent } = manifest.target;
  if (organization) rows.push(['Organization', code(organization)]);
  if (workspace) rows.push(['Workspace', code(workspace)]);
  if (parent) rows.push(['Parent', code(parent)]);
  return rows;
}

function artifactCell(
  artifact: StoredArtifactFacts,
  decompressed: boolean,
  parquet: boolean,
): string {
  const name = escapeHtml(artifact.name);
  const link = artifact.url ? `<a href="${escapeHtml(artifact.url)}">${name}</a>` : name;
  const parts = ['export', ...(decompressed ? ['uncompressed copy'] : []), 'manifest'];
  if (parquet) parts.push('Parquet tables');
  const contents = `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
  return `${link} (id ${artifact.id}, ${formatBytes(artifact.size)}: ${contents})`;
}

function objectCell(object: StoredObjectFacts): string {
  const version = object.versionId === undefined ? '' : `, version ${code(object.versionId)}`;
  return `${code(object.location)}${version}; manifest ${code(object.manifestKey)}`;
}

function factTable(rows: readonly [string, string][]) {
  return rows.map(([label, value]) => [{ data: label, header: true }, value]);
}

/** Writes the job summary, redacted as a whole; a runner without one (local runs) skips it. */
export async function writeSummary(
  redact: Redactor,
  build: (summary: Summary) => unknown,
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  try {
    build(core.summary.emptyBuffer());
    // Redacted, and escaped but for its own line breaks: no outside text reaches it raw.
    const text = printableLines(redact(core.summary.stringify()));
    await core.summary.emptyBuffer().addRaw(text, true).write();
  } catch (error) {
    core.warning(
      `Could not write the job summary: ${redact(error instanceof Error ? error.message : String(error))}`,
    );
  }
}
