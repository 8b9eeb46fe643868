import { describe, expect, it } from 'vitest';
import { type ComparedExport, checkComparable } from '../../src/protocol/diff-manifests.js';
import { InputError } from '../../src/protocol/errors.js';
import type { Manifest } from '../../src/protocol/manifest.js';

// Whether two exports can be compared, from their manifests or else their file names.
const manifest = (extra: Partial<Manifest> = {}): Manifest =>
  ({
    kind: 'graph',
    target: { parent: '1' },
    downloadedAt: '2026-01-02T00:00:00.000Z',
    file: { name: 'x.jsonl.gz', format: 'jsonl' },
    ...extra,
  }) as Manifest;
const side = (
  input: string,
  fileName: string | undefined,
  withManifest?: Manifest,
): ComparedExport => ({ input, shown: input, fileName, manifest: withManifest });

describe('checkComparable', () => {
  it.each([
    ['two kinds by name', 'asana-graph-export-1.jsonl.gz', 'asana-resource-export-2.jsonl.gz'],
    ['JSON against JSON Lines', 'a.json.gz', 'b.jsonl'],
  ])('refuses %s, naming the newer', (_, older, newer) => {
    expect(() => checkComparable(side('OLD', older), side('NEW', newer))).toThrow(InputError);
    expect(() => checkComparable(side('OLD', older), side('NEW', newer))).toThrow(/^Invalid NEW:/);
  });

  it('refuses two targets or two kinds by manifest', () => {
    const older = side('OLD', 'a', manifest());
    expect(() =>
      checkComparable(older, side('NEW', 'b', manifest({ target: { parent: '2' } }))),
    ).toThrow('NEW is an export of parent 2 and OLD of parent 1');
    expect(() => checkComparable(older, side('NEW', 'b', manifest({ kind: 'resource' })))).toThrow(
      'NEW is a resource export and OLD a graph export',
    );
  });

  it('gives the kind, from a manifest or else a name', () => {
    expect(
      checkComparable(side('OLD', 'asana-graph-export-1.jsonl.gz'), side('NEW', 'x')).kind,
    ).toBe('graph');
    expect(checkComparable(side('OLD', 'x', manifest()), side('NEW', undefined)).kind).toBe(
      'graph',
    );
    expect(checkComparable(side('OLD', 'x'), side('NEW', 'y')).kind).toBeUndefined();
  });

  it('warns of what it could not check, and of a pair the wrong way round', () => {
    const { warnings } = checkComparable(
      side('OLD', 'a', manifest({ completedAt: '2026-02-01T00:00:00.000Z' })),
      side('NEW', 'b', manifest({ target: {}, completedAt: '2026-01-01T00:00:00.000Z' })),
    );
    expect(warnings).toEqual([
      'the manifest of NEW records no target (it was downloaded by gid): its target could not be checked',
      expect.stringContaining('the older export completed after the newer one'),
    ]);
    expect(checkComparable(side('OLD', 'a'), side('NEW', 'b', manifest())).warnings).toEqual([
      'OLD has no manifest: its target could not be checked, nor its content against what was downloaded',
    ]);
  });
});
