/**
 * Backup chains, decided in one place and without I/O: what this run exports (a full export, an
 * increment on the last one, or the export a timed-out run left running), and what `keep-last`
 * may delete. A chain is one full export and the increments taken after it; it is kept or
 * deleted whole, so whatever is kept can always be rebuilt: an increment without its full export
 * is worthless (resource exports carry no deletions), and so is a full whose increments are kept.
 *
 * The caller lists the trusted states (trust.ts), newest first, and carries out the decision.
 */

import type { ExportRef } from '@asana-exports/core/node';
import type { ChainLink, PendingState, StoredState } from './state.js';

/** Asana keeps an export's file for 30 days; an older pending export cannot be downloaded. */
export const PENDING_MAX_AGE_MS = 30 * 86_400_000;

/** `full-every`: a new full export after this many runs of a chain, or once its full is this old. */
export type FullEvery =
  | { readonly type: 'runs'; readonly count: number }
  | { readonly type: 'age'; readonly ms: number };

export interface ChainPolicy {
  /** `since: last-run`: runs after a full one export what changed since the run before. */
  readonly incremental: boolean;
  readonly fullEvery: FullEvery | undefined;
  /** Pick up the export a timed-out run left at Asana (`resume-pending`). */
  readonly resumePending: boolean;
}

/** A trusted state with the id of the artifact that holds it. */
export type Listed<State> = { readonly artifactId: number; readonly state: State };

export type StartDecision =
  | {
      readonly type: 'full';
      /** Why a full export: for the log and the job summary. */
      readonly reason: string;
      /** What became of a pending export that was not resumed, if there was one. */
      readonly pendingSkipped?: string;
    }
  | {
      readonly type: 'incremental';
      /** `modified_at.after`: the last stored run's watermark. */
      readonly after: string;
      readonly chain: ChainLink;
      readonly base: Listed<StoredState>;
      readonly pendingSkipped?: string;
    }
  | {
      readonly type: 'resume';
      readonly ref: ExportRef;
      readonly pending: Listed<PendingState>;
      /** The watermark it was created with; undefined for a full export. */
      readonly after: string | undefined;
    };

/**
 * Whether a pending export an earlier run left at Asana is resumed: with `resume-pending` and
 * while Asana still keeps its file. The one rule for a state artifact and a destination's record.
 */
export function decidePending(
  pending: PendingState['pending'],
  resumePending: boolean,
  nowMs: number,
):
  | { readonly type: 'resume'; readonly ref: ExportRef; readonly after: string | undefined }
  | { readonly type: 'skip'; readonly reason: string } {
  if (!resumePending) {
    return {
      type: 'skip',
      reason: `the export ${pending.gid} left running by an earlier run was not resumed (resume-pending: false)`,
    };
  }
  if (nowMs - Date.parse(pending.requestedAt) > PENDING_MAX_AGE_MS) {
    return {
      type: 'skip',
      reason: `the export ${pending.gid} left running by an earlier run is over 30 days old; Asana no longer keeps its file`,
    };
  }
  return {
    type: 'resume',
    ref: { kind: pending.kind, gid: pending.gid },
    after: pending.modifiedAfter,
  };
}

/**
 * What this run exports. `states` are the trusted states of this export definition, newest
 * first; only the newest may be pending (an older pending export was resumed or given up).
 */
export function decideStart(
  states: readonly Listed<StoredState | PendingState>[],
  policy: ChainPolicy,
  nowMs: number,
): StartDecision {
  const [newest] = states;
  let pendingSkipped: string | undefined;
  if (newest?.state.type === 'pending') {
    const pending = newest.state;
    const decided = decidePending(pending.pending, policy.resumePending, nowMs);
    if (decided.type === 'skip') pendingSkipped = decided.reason;
    else {
      return {
        type: 'resume',
        ref: decided.ref,
        pending: { artifactId: newest.artifactId, state: pending },
        after: decided.after,
      };
    }
  }
  const skipped = pendingSkipped === undefined ? {} : { pendingSkipped };
  const last = states.find(
    (listed): listed is Listed<StoredState> => listed.state.type === 'stored',
  );
  if (!policy.incremental)
    return { type: 'full', reason: 'every run is a full export', ...skipped };
  if (last === undefined) return { type: 'full', reason: 'no earlier run found', ...skipped };
  const { chain } = last.state;
  const fullEvery = policy.fullEvery;
  if (fullEvery?.type === 'runs' && chain.index + 1 >= fullEvery.count) {
    return {
      type: 'full',
      reason: `full-every: ${fullEvery.count} runs (the chain has ${chain.index + 1})`,
      ...skipped,
    };
  }
  if (fullEvery?.type === 'age' && nowMs - Date.parse(chain.fullAt) >= fullEvery.ms) {
    return {
      type: 'full',
      reason: `full-every: the chain's full export of ${chain.fullAt} is older than that`,
      ...skipped,
    };
  }
  return {
    type: 'incremental',
    after: last.state.watermark,
    chain: { ...chain, index: chain.index + 1 },
    base: last,
    ...skipped,
  };
}

/** The chain link of the export this run made or resumed, once its gid and watermark are known. */
export function linkOf(
  decision: StartDecision,
  exported: { readonly gid: string; readonly watermark: string },
): ChainLink {
  switch (decision.type) {
    case 'full':
      return { id: exported.gid, index: 0, fullAt: exported.watermark };
    case 'incremental':
      return decision.chain;
    case 'resume': {
      // A resumed full export starts its chain; the pending record named it after its own gid.
      const { chain } = decision.pending.state;
      return chain.index === 0 ? { ...chain, fullAt: exported.watermark } : chain;
    }
  }
}

export interface PruneDecision {
  /** Stored states to delete with their export artifacts, oldest chains last. */
  readonly deleteStored: readonly Listed<StoredState>[];
  /** Pending states nobody will resume any more: the newest state is not pending. */
  readonly deletePending: readonly Listed<PendingState>[];
  /** The chains kept, newest first, with their members (this run's export counted first). */
  readonly keptChains: readonly string[];
}

/**
 * `keep-last: N`: keeps the newest N chains (this run's chain is one of them, listed or not) and
 * deletes every state of older chains. `states` are trusted, newest first, this run's own
 * included once it is listed.
 */
export function decidePrune(
  states: readonly Listed<StoredState | PendingState>[],
  keep: number,
  current: ChainLink,
): PruneDecision {
  const kept: string[] = [current.id];
  const deleteStored: Listed<StoredState>[] = [];
  const deletePending: Listed<PendingState>[] = [];
  for (const listed of states) {
    const { state } = listed;
    if (state.type === 'pending') {
      // This run resumed it or gave it up: it was the newest state when the run started.
      deletePending.push({ artifactId: listed.artifactId, state });
      continue;
    }
    if (!kept.includes(state.chain.id) && kept.length < keep) kept.push(state.chain.id);
    if (!kept.includes(state.chain.id)) deleteStored.push({ artifactId: listed.artifactId, state });
  }
  return { deleteStored, deletePending, keptChains: kept };
}
