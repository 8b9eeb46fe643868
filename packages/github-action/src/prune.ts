/**
 * `keep-last: N`: keeps the newest N chains of this export definition (a chain is a full export
 * and its increments; without `since` every export is a chain of one) and deletes older ones.
 * What is deleted is decided by `decidePrune` from trusted states only, and each export artifact
 * a state names is deleted only when it carries this step's name pattern and was uploaded by the
 * same run as the state: a state cannot send `actions: write` after anything else.
 */

import type { ArtifactClient } from '@actions/artifact';
import type { Octokit } from '@octokit/rest';
import { decidePrune } from './chain.js';
import { deleteArtifactById, getArtifact, type Repository } from './github.js';
import type { ChainLink } from './state.js';
import type { RunFacts } from './trust.js';
import { type TrustedState, trustedStates } from './trusted-states.js';

/** Bounds the time one run spends deleting; later runs delete the rest. */
export const MAX_PRUNED_PER_RUN = 50;

export interface PruneOptions {
  readonly octokit: Octokit;
  readonly repository: Repository;
  readonly artifacts: ArtifactClient;
  readonly token: string;
  readonly stateName: string;
  readonly currentRun: RunFacts;
  readonly keep: number;
  /** This run's place in its chain: its chain is always one of those kept. */
  readonly link: ChainLink;
  /** This run's artifacts, never deleted even if the listing lags behind. */
  readonly protect: { readonly stateId: number | undefined; readonly exportId: number };
  readonly isExportName: (name: string) => boolean;
  readonly info: (line: string) => void;
}

/** Returns the names of the export artifacts deleted. */
export async function pruneChains(options: PruneOptions): Promise<string[]> {
  const { octokit, repository, protect } = options;
  const listed: TrustedState[] = [];
  for await (const state of trustedStates({ ...options, current: options.currentRun })) {
    if (state.artifactId !== protect.stateId) listed.push(state);
  }
  const runOf = new Map(listed.map((state) => [state.artifactId, state.runId]));
  const decision = decidePrune(listed, options.keep, options.link);
  const deleted: string[] = [];
  let budget = MAX_PRUNED_PER_RUN;
  for (const { artifactId, state } of decision.deleteStored) {
    if (budget-- <= 0) break;
    const target = state.exportArtifact;
    const found =
      target.id === protect.exportId
        ? undefined
        : await getArtifact(octokit, repository, target.id);
    if (found !== undefined) {
      if (found.workflowRunId !== runOf.get(artifactId) || !options.isExportName(found.name)) {
        options.info(
          `keep-last: left artifact id ${target.id} alone: it is not this step's export of the run that stored the state.`,
        );
      } else if (await deleteArtifactById(octokit, repository, found.id)) {
        deleted.push(found.name);
        options.info(`keep-last: deleted ${found.name} (id ${found.id}, chain ${state.chain.id})`);
      }
    }
    await deleteArtifactById(octokit, repository, artifactId);
  }
  for (const { artifactId } of decision.deletePending) {
    if (budget-- <= 0) break;
    await deleteArtifactById(octokit, repository, artifactId);
  }
  return deleted;
}
