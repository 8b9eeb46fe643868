/**
 * Which two stored exports "the latest against the one before it" compares: the export a
 * target's `latest.json` names, and of the target's other exports under the layout the newest one
 * completed before it. The rules are stored-exports.ts's; this drives them over a store, for the
 * CLI's `diff --to` and n8n's Compare From a store alike. Every key read from the store is checked
 * as a key typed by a user is, before it is asked for.
 */
import { InputError } from './errors.js';
import { type LastExport, parseLatestPointer } from './freshness.js';
import type { ExportKind } from './kinds.js';
import { type Manifest, parseManifest } from './manifest.js';
import { latestKey } from './object-layout.js';
import type { ListedKeys } from './object-store.js';
import {
  checkObjectKey,
  exportKeyBeside,
  exportListing,
  MAX_LISTED_KEYS,
  MAX_MANIFESTS_READ,
  manifestKeyOf,
  manifestsToRead,
  previousExport,
  type StoredCandidate,
} from './stored-exports.js';
import { printable } from './text.js';

/** How many manifests are asked for at once: a handful, so a long listing is read in seconds. */
const MANIFEST_READS_AT_ONCE = 8;

/** What the search needs of a store: small objects as text, a listing, and how to show a key. */
export interface StoredExportsReader {
  readText(key: string, signal: AbortSignal): Promise<string | undefined>;
  list(prefix: string, limit: number, signal: AbortSignal): Promise<ListedKeys>;
  location(key: string): string;
}

export interface LatestPairQuery {
  readonly prefix: string;
  readonly layout: string;
  readonly kind: ExportKind;
  readonly target: string;
  /** The input errors name (`--target`, `Target`). */
  readonly input: string;
  /** The inputs that say where the exports are, for the hint: `--to, --kind and --target`. */
  readonly placeInputs: string;
  /** How to compare two exports by key instead, for the hint. */
  readonly byKeys: string;
}

/** The keys of the latest export of the target and of the one before it. */
export async function latestAndPreviousKeys(
  store: StoredExportsReader,
  query: LatestPairQuery,
  signal: AbortSignal,
): Promise<{ oldKey: string; newKey: string }> {
  const found = await latestAndPrevious(store, query, signal);
  if (found.oldKey === undefined) {
    throw new InputError(
      query.input,
      `no ${query.kind} export of ${printable(query.target, 64)} with a manifest was stored before the latest (${printable(found.latest.where, 1100)})`,
      `A comparison needs two stored exports of the target: run the export again later. ${query.byKeys}.`,
    );
  }
  return { oldKey: found.oldKey, newKey: found.newKey };
}

/**
 * The same search, where a target with only one export is not an error: the action's
 * `compare: last-run` with a destination, whose first run has nothing to compare with yet.
 */
export async function latestAndPrevious(
  store: StoredExportsReader,
  query: LatestPairQuery,
  signal: AbortSignal,
): Promise<{ newKey: string; oldKey: string | undefined; latest: LastExport }> {
  const { prefix, layout, kind, target, input } = query;
  const pointerKey = latestKey(prefix, kind, target);
  const where = printable(store.location(pointerKey), 1100);
  const text = await store.readText(pointerKey, signal);
  if (text === undefined) {
    throw new InputError(
      input,
      `${where} does not exist: no ${kind} export of ${printable(target, 64)} is stored under this prefix`,
      `Check ${query.placeInputs}: they name the folder the exports were stored in.`,
    );
  }
  const pointer = parseLatestPointer(text);
  if (!pointer.ok) throw new InputError(input, `${where} ${pointer.problem}`);
  const newKey = checkObjectKey(`${input} (the key in ${where})`, pointer.objectKey, prefix);
  const listing = exportListing(prefix, layout, kind, target);
  const listed = await store.list(listing.listPrefix, MAX_LISTED_KEYS, signal);
  if (listed.truncated) {
    throw new InputError(
      input,
      `more than ${MAX_LISTED_KEYS} objects are stored under ${printable(store.location(listing.listPrefix), 1100)}`,
      `${query.byKeys}, or move older exports away.`,
    );
  }
  const toRead = manifestsToRead(listing, listed.keys, manifestKeyOf(newKey));
  if ('tooMany' in toRead) {
    throw new InputError(
      input,
      `${toRead.tooMany} manifests of ${printable(target, 64)} are stored under ${printable(store.location(listing.listPrefix), 1100)}, more than the ${MAX_MANIFESTS_READ} (MAX_MANIFESTS_READ) read to find the one before the latest`,
      `${query.byKeys}, or move older exports away under another prefix.`,
    );
  }
  const candidates: StoredCandidate[] = [];
  // A few at a time: each read is one request, its wait bounded by the store's request timeout.
  for (let at = 0; at < toRead.keys.length; at += MANIFEST_READS_AT_ONCE) {
    const batch = toRead.keys.slice(at, at + MANIFEST_READS_AT_ONCE);
    const manifests = await Promise.all(
      batch.map((manifestKey) =>
        // One that is not a manifest of ours is passed over, as the freshness check passes it
        // over; a store that cannot be read is an error.
        readStoredManifest(store, manifestKey, signal).catch((error: unknown) => {
          if (error instanceof InputError) return undefined;
          throw error;
        }),
      ),
    );
    manifests.forEach((manifest, i) => {
      const manifestKey = batch[i];
      if (manifest !== undefined && manifestKey !== undefined) {
        candidates.push({ manifestKey, manifest });
      }
    });
  }
  const previous = previousExport(pointer.last, candidates, kind);
  const oldKey =
    previous === undefined ? undefined : exportKeyBeside(previous.manifestKey, previous.manifest);
  return {
    newKey,
    oldKey: oldKey === undefined ? undefined : checkObjectKey(input, oldKey, prefix),
    latest: pointer.last,
  };
}

/** The manifest stored under `key`; undefined when there is none; an InputError when it is not one. */
export async function readStoredManifest(
  store: Pick<StoredExportsReader, 'readText' | 'location'>,
  key: string,
  signal: AbortSignal,
): Promise<Manifest | undefined> {
  const text = await store.readText(key, signal);
  return text === undefined ? undefined : parseManifest(text, printable(store.location(key), 1100));
}
