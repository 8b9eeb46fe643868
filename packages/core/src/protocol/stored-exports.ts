/**
 * Finding two exports in a destination to compare them: the keys a user typed (outside input,
 * checked here before any request), the manifest beside each export, and, for "the latest
 * against the one before it", which of the target's stored exports came before the one
 * `latest.json` names. Pure: the caller lists and reads the store; the layout's rules stay in
 * object-layout.ts and run.ts, the newest-export rule in freshness.ts.
 */
import { InputError } from './errors.js';
import { type LastExport, newestExport } from './freshness.js';
import type { ExportKind } from './kinds.js';
import type { Manifest } from './manifest.js';
import { manifestFileName } from './run.js';

/** S3's limit on a key, in UTF-8 bytes (Azure's is longer). */
export const MAX_OBJECT_KEY_BYTES = 1024;

const KEY_HINT =
  'Give the key of a stored export as the node’s Download printed it in storedIn.key, such as asana/graph/1234/20260101T000000Z/asana-graph-export-5678.jsonl.gz.';

/**
 * A key typed by the user, as it will be asked of the store: no control characters, no empty,
 * `.` or `..` segment, not too long, below `prefix` (normalised: empty or ending with `/`), and
 * an export rather than its manifest or a `latest.json`.
 */
export function checkObjectKey(input: string, key: string, prefix: string): string {
  if (key === '') throw new InputError(input, 'is empty', KEY_HINT);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point.
  if (/[\u0000-\u001f\u007f-\u009f\\]/.test(key)) {
    throw new InputError(input, 'holds a control character or a backslash', KEY_HINT);
  }
  if (new TextEncoder().encode(key).byteLength > MAX_OBJECT_KEY_BYTES) {
    throw new InputError(input, `is longer than ${MAX_OBJECT_KEY_BYTES} bytes`, KEY_HINT);
  }
  const segments = key.split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new InputError(input, 'holds an empty, "." or ".." segment', KEY_HINT);
  }
  if (!key.startsWith(prefix)) {
    throw new InputError(
      input,
      `is not below the prefix "${prefix}"`,
      'Give the whole key, prefix included, or change Prefix to the folder the exports are in.',
    );
  }
  const name = segments[segments.length - 1] ?? '';
  if (name.endsWith('.manifest.json') || name === 'latest.json') {
    throw new InputError(
      input,
      `names ${name.endsWith('.json') && name !== 'latest.json' ? 'a manifest' : 'a latest.json'}, not an export`,
      'Give the key of the export itself: its manifest beside it is read and checked.',
    );
  }
  return key;
}

/** Where the manifest of the export stored under `fileKey` is: beside it, as run.ts names it. */
export function manifestKeyOf(fileKey: string): string {
  const slash = fileKey.lastIndexOf('/');
  return `${fileKey.slice(0, slash + 1)}${manifestFileName(fileKey.slice(slash + 1))}`;
}

/**
 * The key of the export a manifest stored under `manifestKey` describes, beside it; undefined
 * when its file name is not a plain name (a manifest is outside text, and a name with a slash
 * would point elsewhere).
 */
export function exportKeyBeside(manifestKey: string, manifest: Manifest): string | undefined {
  const name = (manifest.encryption?.file ?? manifest.file).name;
  if (!/^[\w.-]{1,255}$/.test(name) || name.startsWith('.')) return undefined;
  return `${manifestKey.slice(0, manifestKey.lastIndexOf('/') + 1)}${name}`;
}

/** Filled as objectKeys fills them; the others match what they may become. */
const PLACEHOLDER_PATTERNS: Readonly<Record<string, string>> = {
  timestamp: '\\d{8}T\\d{6}Z',
  date: '\\d{4}-\\d{2}-\\d{2}',
  export: '[0-9A-Za-z_][0-9A-Za-z_-]{0,63}',
};

