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
import { uniqueName } from './names.js';

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

/**
 * Whether an upload failed because the run already has an artifact of that name. Parallel jobs
 * of one run (a matrix) may pick the same name at the same moment: the first to create it wins,
 * and the artifact service answers the other with 409.
 */
function isNameTaken(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /\(409\)|already_exists|already exists/i.test(message);
}

/** Enough for any matrix: each conflict means another job of the run just took a name. */
const MAX_NAME_ATTEMPTS = 20;

/**
 * Uploads under `preferred`, or `preferred-2`, `preferred-3`...: the first name the run has free.
 * `taken` is the run's names when listed; a job running in parallel may take the same name after
 * that, and then the next one is tried. A refused name leaves nothing behind to clean up.
 */
export async function uploadUnderFreeName(
  upload: (name: string) => Promise<StoredArtifact>,
  preferred: string,
  taken: ReadonlySet<string>,
): Promise<StoredArtifact> {
  const refused = new Set(taken);
  for (let attempt = 1; ; attempt++) {
    const name = uniqueName(preferred, refused);
    try {
      return await upload(name);
    } catch (error) {
      if (!isNameTaken(error) || attempt >= MAX_NAME_ATTEMPTS) throw error;
      refused.add(name);
    }
  }
}

/** Where a person finds the artifact: the run's page, which lists and downloads it. */
export function artifactUrl(env: NodeJS.ProcessEnv, id: number): string | undefined {
  const repository = env.GITHUB_REPOSITORY;
  const runId = env.GITHUB_RUN_ID;
  if (!repository || !runId) return undefined;
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  return `${server}/${repository}/actions/runs/${runId}/artifacts/${id}`;
}
