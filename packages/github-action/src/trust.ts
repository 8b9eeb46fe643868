/**
 * Which artifacts a run may believe. Anyone who can run a workflow in the repository (a fork's
 * pull request, another workflow, a branch under test) can upload an artifact under the state's
 * name: a planted state could move the watermark forward (later backups silently skip records)
 * or name any artifact for `keep-last` to delete. So a state counts only when the run that
 * uploaded it is of this same workflow, in this repository and not a fork, on this run's branch,
 * and started by an event that runs the repository's own code on that branch.
 *
 * The branch is this run's own (`head_branch`), not always the default branch: a scheduled run is
 * on the default branch anyway, and a `workflow_dispatch` test on a branch keeps a chain of its
 * own instead of moving the nightly one.
 */

/** What the REST API says about a workflow run (`GET /repos/{owner}/{repo}/actions/runs/{id}`). */
export interface RunFacts {
  readonly id: number;
  readonly workflowId: number | undefined;
  readonly event: string | undefined;
  readonly headBranch: string | undefined;
  readonly repositoryId: number | undefined;
  readonly headRepositoryId: number | undefined;
}

/**
 * Events whose runs execute the repository's own workflow on one of its branches. Pull-request
 * events run code a contributor proposes (`pull_request`) or act on it (`pull_request_target`,
 * `merge_group`); their artifacts are never trusted, and a run started by one keeps no state.
 */
export const TRUSTED_EVENTS: ReadonlySet<string> = new Set([
  'schedule',
  'workflow_dispatch',
  'push',
  'repository_dispatch',
]);

export type TrustDecision =
  | { readonly trusted: true }
  | { readonly trusted: false; readonly reason: string };

/** Whether the current run may keep state at all: only a run of a trusted event. */
export function runKeepsState(current: RunFacts): TrustDecision {
  if (current.event === undefined || !TRUSTED_EVENTS.has(current.event)) {
    return {
      trusted: false,
      reason: `this run was started by ${current.event ?? 'an unknown event'}; state is kept only by runs of ${[...TRUSTED_EVENTS].join(', ')}`,
    };
  }
  if (current.headBranch === undefined) {
    return { trusted: false, reason: 'this run is on no branch (a tag?)' };
  }
  return { trusted: true };
}

/** Whether an artifact uploaded by run `uploader` may be read (and acted on) by run `current`. */
export function trustUploader(uploader: RunFacts | undefined, current: RunFacts): TrustDecision {
  if (uploader === undefined) return { trusted: false, reason: 'its workflow run is gone' };
  if (uploader.repositoryId === undefined || uploader.repositoryId !== current.repositoryId) {
    return { trusted: false, reason: 'it was uploaded in another repository' };
  }
  if (uploader.headRepositoryId !== uploader.repositoryId) {
    return { trusted: false, reason: "it was uploaded by a run of a fork's code" };
  }
  if (uploader.event === undefined || !TRUSTED_EVENTS.has(uploader.event)) {
    return {
      trusted: false,
      reason: `it was uploaded by a ${uploader.event ?? 'unknown'} run`,
    };
  }
  if (uploader.workflowId === undefined || uploader.workflowId !== current.workflowId) {
    return { trusted: false, reason: 'it was uploaded by another workflow' };
  }
  if (uploader.headBranch !== current.headBranch) {
    return { trusted: false, reason: 'it was uploaded on another branch' };
  }
  return { trusted: true };
}
