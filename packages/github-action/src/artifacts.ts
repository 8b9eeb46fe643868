/**
 * Stores files as artifacts of the current run, through `@actions/artifact`.
 *
 * The export is zipped with `compressionLevel: 0` (stored): the `.gz` inside is already
 * compressed, so deflating it again costs time and saves nothing. A zip rather than
 * `skipArchive` keeps the export and its manifest together under a name the user chooses, and
 * every version of actions/download-artifact can unpack it.
 */

import type { ArtifactClient } from '@actions/artifact';
import { DefaultArtifactClient } from '@actions/artifact';

export interface StoredArtifact {
  readonly id: number;
  readonly name: string;
  /** Bytes uploaded (the zip). */
  readonly size: number;
}

export interface UploadRequest {
  readonly name: string;
  /** Absolute paths, all directly inside `rootDirectory`. */
  readonly files: readonly string[];
  readonly rootDirectory: string;
  readonly retentionDays: number | undefined;
  readonly compressionLevel: number;
}

export function createArtifactClient(): ArtifactClient {
  return new DefaultArtifactClient();
}

/** Names of the artifacts this run already has: artifact names must be unique within a run. */
export async function artifactNamesInRun(client: ArtifactClient): Promise<Set<string>> {
  const { artifacts } = await client.listArtifacts();
  return new Set(artifacts.map((artifact) => artifact.name));
}

export async function uploadFiles(
  client: ArtifactClient,
  request: UploadRequest,
): Promise<StoredArtifact> {
  const result = await client.uploadArtifact(
    request.name,
    [...request.files],
    request.rootDirectory,
    {
      compressionLevel: request.compressionLevel,
      ...(request.retentionDays === undefined ? {} : { retentionDays: request.retentionDays }),
    },
  );
  if (result.id === undefined) {
    throw new Error(`The artifact service did not return an id for ${request.name}`);
  }
  return { id: result.id, name: request.name, size: result.size ?? 0 };
}

/** Where a person finds the artifact: the run's page, which lists and downloads it. */
export function artifactUrl(env: NodeJS.ProcessEnv, id: number): string | undefined {
  const repository = env.GITHUB_REPOSITORY;
  const runId = env.GITHUB_RUN_ID;
  if (!repository || !runId) return undefined;
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  return `${server}/${repository}/actions/runs/${runId}/artifacts/${id}`;
}
