import { describe, expect, it } from 'vitest';
import { isExportArtifactName } from '../src/names.js';
import { NOTHING_PENDING, parsePendingRecord, parseState } from '../src/state.js';

const CHAIN = { id: '1200000000000001', index: 2, fullAt: '2026-11-30T02:00:00Z' };
const PENDING = {
  stateVersion: 2,
  type: 'pending',
  pending: { kind: 'graph', gid: '1200000000000050', requestedAt: '2026-12-02T02:00:00Z' },
  chain: CHAIN,
};

describe('parseState', () => {
  it('reads a pending state back, dates normalised', () => {
    expect(parseState(JSON.stringify(PENDING), 'state')).toEqual({
      ...PENDING,
      pending: { ...PENDING.pending, requestedAt: '2026-12-02T02:00:00.000Z' },
      chain: { ...CHAIN, fullAt: '2026-11-30T02:00:00.000Z' },
    });
  });

  it.each([
    ['not JSON', 'nope', /not JSON/],
    ['an array', '[]', /not an object/],
    ['version 1', JSON.stringify({ ...PENDING, stateVersion: 1 }), /stateVersion 1; expected 2/],
    [
      'a version that is text',
      JSON.stringify({ ...PENDING, stateVersion: '\u001b[31m' }),
      /missing or invalid/,
    ],
    ['no chain', JSON.stringify({ ...PENDING, chain: undefined }), /names no chain/],
    [
      'a chain id that is a path',
      JSON.stringify({ ...PENDING, chain: { ...CHAIN, id: '../x' } }),
      /chain id/,
    ],
    [
      'a negative index',
      JSON.stringify({ ...PENDING, chain: { ...CHAIN, index: -1 } }),
      /chain index/,
    ],
    [
      'an unknown kind',
      JSON.stringify({ ...PENDING, pending: { ...PENDING.pending, kind: 'all' } }),
      /kind/,
    ],
    [
      'a bad gid',
      JSON.stringify({ ...PENDING, pending: { ...PENDING.pending, gid: '1; rm' } }),
      /gid/,
    ],
    [
      'an unknown type',
      JSON.stringify({ ...PENDING, type: 'other' }),
      /neither a stored nor a pending/,
    ],
    [
      'a stored state naming artifact 0',
      JSON.stringify({
        ...PENDING,
        type: 'stored',
        watermark: '2026-12-01',
        exportArtifact: { id: 0, name: 'x' },
      }),
      /export artifact/,
    ],
  ])('refuses %s', (_name, text, message) => {
    expect(() => parseState(text, 'state')).toThrow(message);
  });
});

describe('parsePendingRecord', () => {
  const definition = 'asana-exports-state-graph-1200000000000002';

  it('reads a pending state with its export definition', () => {
    const read = parsePendingRecord(JSON.stringify({ ...PENDING, definition }), 'pending.json');
    expect(read?.pending.gid).toBe('1200000000000050');
    expect(read?.definition).toBe(definition);
  });

  it('reads the record of nothing pending as undefined', () => {
    expect(parsePendingRecord(JSON.stringify(NOTHING_PENDING), 'pending.json')).toBeUndefined();
  });

  it.each([
    ['not JSON', '{"type": "pend', /pending\.json is not JSON/],
    ['a stored state', JSON.stringify({ ...PENDING, type: 'stored' }), /does not name its export/],
    [
      'nothing pending, of another version',
      JSON.stringify({ ...NOTHING_PENDING, stateVersion: 1 }),
      /not a record of asana-exports/,
    ],
    [
      'nothing pending, with more in it',
      JSON.stringify({ ...NOTHING_PENDING, gid: '1' }),
      /not a record of asana-exports/,
    ],
    [
      'a definition that is not text',
      JSON.stringify({ ...PENDING, definition: 7 }),
      /no valid export definition/,
    ],
    [
      'a definition too long to be one',
      JSON.stringify({ ...PENDING, definition: 'x'.repeat(201) }),
      /no valid export definition/,
    ],
  ])('refuses %s', (_what, text, problem) => {
    expect(() => parsePendingRecord(text, 'pending.json')).toThrow(problem);
  });
});

describe('isExportArtifactName', () => {
  const step = { artifactName: undefined, kind: 'graph', subject: '1200000000000003' } as const;
  it.each([
    ['asana-graph-1200000000000003-20261203-020005', true],
    ['asana-graph-1200000000000003-20261203-020005-2', true],
    ['asana-graph-1200000000000003-20261203-020005-0', false],
    ['asana-graph-1200000000000004-20261203-020005', false],
    ['asana-graph-1200000000000003-latest', false],
    ['asana-exports-state-graph-1200000000000003', false],
    ['release-binaries', false],
  ])('default names: %s → %s', (name, expected) => {
    expect(isExportArtifactName(name, step)).toBe(expected);
  });
  it.each([
    ['nightly', true],
    ['nightly-3', true],
    ['nightly-x', false],
    ['nightly2', false],
  ])('artifact-name nightly: %s → %s', (name, expected) => {
    expect(isExportArtifactName(name, { ...step, artifactName: 'nightly' })).toBe(expected);
  });
});
