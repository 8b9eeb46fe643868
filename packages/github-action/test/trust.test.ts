import { describe, expect, it } from 'vitest';
import { type RunFacts, runKeepsState, trustUploader } from '../src/trust.js';

const CURRENT: RunFacts = {
  id: 2,
  workflowId: 7001,
  event: 'schedule',
  headBranch: 'main',
  repositoryId: 1,
  headRepositoryId: 1,
};

describe('trustUploader', () => {
  it.each([
    ['the same workflow, branch and repository', {}, undefined],
    ['a workflow_dispatch run of it', { event: 'workflow_dispatch' }, undefined],
    ['another repository', { repositoryId: 9 }, 'another repository'],
    ["a fork's pull request", { headRepositoryId: 2, event: 'pull_request' }, 'fork'],
    ['a pull request from a branch', { event: 'pull_request' }, 'pull_request run'],
    ['pull_request_target', { event: 'pull_request_target' }, 'pull_request_target run'],
    ['merge_group', { event: 'merge_group' }, 'merge_group run'],
    ['workflow_run (may be of a fork)', { event: 'workflow_run' }, 'workflow_run run'],
    ['another workflow', { workflowId: 7002 }, 'another workflow'],
    ['another branch', { headBranch: 'feature' }, 'another branch'],
    ['no branch', { headBranch: undefined }, 'another branch'],
    ['an unknown event', { event: undefined }, 'unknown run'],
  ] as const)('%s', (_name, change, reason) => {
    const decision = trustUploader({ ...CURRENT, id: 1, ...change }, CURRENT);
    if (reason === undefined) expect(decision).toEqual({ trusted: true });
    else expect(decision).toEqual({ trusted: false, reason: expect.stringContaining(reason) });
  });

  it('does not trust a run that is gone', () => {
    expect(trustUploader(undefined, CURRENT)).toMatchObject({ trusted: false });
  });
});

describe('runKeepsState', () => {
  it.each([
    ['schedule', true],
    ['push', true],
    ['workflow_dispatch', true],
    ['pull_request', false],
    ['pull_request_target', false],
  ] as const)('%s → %s', (event, trusted) => {
    expect(runKeepsState({ ...CURRENT, event }).trusted).toBe(trusted);
  });

  it('keeps none on a tag (no branch)', () => {
    expect(runKeepsState({ ...CURRENT, headBranch: undefined }).trusted).toBe(false);
  });
});
