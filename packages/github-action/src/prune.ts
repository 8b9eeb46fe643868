/**
 * `keep-last: N`: keeps the newest N exports of this export definition and deletes older ones.
 * Each successful run stores a state artifact under one stable name, which the API can list;
 * each state names the export artifact of its run, so both are deleted together.
 */

import type { ArtifactClient } from '@actions/artifact';
import type { Octokit } from '@octokit/rest';
import {
  deleteArtifactById,
  listStateArtifacts,
  type Repository,
  readStateArtifact,
} from './github.js';

/** Bounds the time one run spends deleting; later runs delete the rest. */
export const MAX_PRUNED_PER_RUN = 50;

export interface PruneOptions {
  readonly octokit: Octokit;
  readonly repository: Repository;
  readonly artifacts: ArtifactClient;
  readonly token: string;
  readonly stateName: string;
  readonly keep: number;
  /** This run's artifacts, never deleted even if the listing lags behind. */
  readonly current: { readonly stateId: number | undefined; readonly exportId: number };
  readonly info: (line: string) => void;
}

/** Returns the names of the export artifacts deleted. */
export async function pruneOlderExports(options: PruneOptions): Promise<string[]> {
  const { octokit, repository, current } = options;
  const states = await listStateArtifacts(octokit, repository, options.stateName);
  const older = states
    .filter((state) => state.id !== current.stateId)
    // This run's state may not be listed yet; it counts as one of the N kept either way.
    .slice(Math.max(0, options.keep - 1))
    .slice(0, MAX_PRUNED_PER_RUN);
  const deleted: string[] = [];
  for (const ref of older) {
    const state = await readStateArtifact(options.artifacts, repository, options.token, ref);
    const exportId = state.exportArtifact.id;
    if (
      exportId !== current.exportId &&
      (await deleteArtifactById(octokit, repository, exportId))
    ) {
      deleted.push(state.exportArtifact.name);
      options.info(`keep-last: deleted ${state.exportArtifact.name} (id ${exportId})`);
    }
    await deleteArtifactById(octokit, repository, ref.id);
  }
  return deleted;
}
