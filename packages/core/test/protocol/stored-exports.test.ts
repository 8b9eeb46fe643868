import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/protocol/errors.js';
import type { Manifest } from '../../src/protocol/manifest.js';
import { DEFAULT_LAYOUT, objectKeys } from '../../src/protocol/object-layout.js';
import { manifestFileName } from '../../src/protocol/run.js';
import {
  checkObjectKey,
  exportKeyBeside,
  exportListing,
  MAX_MANIFESTS_READ,
  manifestKeyOf,
  manifestsToRead,
  previousExport,
} from '../../src/protocol/stored-exports.js';

// Finding two stored exports to compare: keys typed by the user, manifests beside exports, and
// the export before the one latest.json names.
const manifest = (extra: Partial<Manifest> = {}): Manifest =>
  ({
    kind: 'graph',
    target: { parent: '1' },
    downloadedAt: '2026-01-02T00:00:00.000Z',
    file: { name: 'asana-graph-export-9.jsonl.gz', format: 'jsonl' },
    records: { total: 1 },
    ...extra,
  }) as Manifest;

describe('checkObjectKey', () => {
  const good = 'asana/graph/1/20260101T000000Z/asana-graph-export-9.jsonl.gz';

  it('takes a key below the prefix', () => {
    expect(checkObjectKey('Old Object Key', good, 'asana/')).toBe(good);
    expect(checkObjectKey('Old Object Key', good, '')).toBe(good);
  });

  it.each([
    ['an empty key', '', 'asana/', /is empty/],
    ['a line break', `${good}\n`, 'asana/', /control character/],
    ['a C1 control character', `asana/\u0085x.jsonl.gz`, 'asana/', /control character/],
    ['a backslash', 'asana\\x.jsonl.gz', '', /backslash/],
    ['a key too long', `asana/${'x'.repeat(1020)}.gz`, 'asana/', /longer than 1024 bytes/],
    ['a ".." segment', 'asana/../other/x.jsonl.gz', 'asana/', /"\.\." segment/],
    ['a leading slash', '/asana/x.jsonl.gz', '', /empty/],
    ['two slashes', 'asana//x.jsonl.gz', 'asana/', /empty/],
    ['a key outside the prefix', 'other/x.jsonl.gz', 'asana/', /not below the prefix "asana\/"/],
    ['a manifest', 'asana/x.manifest.json', 'asana/', /names a manifest, not an export/],
    ['a latest.json', 'asana/graph/1/latest.json', 'asana/', /names a latest\.json/],
  ])('refuses %s, naming the field', (_, key, prefix, message) => {
    expect(() => checkObjectKey('New Object Key', key, prefix)).toThrow(InputError);
    expect(() => checkObjectKey('New Object Key', key, prefix)).toThrow(/^Invalid New Object Key/);
    expect(() => checkObjectKey('New Object Key', key, prefix)).toThrow(message);
  });
});

describe('manifests beside exports', () => {
  it.each([
    'a/b/asana-graph-export-9.jsonl.gz',
    'a/b/asana-graph-export-9.jsonl.gz.age',
    'asana-organization-export-3.json.gz',
  ])('finds the manifest run.ts names for %s', (key) => {
    const name = key.slice(key.lastIndexOf('/') + 1);
    expect(manifestKeyOf(key)).toBe(
      `${key.slice(0, key.length - name.length)}${manifestFileName(name)}`,
    );
  });

  it('finds the export a manifest describes, and only a plain name beside it', () => {
    expect(exportKeyBeside('a/b/x.manifest.json', manifest())).toBe(
      'a/b/asana-graph-export-9.jsonl.gz',
    );
    const named = (name: string) =>
      manifest({ file: { name, format: 'jsonl' } as Manifest['file'] });
    expect(exportKeyBeside('a/b/x.manifest.json', named('../c/y.jsonl.gz'))).toBeUndefined();
    expect(exportKeyBeside('a/b/x.manifest.json', named('.hidden'))).toBeUndefined();
  });
});

