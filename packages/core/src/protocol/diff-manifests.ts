/**
 * Whether two exports can be compared, from what is known of them before they are read: their
 * manifests when there are any, else their file names. Two kinds, two targets or JSON against
 * JSON Lines are refused (every record would show as removed and added); what is merely
 * doubtful is returned as warnings for the report's reader (a manifest that records no target, a
 * download by gid, is one of those). The one home of these rules: the CLI's `diff`
 * (node/diff-exports.ts) and n8n's Compare both call it.
 */
import { InputError } from './errors.js';
import { type ExportKind, isExportKind } from './kinds.js';
import type { Manifest } from './manifest.js';
import { formatInFileName } from './run.js';
import { printable } from './text.js';

export interface ComparedExport {
  /** The input that names this export, for errors (`New Export Field`). */
  readonly input: string;
  /** How messages show it (printable). */
  readonly shown: string;
  readonly manifest: Manifest | undefined;
  /** The stored file's name, if known: it may tell the kind and the format. */
  readonly fileName: string | undefined;
}

/** Refuses two exports that cannot be compared; returns the kind and what is worth a warning. */
export function checkComparable(
  older: ComparedExport,
  newer: ComparedExport,
): { kind: ExportKind | undefined; warnings: string[] } {
  const [oldKind, newKind] = [older, newer].map(kindOf);
  if (oldKind !== undefined && newKind !== undefined && oldKind !== newKind) {
    throw new InputError(
      newer.input,
      `${newer.shown} is a ${newKind} export and ${older.shown} a ${oldKind} export`,
      'Compare two exports of the same kind and target.',
    );
  }
  const a = older.manifest;
  const b = newer.manifest;
  const [aTarget, bTarget] = [a, b].map(targetText);
  if (aTarget !== undefined && bTarget !== undefined && aTarget !== bTarget) {
    throw new InputError(
      newer.input,
      `${newer.shown} is an export of ${bTarget} and ${older.shown} of ${aTarget}`,
      'Compare two exports of the same target: every record would show as removed and added.',
    );
  }
  const [oldFormat, newFormat] = [older, newer].map(formatOf);
  if (oldFormat !== undefined && newFormat !== undefined && oldFormat !== newFormat) {
    throw new InputError(
      newer.input,
      `${newer.shown} is ${newFormat} and ${older.shown} is ${oldFormat}`,
      'Compare two exports of the same kind.',
    );
  }
  const warnings: string[] = [];
  for (const [side, target] of [
    [older, aTarget],
    [newer, bTarget],
  ] as const) {
    if (target !== undefined) continue;
    warnings.push(
      side.manifest === undefined
        ? `${side.shown} has no manifest: its target could not be checked, nor its content against what was downloaded`
        : `the manifest of ${side.shown} records no target (it was downloaded by gid): its target could not be checked`,
    );
  }
  warnings.push(...pairWarnings(a, b));
  return { kind: oldKind ?? newKind, warnings };
}

const KIND_IN_NAME = /^asana-(organization|resource|graph)-export-/;

function kindOf(side: ComparedExport): ExportKind | undefined {
  if (side.manifest !== undefined) return side.manifest.kind;
  const named = KIND_IN_NAME.exec(side.fileName ?? '')?.[1];
  return named !== undefined && isExportKind(named) ? named : undefined;
}

function formatOf(side: ComparedExport): 'json' | 'jsonl' | undefined {
  return formatInFileName(side.fileName ?? '') ?? side.manifest?.file.format;
}

/** What the export was made of; undefined when not known (no manifest, or none recorded). */
/**
 * What two manifests make doubtful about a change report between their exports: different
 * request parameters, or a pair the wrong way round. The CLI's diff warns of the same.
 */
export function pairWarnings(a: Manifest | undefined, b: Manifest | undefined): string[] {
  const warnings: string[] = [];
  if (a && b && JSON.stringify(a.parameters ?? []) !== JSON.stringify(b.parameters ?? [])) {
    warnings.push(
      'the two exports were requested with different parameters (types, fields or filters): records outside what both asked for show as added or removed',
    );
  }
  const aDone = a?.completedAt ?? a?.downloadedAt;
  const bDone = b?.completedAt ?? b?.downloadedAt;
  if (aDone && bDone && aDone > bDone) {
    warnings.push(
      `the older export completed after the newer one (${printable(aDone, 40)} > ${printable(bDone, 40)}): are the two the wrong way round?`,
    );
  }
  return warnings;
}

/** The manifest's target, as messages name it; undefined when it records none. */
export function targetText(manifest: Manifest | undefined): string | undefined {
  if (manifest === undefined) return undefined;
  const { organization, workspace, parent } = manifest.target;
  if (organization) return `organization ${printable(organization, 64)}`;
  if (workspace) return `workspace ${printable(workspace, 64)}`;
  if (parent) return `parent ${printable(parent, 64)}`;
  return undefined;
}
