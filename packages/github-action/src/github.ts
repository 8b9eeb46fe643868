/**
 * The GitHub REST API, for what spans runs: finding the state an earlier run stored
 * (`since: last-run`) and deleting older export artifacts (`keep-last`). Uses the workflow's
 * token with the base URL the runner gives (`GITHUB_API_URL`, so GHE.com works too).
 */

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArtifactClient } from '@actions/artifact';
import { Octokit } from '@octokit/rest';
import { EnvHttpProxyAgent, fetch as undiciFetch } from 'undici';
import { parseState, STATE_FILE_NAME, type StateFile } from './state.js';
import { StepError } from './step-error.js';
import type { RunFacts } from './trust.js';

export interface Repository {
  readonly owner: string;
  readonly repo: string;
}

export interface StateArtifactRef {
  readonly id: number;
  readonly name: string;
  readonly createdAt: string | undefined;
  readonly workflowRunId: number | undefined;
}

const USER_AGENT = 'asana-exports-github-action';
/** 500 states: years of nightly runs within `keep-last`'s bounds; later runs see the rest. */
const MAX_LISTED_PAGES = 5;

export function repositoryFromEnv(env: NodeJS.ProcessEnv): Repository {
  const [owner, repo, ...rest] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo || rest.length > 0) {
    throw new StepError(
      'GITHUB_REPOSITORY is not set to owner/name',
      'since: last-run and keep-last only work inside a GitHub Actions run.',
    );
  }
  return { owner, repo };
}

export function createOctokit(
  token: string,
  env: NodeJS.ProcessEnv,
  debug: (message: string) => void,
): Octokit {
  // Honours HTTPS_PROXY / NO_PROXY like the rest of the action (Node's own fetch does not).
  const dispatcher = new EnvHttpProxyAgent();
  const proxiedFetch = (url: string | URL, init?: Parameters<typeof undiciFetch>[1]) =>
    undiciFetch(url, { ...init, dispatcher });
  return new Octokit({
    auth: token,
    baseUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    userAgent: USER_AGENT,
    request: { fetch: proxiedFetch },
    log: { debug, info: debug, warn: debug, error: debug },
  });
}

/**
 * The unexpired artifacts with exactly this name, in any run of the repository, newest first:
 * anyone who can run a workflow here may have uploaded one (trust.ts decides which count).
 */
export async function listStateArtifacts(
  octokit: Octokit,
  repository: Repository,
  name: string,
): Promise<StateArtifactRef[]> {
  let pages = 0;
  const artifacts = await githubCall(`list the artifacts named ${name}`, 'actions: read', () =>
    octokit.paginate(
      octokit.rest.actions.listArtifactsForRepo,
      { ...repository, name, per_page: 100 },
      (response, done) => {
        // Anyone who can run a workflow can upload under this name: the listing is bounded.
        if (++pages >= MAX_LISTED_PAGES) done();
        return response.data;
      },
    ),
  );
  return artifacts
    .filter((artifact) => artifact.name === name && !artifact.expired)
    .map((artifact) => ({
      id: artifact.id,
      name: artifact.name,
      createdAt: artifact.created_at ?? undefined,
      workflowRunId: artifact.workflow_run?.id ?? undefined,
    }))
    .sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || b.id - a.id);
}

/** Downloads a state artifact of any run (with `@actions/artifact`) and reads its file. */
export async function readStateArtifact(
  client: ArtifactClient,
  repository: Repository,
  token: string,
  ref: StateArtifactRef,
): Promise<StateFile> {
  const dir = await mkdtemp(join(tmpdir(), 'asana-exports-state-'));
  try {
    await githubCall(`download the state artifact ${ref.name}`, 'actions: read', () =>
      client.downloadArtifact(ref.id, {
        path: dir,
        findBy: {
          token,
          workflowRunId: ref.workflowRunId ?? 0,
          repositoryOwner: repository.owner,
          repositoryName: repository.repo,
        },
      }),
    );
    let text: string;
    try {
      text = await readFile(join(dir, STATE_FILE_NAME), 'utf8');
    } catch {
      throw new StepError(
        `The artifact ${ref.name} (id ${ref.id}) holds no ${STATE_FILE_NAME}`,
        'Another tool may have stored an artifact under this name; rename or delete it.',
      );
    }
    return parseState(text, `${STATE_FILE_NAME} of artifact ${ref.name} (id ${ref.id})`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** What the API says about one workflow run; undefined when it is gone (404). */
export async function getRunFacts(
  octokit: Octokit,
  repository: Repository,
  runId: number,
): Promise<RunFacts | undefined> {
  const data = await unlessGone(() =>
    githubCall(`read workflow run ${runId}`, 'actions: read', () =>
      octokit.rest.actions.getWorkflowRun({ ...repository, run_id: runId }),
    ),
  );
  if (data === undefined) return undefined;
  return {
    id: data.id,
    workflowId: data.workflow_id,
    event: data.event,
    headBranch: data.head_branch ?? undefined,
    repositoryId: data.repository?.id,
    headRepositoryId: data.head_repository?.id,
  };
}

/** An answer's data, or undefined when the API says the thing is gone (404). */
async function unlessGone<T>(call: () => Promise<{ data: T }>): Promise<T | undefined> {
  try {
    return (await call()).data;
  } catch (error) {
    if (error instanceof StepError && error.status === 404) return undefined;
    throw error;
  }
}

/** One artifact's name and the run that uploaded it; undefined when it is gone. */
export async function getArtifact(
  octokit: Octokit,
  repository: Repository,
  id: number,
): Promise<{ id: number; name: string; workflowRunId: number | undefined } | undefined> {
  const data = await unlessGone(() =>
    githubCall(`read artifact ${id}`, 'actions: read', () =>
      octokit.rest.actions.getArtifact({ ...repository, artifact_id: id }),
    ),
  );
  if (data === undefined) return undefined;
  return { id: data.id, name: data.name, workflowRunId: data.workflow_run?.id ?? undefined };
}

/** The repository's visibility, from the REST API (every workflow token may read it). */
export async function getVisibility(
  octokit: Octokit,
  repository: Repository,
): Promise<string | undefined> {
  const { data } = await githubCall('read the repository', 'contents: read', () =>
    octokit.rest.repos.get({ ...repository }),
  );
  return data.visibility ?? (data.private ? 'private' : 'public');
}

/** Deletes an artifact by id; false when it was already gone. */
export async function deleteArtifactById(
  octokit: Octokit,
  repository: Repository,
  id: number,
): Promise<boolean> {
  try {
    await githubCall(`delete artifact ${id}`, 'actions: write', () =>
      octokit.rest.actions.deleteArtifact({ ...repository, artifact_id: id }),
    );
    return true;
  } catch (error) {
    if (error instanceof StepError && error.status === 404) return false;
    throw error;
  }
}

/** Runs one API call; turns its failure into a StepError that says which permission it needs. */
async function githubCall<T>(what: string, permission: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const status = statusOf(error);
    const detail = error instanceof Error ? error.message : String(error);
    const hint =
      status === 401 || status === 403
        ? `Grant the job \`permissions: ${permission}\` and leave github-token at its default (\${{ github.token }}).`
        : 'The GitHub API may be having trouble; run the workflow again later.';
    throw new StepError(`Could not ${what} through the GitHub API: ${detail}`, hint, { status });
  }
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | undefined)?.status;
  if (typeof status === 'number') return status;
  // @actions/artifact wraps errors in plain Errors; keep the status it quotes.
  const quoted = /\b(40[13]|404)\b/.exec(error instanceof Error ? error.message : '');
  return quoted ? Number(quoted[1]) : undefined;
}