export interface ExportListing {
  /** What to list: the layout's folder up to its first placeholder that varies per export. */
  readonly listPrefix: string;
  /** Whether a listed key is the manifest of an export of this kind and target. */
  isManifest(key: string): boolean;
}

/**
 * Where a target's exports are under a layout (checked, `checkLayout`): `{kind}/{target}` are
 * known, `{timestamp}`, `{date}` and `{export}` are matched by what objectKeys writes for them.
 */
export function exportListing(
  prefix: string,
  layout: string,
  kind: ExportKind,
  target: string,
): ExportListing {
  const known: Readonly<Record<string, string>> = { kind, target };
  const firstVarying = layout.search(/\{(timestamp|date|export)\}/);
  const literal = (firstVarying < 0 ? layout : layout.slice(0, firstVarying)).replace(
    /\{(kind|target)\}/g,
    (_, name: string) => known[name] ?? '',
  );
  const folderPattern = layout
    .split(/(\{[a-z]+\})/)
    .map((part) => {
      const name = /^\{([a-z]+)\}$/.exec(part)?.[1];
      if (name === undefined) return escapeRegExp(part);
      return known[name] === undefined
        ? `(?:${PLACEHOLDER_PATTERNS[name]})`
        : escapeRegExp(known[name]);
    })
    .join('');
  const pattern = new RegExp(`^${escapeRegExp(prefix)}${folderPattern}/[^/]+\\.manifest\\.json$`);
  return {
    listPrefix: `${prefix}${literal.slice(0, literal.lastIndexOf('/') + 1)}`,
    isManifest: (key) => pattern.test(key),
  };
}

/** How many keys "latest vs previous" lists at most (100 pages of a listing). */
export const MAX_LISTED_KEYS = 10_000;

/**
 * How many manifests "latest vs previous" reads at most. All of a target's manifests are read,
 * whatever their keys' order: a layout need not name its folders by time, and the previous
 * export is chosen by completion time (previousExport), never by key.
 */
export const MAX_MANIFESTS_READ = 1000;

/**
 * The manifests to read, of a listing: every manifest of the target but the latest's own, in the
 * listing's order; `tooMany` (with how many there are) past MAX_MANIFESTS_READ, rather than a
 * choice made on part of them.
 */
export function manifestsToRead(
  listing: ExportListing,
  keys: readonly string[],
  latestManifestKey: string,
): { readonly keys: string[] } | { readonly tooMany: number } {
  const manifests = keys.filter((key) => key !== latestManifestKey && listing.isManifest(key));
  return manifests.length > MAX_MANIFESTS_READ
    ? { tooMany: manifests.length }
    : { keys: manifests };
}

export interface StoredCandidate {
  readonly manifestKey: string;
  readonly manifest: Manifest;
}

/**
 * Of the target's other stored exports, the one before the latest: completed before it (by
 * completion time, else download time, as freshness.ts orders exports), of the same kind, and
 * the newest of those. Undefined when there is none.
 */
export function previousExport(
  latest: Pick<LastExport, 'completedAt' | 'storedAt' | 'exportGid'>,
  candidates: readonly StoredCandidate[],
  kind: ExportKind,
): StoredCandidate | undefined {
  const latestAt = Date.parse(latest.completedAt ?? latest.storedAt);
  const before = candidates.filter(({ manifest }) => {
    const at = Date.parse(manifest.completedAt ?? manifest.downloadedAt);
    return (
      manifest.kind === kind &&
      Number.isFinite(at) &&
      at < latestAt &&
      (latest.exportGid === undefined || manifest.exportGid !== latest.exportGid)
    );
  });
  const newest = newestExport(
    before.map(({ manifestKey, manifest }) => ({
      where: manifestKey,
      kind: manifest.kind,
      exportGid: manifest.exportGid,
      completedAt: manifest.completedAt,
      storedAt: manifest.downloadedAt,
      records: manifest.records.total,
    })),
  );
  return newest === undefined
    ? undefined
    : before.find((candidate) => candidate.manifestKey === newest.where);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
