/**
 * Artifact names. Export artifacts carry the date so each run's is recognisable; the state
 * artifact keeps one stable name per export definition, because the GitHub API finds artifacts
 * across runs only by exact name.
 */

import { createHash } from 'node:crypto';
import type {
  ExportKind,
  ExportRequest,
  Manifest,
  ResourceExportParameterWire,
} from '@asana-exports/core/node';
import { toWireParameter } from '@asana-exports/core/node';

/** `2026-11-23T02:00:05.123Z` → `20261123-020005`: artifact names may not contain `:`. */
export function compactUtc(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, '')
    .replaceAll('-', '')
    .replaceAll(':', '')
    .replace('T', '-');
}

/** The gid that says what was exported: the target when known, else the export's own gid. */
export function subjectGid(manifest: Manifest): string {
  const { target } = manifest;
  return (
    target.organization ??
    target.workspace ??
    target.parent ??
    manifest.exportGid ??
    manifest.jobGid ??
    'unknown'
  );
}

/** The gid a request names: the organization, workspace or parent. */
export function requestSubject(request: ExportRequest): string {
  switch (request.kind) {
    case 'organization':
      return request.organization;
    case 'resource':
      return request.workspace;
    case 'graph':
      return request.parent;
  }
}

/**
 * Whether `name` is one this step gives its export artifacts: `artifact-name` (or `-2`, `-3`...
 * when a run had it already), else the default pattern for this kind and gid. keep-last deletes
 * nothing else, whatever a state names.
 */
export function isExportArtifactName(
  name: string,
  step: {
    readonly artifactName: string | undefined;
    readonly kind: ExportKind;
    readonly subject: string;
  },
): boolean {
  const base = step.artifactName ?? `asana-${step.kind}-${step.subject}-`;
  if (!name.startsWith(base)) return false;
  const rest = name.slice(base.length);
  if (step.artifactName !== undefined) return rest === '' || /^-[1-9]\d*$/.test(rest);
  return /^\d{8}-\d{6}(-[1-9]\d*)?$/.test(rest);
}

/** `asana-resource-1200000000000002-20261123-020005`. */
export function defaultArtifactName(kind: ExportKind, gid: string, startedAt: Date): string {
  return `asana-${kind}-${gid}-${compactUtc(startedAt)}`;
}

/** `name`, or `name-2`, `name-3`... whichever this run has not used yet. */
export function uniqueName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  for (let suffix = 2; ; suffix++) {
    const candidate = `${name}-${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/**
 * The state artifact's name: the same for every run of the same export definition (kind,
 * target, resource types, fields and filters, but not the `since` watermark), different for
 * any other, so two workflows exporting different things never read each other's watermark.
 */
export function stateArtifactName(request: ExportRequest): string {
  switch (request.kind) {
    case 'organization':
      return `asana-exports-state-organization-${request.organization}`;
    case 'graph':
      return `asana-exports-state-graph-${request.parent}`;
    case 'resource': {
      const digest = createHash('sha256')
        .update(resourceDefinition(request.parameters.map(toWireParameter)))
        .digest('hex')
        .slice(0, 12);
      return `asana-exports-state-resource-${request.workspace}-${digest}`;
    }
  }
}

/**
 * What makes two resource exports of one workspace the same export definition, for
 * `since: last-run`: their parameters as sent (`since` left out), in order. With artifacts it
 * names the state; with a destination it is compared with the latest export's manifest.
 */
export function resourceDefinition(parameters: readonly ResourceExportParameterWire[]): string {
  return JSON.stringify(parameters);
}