describe('exportListing', () => {
  const keysOf = (layout: string, target: string, exportGid: string, finishedAt: number) =>
    objectKeys(
      'asana/',
      layout,
      { kind: 'graph', target, exportGid, finishedAt },
      'asana-graph-export-9.jsonl.gz',
      'asana-graph-export-9.manifest.json',
    );

  it.each([
    [DEFAULT_LAYOUT, 'asana/graph/1/'],
    ['{date}/{kind}/{target}/{export}', 'asana/'],
    ['x/{target}/{kind}/{timestamp}', 'asana/x/1/graph/'],
    ['{kind}-{target}/{export}', 'asana/graph-1/'],
  ])('matches the manifests objectKeys writes under %s, and only of the target', (layout, list) => {
    const listing = exportListing('asana/', layout, 'graph', '1');
    expect(listing.listPrefix).toBe(list);
    const ours = keysOf(layout, '1', '77', Date.UTC(2026, 0, 2, 3, 4, 5));
    const other = keysOf(layout, '12', '78', Date.UTC(2026, 0, 2, 3, 4, 5));
    expect(ours.manifest.startsWith(listing.listPrefix)).toBe(true);
    expect(listing.isManifest(ours.manifest)).toBe(true);
    expect(listing.isManifest(ours.file)).toBe(false);
    expect(listing.isManifest(ours.latest)).toBe(false);
    expect(listing.isManifest(other.manifest)).toBe(false);
  });

  const folders = (count: number) =>
    Array.from(
      { length: count },
      (_, i) => `graph/1/2026${String(i).padStart(4, '0')}T000000Z/x.manifest.json`,
    );
  it.each([
    { name: 'none', keys: [], latest: 'graph/1/x', want: { keys: [] } },
    {
      name: 'all but the latest, in listing order, others passed over',
      keys: ['graph/1/b/x.manifest.json', ...folders(3), 'graph/1/latest.json'],
      latest: folders(3)[1] ?? '',
      want: { keys: [folders(3)[0], folders(3)[2]] },
    },
    {
      name: 'every one up to MAX_MANIFESTS_READ, the latest not counted',
      keys: folders(MAX_MANIFESTS_READ + 1),
      latest: folders(MAX_MANIFESTS_READ + 1)[MAX_MANIFESTS_READ] ?? '',
      want: { keys: folders(MAX_MANIFESTS_READ) },
    },
    {
      name: 'too many past MAX_MANIFESTS_READ, rather than part of them',
      keys: folders(MAX_MANIFESTS_READ + 2),
      latest: 'graph/1/other',
      want: { tooMany: MAX_MANIFESTS_READ + 2 },
    },
  ])('reads $name', ({ keys, latest, want }) => {
    const listing = exportListing('', DEFAULT_LAYOUT, 'graph', '1');
    expect(manifestsToRead(listing, keys, latest)).toEqual(want);
  });
});

describe('previousExport', () => {
  const latest = { completedAt: '2026-01-05T00:00:00.000Z', storedAt: 'x', exportGid: '5' };
  const at = (
    gid: string,
    completedAt: string | undefined,
    downloadedAt = '2026-01-01T00:00:00Z',
  ) => ({
    manifestKey: `k${gid}`,
    manifest: manifest({ exportGid: gid, completedAt, downloadedAt }),
  });

  it('is the newest completed before the latest', () => {
    const candidates = [
      at('1', '2026-01-01T00:00:00Z'),
      at('3', '2026-01-03T00:00:00Z'),
      at('2', '2026-01-02T00:00:00Z'),
      // Completed after the latest (a resumed export that lost latest.json's race): not before it.
      at('6', '2026-01-06T00:00:00Z'),
      // The latest itself, stored twice.
      at('5', '2026-01-04T00:00:00Z'),
    ];
    expect(previousExport(latest, candidates, 'graph')?.manifestKey).toBe('k3');
  });

  it('orders by download time when Asana gave no completion time', () => {
    const candidates = [
      at('1', undefined, '2026-01-04T00:00:00Z'),
      at('2', '2026-01-02T00:00:00Z'),
    ];
    expect(previousExport(latest, candidates, 'graph')?.manifestKey).toBe('k1');
  });

  it('is undefined when there is none, or only of another kind', () => {
    expect(previousExport(latest, [], 'graph')).toBeUndefined();
    expect(previousExport(latest, [at('1', '2026-01-01T00:00:00Z')], 'resource')).toBeUndefined();
  });
});
