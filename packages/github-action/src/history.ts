/**
 * What spans runs, for a step that keeps state (`since: last-run`, `keep-last`, `full-every`):
 * before the export, the trusted states decide what this run exports (chain.ts); after it, the
 * state artifact a later run finds and `keep-last`'s pruning by chain; after a timeout, the
 * export left running, for the next run to pick up. A step that keeps no state does none of it.
 */

import type { ArtifactClient } from '@actions/artifact';
import * as core from '@actions/core';
import {
  type ExportRef,
  type Manifest,
  type Redactor,
  type RunStart,
  withModifiedAfter,
} from '@asana-exports/core/node';
import type { Octokit } from '@octokit/rest';
import type { StoredArtifact } from './artifacts.js';
import { type ChainPolicy, decideStart, linkOf, type StartDecision } from './chain.js';
import {
  createOctokit,
  deleteArtifactById,
  getRunFacts,
  type Repository,
  repositoryFromEnv,
} from './github.js';
import { type ActionInputs, validateRequest } from './inputs.js';
import { stateArtifactName } from './names.js';
import { pruneChains } from './prune.js';
import { type ChainLink, type StoredState, watermarkOf } from './state.js';
import { explain, StepError } from './step-error.js';
import { storeState } from './store-state.js';
import type { ChainFacts, SinceFacts } from './summary.js';
import { type RunFacts, runKeepsState } from './trust.js';
import { type TrustedState, trustedStates } from './trusted-states.js';

export type GitHubAccess = () => { octokit: Octokit; repository: Repository };

/** The API client is made on first use: most runs never need it. */
export function lazyGitHub(token: string, env: NodeJS.ProcessEnv, redact: Redactor): GitHubAccess {
  let access: { octokit: Octokit; repository: Repository } | undefined;
  return () => {
    access ??= {
      octokit: createOctokit(token, env, (message) => core.debug(redact(message))),
      repository: repositoryFromEnv(env),
    };
    return access;
  };
}

/** A step's state across runs: where it is kept and what this run decided from it. */
export interface History {
  readonly stateName: string;
  readonly current: RunFacts;
  readonly decision: StartDecision;
  /**
   * The trusted stored states read, newest first: the last run's, and with `compare` up to
   * RECENT_RUNS of them, whose record counts the job summary charts.
   */
  readonly stored: readonly StoredTrustedState[];
}

export type StoredTrustedState = TrustedState & { readonly state: StoredState };

/** Runs the job summary's chart of record counts shows with `compare: last-run`. */
export const RECENT_RUNS = 10;

export interface Planned {
  readonly start: RunStart;
  readonly since: SinceFacts | undefined;
  /** Undefined when the step keeps no state (or may not, in a pull-request run). */
  readonly history: History | undefined;
  readonly warnings: string[];
}

