/**
 * The states of one export definition that this run may believe, newest first. Each candidate's
 * uploading run is looked up and judged (trust.ts) before its artifact is downloaded; what is
 * ignored is logged with the reason, so a planted artifact is visible rather than silent.
 */

import type { ArtifactClient } from '@actions/artifact';
import type { Octokit } from '@octokit/rest';
import type { Listed } from './chain.js';
import {
  getRunFacts,
  listStateArtifacts,
  type Repository,
  readStateArtifact,
  type StateArtifactRef,
} from './github.js';
import type { StateFile } from './state.js';
import { explain } from './step-error.js';
import { type RunFacts, trustUploader } from './trust.js';

export interface TrustedStateSource {
  readonly octokit: Octokit;
  readonly repository: Repository;
  readonly artifacts: ArtifactClient;
  readonly token: string;
  readonly current: RunFacts;
  readonly stateName: string;
  /** Where "ignored ..." lines go (the log). */
  readonly info: (line: string) => void;
}

/** A trusted state, with the run that uploaded it (the export artifact must be of that run). */
export type TrustedState = Listed<StateFile> & { readonly runId: number };

/**
 * Reads trusted states newest first, lazily: `since: last-run` stops at the first stored one,
 * `keep-last` reads on. A trusted state that cannot be read is skipped with a line in the log
 * (an older one is then the base: more records, none missed).
 */
export async function* trustedStates(source: TrustedStateSource): AsyncGenerator<TrustedState> {
  const listed = await listStateArtifacts(source.octokit, source.repository, source.stateName);
  const runs = new Map<number, RunFacts | undefined>();
  for (const ref of listed) {
    const runId = ref.workflowRunId;
    let uploader: RunFacts | undefined;
    if (runId !== undefined) {
      if (!runs.has(runId)) {
        runs.set(runId, await getRunFacts(source.octokit, source.repository, runId));
      }
      uploader = runs.get(runId);
    }
    const trust = trustUploader(uploader, source.current);
    if (!trust.trusted) {
      source.info(`Ignored state artifact ${describe(ref)}: ${trust.reason}.`);
      continue;
    }
    let state: StateFile;
    try {
      state = await readStateArtifact(source.artifacts, source.repository, source.token, ref);
    } catch (error) {
      source.info(`Ignored state artifact ${describe(ref)}: ${explain(error)}`);
      continue;
    }
    yield { artifactId: ref.id, state, runId: runId as number };
  }
}

function describe(ref: StateArtifactRef): string {
  return `id ${ref.id}${ref.workflowRunId === undefined ? '' : ` of run ${ref.workflowRunId}`}`;
}
