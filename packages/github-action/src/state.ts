/**
 * The small file the action stores after each successful new export, in an artifact with a
 * stable name, so that a later run can find it: `since: last-run` reads its watermark, and
 * `keep-last` reads which export artifact belongs to it.
 */

import { type Manifest, parseManifest } from '@asana-exports/core/node';

export const STATE_FILE_NAME = 'asana-exports-state.json';
export const STATE_VERSION = 1;

export interface StateFile {
  readonly stateVersion: typeof STATE_VERSION;
  /**
   * Everything modified after this instant is in this run's export or a later one: Asana's
   * `created_at` of the export (Asana's own clock, the one `modified_at` is compared against),
   * or the step's start when Asana gave none. Never later than the export's snapshot.
   */
  readonly watermark: string;
  readonly exportArtifact: { readonly id: number; readonly name: string };
  readonly manifest: Manifest;
}

export function buildState(
  manifest: Manifest,
  exportArtifact: { id: number; name: string },
  stepStartedAt: Date,
): StateFile {
  return {
    stateVersion: STATE_VERSION,
    watermark: manifest.createdAt ?? stepStartedAt.toISOString(),
    exportArtifact,
    manifest,
  };
}

/** Reads a state file written by an earlier run; throws a plain Error naming what is wrong. */
export function parseState(text: string, source: string): StateFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${source} is not JSON`);
  }
  if (typeof json !== 'object' || json === null) throw new Error(`${source} is not an object`);
  const { stateVersion, watermark, exportArtifact, manifest } = json as Record<string, unknown>;
  if (stateVersion !== STATE_VERSION) {
    throw new Error(
      `${source} has stateVersion ${String(stateVersion)}; expected ${STATE_VERSION}`,
    );
  }
  if (typeof watermark !== 'string' || Number.isNaN(Date.parse(watermark))) {
    throw new Error(`${source} has no valid watermark`);
  }
  const artifact = exportArtifact as { id?: unknown; name?: unknown } | undefined;
  if (typeof artifact?.id !== 'number' || typeof artifact.name !== 'string') {
    throw new Error(`${source} does not name its export artifact`);
  }
  return {
    stateVersion,
    watermark: new Date(watermark).toISOString(),
    exportArtifact: { id: artifact.id, name: artifact.name },
    manifest: parseManifest(JSON.stringify(manifest), `${source} manifest`),
  };
}
