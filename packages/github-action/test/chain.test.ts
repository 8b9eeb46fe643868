import { describe, expect, it } from 'vitest';
import {
  type ChainPolicy,
  decidePrune,
  decideStart,
  type Listed,
  linkOf,
  PENDING_MAX_AGE_MS,
} from '../src/chain.js';
import type { PendingState, StoredState } from '../src/state.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-03T02:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

let nextId = 100;
function stored(
  chainId: string,
  index: number,
  daysAgo: number,
  fullDaysAgo = daysAgo,
): Listed<StoredState> {
  return {
    artifactId: nextId++,
    state: {
      stateVersion: 2,
      type: 'stored',
      watermark: iso(NOW - daysAgo * DAY),
      chain: { id: chainId, index, fullAt: iso(NOW - fullDaysAgo * DAY) },
      exportArtifact: { id: nextId++, name: `export-${chainId}-${index}` },
      manifest: {} as StoredState['manifest'],
    },
  };
}
function pending(daysAgo: number, chainId = '1200000000000009', index = 0): Listed<PendingState> {
  return {
    artifactId: nextId++,
    state: {
      stateVersion: 2,
      type: 'pending',
      pending: { kind: 'graph', gid: '1200000000000050', requestedAt: iso(NOW - daysAgo * DAY) },
      chain: { id: chainId, index, fullAt: iso(NOW - daysAgo * DAY) },
    },
  };
}
const INCREMENTAL: ChainPolicy = { incremental: true, fullEvery: undefined, resumePending: true };

describe('decideStart', () => {
  const base = stored('1200000000000001', 2, 1, 3);
  it.each([
    ['no state, incremental', [], INCREMENTAL, 'full', 'no earlier run found'],
    ['no state, full every run', [], { ...INCREMENTAL, incremental: false }, 'full', 'every run'],
    ['a stored state', [base], INCREMENTAL, 'incremental', undefined],
    [
      'count reached (index 2 is the 3rd run)',
      [base],
      { ...INCREMENTAL, fullEvery: { type: 'runs', count: 3 } },
      'full',
      'full-every: 3 runs (the chain has 3)',
    ],
    [
      'count not reached',
      [base],
      { ...INCREMENTAL, fullEvery: { type: 'runs', count: 4 } },
      'incremental',
      undefined,
    ],
    [
      'age reached',
      [base],
      { ...INCREMENTAL, fullEvery: { type: 'age', ms: 3 * DAY } },
      'full',
      'older than that',
    ],
    [
      'age not reached',
      [base],
      { ...INCREMENTAL, fullEvery: { type: 'age', ms: 3 * DAY + 1 } },
      'incremental',
      undefined,
    ],
    ['a fresh pending export', [pending(1), base], INCREMENTAL, 'resume', undefined],
    [
      'a pending export too old to download',
      [pending(31), base],
      INCREMENTAL,
      'incremental',
      undefined,
    ],
    [
      'a pending export, resume-pending: false',
      [pending(1), base],
      { ...INCREMENTAL, resumePending: false },
      'incremental',
      undefined,
    ],
  ] as const)('%s → %s', (_name, states, policy, type, reason) => {
    const decision = decideStart(states, policy as ChainPolicy, NOW);
    expect(decision.type).toBe(type);
    if (reason !== undefined && decision.type === 'full') expect(decision.reason).toContain(reason);
  });

  it('takes the increment after the last stored state, in its chain', () => {
    const decision = decideStart([base], INCREMENTAL, NOW);
    expect(decision).toMatchObject({
      type: 'incremental',
      after: base.state.watermark,
      chain: { id: '1200000000000001', index: 3, fullAt: base.state.chain.fullAt },
    });
  });

  it('says why a pending export was not resumed', () => {
    const old = decideStart([pending(31)], INCREMENTAL, NOW);
    expect(old).toMatchObject({
      type: 'full',
      pendingSkipped: expect.stringContaining('over 30 days'),
    });
    expect(PENDING_MAX_AGE_MS).toBe(30 * DAY);
  });

  it('only the newest state may be pending: an older one was resumed or given up', () => {
    expect(decideStart([base, pending(1)], INCREMENTAL, NOW).type).toBe('incremental');
  });
});

describe('linkOf', () => {
  it('starts a chain with a full export, named after its gid', () => {
    const decision = decideStart([], INCREMENTAL, NOW);
    expect(linkOf(decision, { gid: '1200000000000077', watermark: iso(NOW) })).toEqual({
      id: '1200000000000077',
      index: 0,
      fullAt: iso(NOW),
    });
  });

  it("keeps a resumed export's place, and dates a resumed full by its own watermark", () => {
    const resumed = decideStart([pending(1)], INCREMENTAL, NOW);
    expect(linkOf(resumed, { gid: '1200000000000009', watermark: iso(NOW - 1000) })).toEqual({
      id: '1200000000000009',
      index: 0,
      fullAt: iso(NOW - 1000),
    });
    const increment = decideStart([pending(1, '1200000000000001', 4)], INCREMENTAL, NOW);
    expect(linkOf(increment, { gid: 'x', watermark: iso(NOW) }).index).toBe(4);
  });
});

describe('decidePrune', () => {
  const chainA = [
    '1200000000000001',
    [stored('1200000000000001', 1, 5), stored('1200000000000001', 0, 6)],
  ] as const;
  const chainB = [
    '1200000000000002',
    [stored('1200000000000002', 1, 3), stored('1200000000000002', 0, 4)],
  ] as const;
  const current = { id: '1200000000000003', index: 0, fullAt: iso(NOW) };

  it('keeps the newest N chains whole, counting the current one first', () => {
    const states = [...chainB[1], ...chainA[1]];
    const decision = decidePrune(states, 2, current);
    expect(decision.keptChains).toEqual(['1200000000000003', '1200000000000002']);
    expect(decision.deleteStored).toEqual(chainA[1]);
  });

  it('never deletes the increments of a chain it keeps, nor their full', () => {
    const states = [...chainB[1], ...chainA[1]];
    const decision = decidePrune(states, 3, current);
    expect(decision.deleteStored).toEqual([]);
  });

  it('keeps the current chain even with keep-last: 1, while it grows', () => {
    const growing = { id: chainB[0], index: 2, fullAt: iso(NOW - 4 * DAY) };
    const decision = decidePrune([...chainB[1], ...chainA[1]], 1, growing);
    expect(decision.keptChains).toEqual([chainB[0]]);
    expect(decision.deleteStored).toEqual(chainA[1]);
  });

  it('deletes pending records: the run that listed them resumed or gave them up', () => {
    const left = pending(2);
    const decision = decidePrune([chainB[1][0], left, chainB[1][1]], 5, current);
    expect(decision.deletePending).toEqual([left]);
  });
});