/** What this run exports: as the inputs say, or as the trusted states of earlier runs decide. */
export async function planStart(
  inputs: ActionInputs,
  env: NodeJS.ProcessEnv,
  github: GitHubAccess | undefined,
  artifacts: ArtifactClient,
): Promise<Planned> {
  const fixed = inputs.since?.type === 'fixed' ? inputs.since : undefined;
  const asAsked: Planned = {
    start: inputs.start,
    since: fixed ? { after: fixed.after, source: fixed.text } : undefined,
    history: undefined,
    warnings: [],
  };
  if (!inputs.keepsState) return asAsked;
  const { baseRequest, requestInput } = inputs;
  if (!github || !baseRequest || !requestInput) {
    throw new Error('unreachable: state kept without a new export and a GitHub token');
  }
  const { octokit, repository } = github();
  const current = await currentRun(octokit, repository, env);
  const keeps = runKeepsState(current);
  if (!keeps.trusted) {
    const warning = `This run keeps no state and reads none: ${keeps.reason}. It exports everything, and keep-last deletes nothing.`;
    return {
      ...asAsked,
      since:
        inputs.since?.type === 'last-run'
          ? { after: undefined, source: 'state not used in this run' }
          : asAsked.since,
      warnings: [warning],
    };
  }
  const stateName = stateArtifactName(baseRequest);
  const policy: ChainPolicy = {
    incremental: inputs.since?.type === 'last-run',
    fullEvery: inputs.fullEvery,
    resumePending: inputs.resumePending,
  };
  // Only as far back as the decision needs: the newest state, and the newest stored one (with
  // compare, the newest RECENT_RUNS stored ones, for the chart).
  const wanted = inputs.compare === undefined ? 1 : RECENT_RUNS;
  const read: TrustedState[] = [];
  const stored: StoredTrustedState[] = [];
  for await (const state of trustedStates({
    octokit,
    repository,
    artifacts,
    token: inputs.githubToken ?? '',
    current,
    stateName,
    info: (line) => core.info(line),
  })) {
    read.push(state);
    if (isStored(state)) {
      stored.push(state);
      if (stored.length >= wanted) break;
    }
  }
  const decision = decideStart(read, policy, Date.now());
  const history: History = { stateName, current, decision, stored };
  const warnings =
    decision.type === 'resume' || !decision.pendingSkipped
      ? []
      : [`Started a new export: ${decision.pendingSkipped}.`];
  switch (decision.type) {
    case 'resume':
      return { ...resumeStart(decision.ref, decision.after), history, warnings };
    case 'incremental':
      core.info(
        `since: last-run: records modified after ${decision.after} (increment ${decision.chain.index} of its chain)`,
      );
      return {
        start: {
          request: validateRequest(withModifiedAfter(requestInput, decision.after), 'since'),
        },
        since: {
          after: decision.after,
          source: `last run, artifact ${decision.base.state.exportArtifact.name}`,
        },
        history,
        warnings,
      };
    case 'full':
      if (policy.incremental) {
        core.notice(
          `since: last-run: a full export this time (${decision.reason}). Later runs export what changed since this one.`,
        );
      }
      return {
        ...asAsked,
        since: policy.incremental ? { after: undefined, source: decision.reason } : asAsked.since,
        history,
        warnings,
      };
  }
}

/** Resuming the export an earlier run left running (a state artifact's or a destination's). */
export function resumeStart(
  ref: ExportRef,
  after: string | undefined,
): { start: RunStart; since: SinceFacts } {
  core.info(`Resuming the export ${ref.gid} that an earlier run left running.`);
  return {
    start: { resume: ref },
    since: { after, source: `export ${ref.gid}, left running by an earlier run and resumed` },
  };
}

function isStored(state: TrustedState): state is StoredTrustedState {
  return state.state.type === 'stored';
}

/** The run this step is part of, as the API describes it: what trust is judged against. */
export async function currentRun(
  octokit: Octokit,
  repository: Repository,
  env: NodeJS.ProcessEnv,
): Promise<RunFacts> {
  const runId = Number(env.GITHUB_RUN_ID);
  const facts =
    Number.isSafeInteger(runId) && runId > 0
      ? await getRunFacts(octokit, repository, runId)
      : undefined;
  if (facts === undefined) {
    throw new StepError(
      'Cannot read this workflow run (GITHUB_RUN_ID) through the GitHub API',
      'since: last-run, keep-last and full-every only work inside a GitHub Actions run, with `permissions: actions: read`.',
    );
  }
  return facts;
}

/** The gid that names an export's chain: the one a later run polls. */
export function chainGidOf(manifest: Manifest): string {
  return (manifest.kind === 'organization' ? manifest.exportGid : manifest.jobGid) ?? '';
}

export interface Stored {
  readonly artifacts: ArtifactClient;
  readonly github: GitHubAccess | undefined;
  readonly manifest: Manifest;
  readonly stored: StoredArtifact;
  readonly stateDir: string;
  /** How this step's export artifacts are named, for keep-last's check of what it deletes. */
  readonly isExportName: (name: string) => boolean;
}

/**
 * After a new export is stored: the state artifact a later run finds, then `keep-last`. Neither
 * can fail the step: the export is safe already.
 */
