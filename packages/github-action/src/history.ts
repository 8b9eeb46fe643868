/**
 * What spans runs: the watermark `since: last-run` reads from the last successful run, and after
 * a new export, the state artifact a later run finds and `keep-last`'s pruning.
 */

import type { ArtifactClient } from '@actions/artifact';
import * as core from '@actions/core';
import {
  type Manifest,
  type Redactor,
  type RunStart,
  withModifiedAfter,
} from '@asana-exports/core/node';
import type { Octokit } from '@octokit/rest';
import type { StoredArtifact } from './artifacts.js';
import {
  createOctokit,
  listStateArtifacts,
  type Repository,
  readStateArtifact,
  repositoryFromEnv,
} from './github.js';
import { type ActionInputs, validateRequest } from './inputs.js';
import { stateArtifactName } from './names.js';
import { pruneOlderExports } from './prune.js';
import { explain } from './step-error.js';
import { storeState } from './store-state.js';
import type { SinceFacts } from './summary.js';

export interface Stored {
  readonly artifacts: ArtifactClient;
  readonly github: GitHubAccess | undefined;
  readonly manifest: Manifest;
  readonly stored: StoredArtifact;
  readonly stateDir: string;
}

/**
 * After a new export is stored: the state artifact a later run finds (`since: last-run`,
 * `keep-last`), then `keep-last` itself. Neither can fail the step: the export is safe already.
 */
export async function keepHistory(
  inputs: ActionInputs,
  session: { readonly startedAt: Date; readonly redact: Redactor },
  { artifacts, github, manifest, stored, stateDir }: Stored,
): Promise<{ warnings: string[]; pruned: string[] }> {
  const warnings: string[] = [];
  const pruned: string[] = [];
  if (inputs.baseRequest === undefined) {
    if (inputs.keepLast !== undefined) {
      warnings.push(
        'keep-last applies to new exports only: a resumed export does not know which export definition it belongs to.',
      );
    }
    return { warnings, pruned };
  }
  const stateName = stateArtifactName(inputs.baseRequest);
  const stateId = await storeState(artifacts, {
    name: stateName,
    manifest,
    exportArtifact: stored,
    startedAt: session.startedAt,
    retentionDays: inputs.retentionDays,
    parentDir: stateDir,
  }).catch((error: unknown) => {
    warnings.push(
      `Could not store the state artifact ${stateName}: ${explain(error)} ` +
        'A later since: last-run starts from an earlier run (more records, none missed).',
    );
    return undefined;
  });
  if (inputs.keepLast !== undefined && github) {
    try {
      pruned.push(
        ...(await pruneOlderExports({
          ...github(),
          artifacts,
          token: inputs.githubToken ?? '',
          stateName,
          keep: inputs.keepLast,
          current: { stateId, exportId: stored.id },
          info: (line) => core.info(session.redact(line)),
        })),
      );
    } catch (error) {
      warnings.push(`keep-last could not delete older artifacts: ${explain(error)}`);
    }
  }
  return { warnings, pruned };
}

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

/** Applies `since`: fixed values were applied with the inputs; `last-run` is looked up here. */
export async function resolveStart(
  inputs: ActionInputs,
  github: GitHubAccess | undefined,
  artifacts: ArtifactClient,
): Promise<{ start: RunStart; since: SinceFacts | undefined }> {
  const { since, start, baseRequest, requestInput } = inputs;
  if (since === undefined) return { start, since: undefined };
  if (since.type === 'fixed') return { start, since: { after: since.after, source: since.text } };
  if (!github || !baseRequest || !requestInput) {
    throw new Error('unreachable: since: last-run without a new export and a GitHub token');
  }
  const { octokit, repository } = github();
  const stateName = stateArtifactName(baseRequest);
  const [latest] = await listStateArtifacts(octokit, repository, stateName);
  if (latest === undefined) {
    core.notice(
      `since: last-run found no earlier state (${stateName}), so this export has every record. Later runs export what changed since this one.`,
    );
    return { start, since: { after: undefined, source: 'no earlier run found' } };
  }
  const state = await readStateArtifact(artifacts, repository, inputs.githubToken ?? '', latest);
  core.info(`since: last-run: records modified after ${state.watermark} (from ${latest.name})`);
  return {
    start: { request: validateRequest(withModifiedAfter(requestInput, state.watermark), 'since') },
    since: {
      after: state.watermark,
      source: `last run, artifact ${state.exportArtifact.name}`,
    },
  };
}