export async function keepHistory(
  inputs: ActionInputs,
  history: History | undefined,
  session: { readonly startedAt: Date; readonly redact: Redactor },
  { artifacts, github, manifest, stored, stateDir, isExportName }: Stored,
): Promise<{ warnings: string[]; chain: ChainFacts | undefined }> {
  const warnings: string[] = [];
  if (history === undefined) {
    if (inputs.keepLast !== undefined && inputs.baseRequest === undefined) {
      warnings.push(
        'keep-last applies to new exports only: a resumed export does not know which export definition it belongs to.',
      );
    }
    return { warnings, chain: undefined };
  }
  const watermark = watermarkOf(manifest, session.startedAt) as string;
  const linked = linkOf(history.decision, { gid: chainGidOf(manifest), watermark });
  const link = linked.index === 0 ? { ...linked, fullArtifact: stored.name } : linked;
  const stateId = await storeState(artifacts, {
    name: history.stateName,
    state: {
      kind: 'stored',
      manifest,
      chain: link,
      exportArtifact: stored,
      startedAt: session.startedAt,
    },
    retentionDays: inputs.retentionDays,
    parentDir: stateDir,
  }).catch((error: unknown) => {
    warnings.push(
      `Could not store the state artifact ${history.stateName}: ${explain(error)} ` +
        'A later since: last-run starts from an earlier run (more records, none missed).',
    );
    return undefined;
  });
  let pruned: string[] = [];
  if (inputs.keepLast !== undefined && github) {
    try {
      pruned = await pruneChains({
        ...github(),
        artifacts,
        token: inputs.githubToken ?? '',
        stateName: history.stateName,
        currentRun: history.current,
        keep: inputs.keepLast,
        link,
        protect: { stateId, exportId: stored.id },
        isExportName,
        info: (line) => core.info(session.redact(line)),
      });
    } catch (error) {
      warnings.push(`keep-last could not delete older artifacts: ${explain(error)}`);
    }
  }
  return {
    warnings,
    chain: { link, decision: history.decision.type, pruned },
  };
}

/**
 * After a run that ended while its export goes on at Asana (timed out, cancelled): a pending
 * state, so that the next run of this step resumes the export instead of starting another.
 * Best effort; returns a line for the failure's hint.
 */
export async function recordPending(
  inputs: ActionInputs,
  history: History | undefined,
  artifacts: ArtifactClient,
  pending: { readonly ref: ExportRef; readonly startedAt: Date; readonly stateDir: string },
): Promise<string | undefined> {
  if (history === undefined || !inputs.resumePending) return undefined;
  const { decision } = history;
  // Resuming a pending export that is still pending: its record stands as it is.
  if (decision.type === 'resume') return 'The next run of this step resumes it again.';
  const requestedAt = pending.startedAt.toISOString();
  const chain: ChainLink =
    decision.type === 'incremental'
      ? decision.chain
      : { id: pending.ref.gid, index: 0, fullAt: requestedAt };
  try {
    await storeState(artifacts, {
      name: history.stateName,
      state: {
        kind: 'pending',
        ref: pending.ref,
        requestedAt,
        ...(decision.type === 'incremental' ? { modifiedAfter: decision.after } : {}),
        chain,
      },
      retentionDays: inputs.retentionDays,
      parentDir: pending.stateDir,
    });
    return 'The next run of this step resumes it (resume-pending: false starts a new one).';
  } catch (error) {
    core.warning(`Could not record the pending export for the next run: ${explain(error)}`);
    return undefined;
  }
}

/**
 * After a resumed export failed for good: deletes its pending record, so that the next run starts
 * a new export. Returns a line for the failure's hint.
 */
export async function forgetPending(artifactId: number, github: GitHubAccess): Promise<string> {
  const { octokit, repository } = github();
  try {
    await deleteArtifactById(octokit, repository, artifactId);
    return 'The next run of this step starts a new export.';
  } catch (error) {
    return `The next run would try this export again: delete the state artifact ${artifactId}, or set resume-pending: false (${explain(error)})`;
  }
}
