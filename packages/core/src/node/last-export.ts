/**
 * Finds the newest verified export of a place for the freshness check: in a folder, from the
 * manifests there (each with its stored file beside it, of the recorded size: a manifest whose
 * export was deleted proves nothing); in object storage, from the target's `latest.json`.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { formatDestination } from '../protocol/destination.js';
import { InputError } from '../protocol/errors.js';
import { type LastExport, newestExport, parseLatestPointer } from '../protocol/freshness.js';
import type { ExportKind } from '../protocol/kinds.js';
import { parseManifest } from '../protocol/manifest.js';
import { latestKey } from '../protocol/object-layout.js';
import type { ObjectStore } from '../protocol/object-store.js';
import { printable } from '../protocol/text.js';
import { type StorePlace, withStore } from './destination-store.js';

export interface FoundExports {
  readonly last: LastExport | undefined;
  /** Manifests passed over, and why, for the user to see. */
  readonly skipped: readonly string[];
}

/** The newest export in `dir` (not its subfolders), optionally of one kind. */
export async function lastExportInFolder(
  dir: string,
  input: string,
  kind: ExportKind | undefined,
): Promise<FoundExports> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new InputError(
      input,
      `cannot read the folder ${printable(dir, 300)} (${(error as { code?: string }).code ?? 'error'})`,
      'Pass the folder the exports were downloaded to (run --out).',
    );
  }
  const found: LastExport[] = [];
  const skipped: string[] = [];
  for (const name of names.filter((entry) => entry.endsWith('.manifest.json')).sort()) {
    const shown = printable(name, 300);
    let manifest: ReturnType<typeof parseManifest>;
    try {
      manifest = parseManifest(await readFile(join(dir, name), 'utf8'), name);
    } catch {
      skipped.push(`${shown}: not a manifest of asana-exports`);
      continue;
    }
    if (kind !== undefined && manifest.kind !== kind) continue;
    const stored = manifest.encryption?.file ?? manifest.file;
    // The name comes from the manifest: only a plain file name beside it is looked at.
    if (!/^[\w.-]+$/.test(stored.name) || stored.name.startsWith('.')) {
      skipped.push(`${shown}: it names no file beside it`);
      continue;
    }
    const size = (await stat(join(dir, stored.name)).catch(() => undefined))?.size;
    if (size !== stored.bytes) {
      skipped.push(
        `${shown}: ${size === undefined ? `its export ${stored.name} is missing` : `its export ${stored.name} is ${size} bytes, not ${stored.bytes}`}`,
      );
      continue;
    }
    found.push({
      where: printable(stored.name, 300),
      kind: manifest.kind,
      exportGid: manifest.exportGid === undefined ? undefined : printable(manifest.exportGid, 64),
      completedAt: manifest.completedAt,
      storedAt: manifest.downloadedAt,
      records: manifest.records.total,
    });
  }
  return { last: newestExport(found), skipped };
}

/** The export `latest.json` points at under `latestKey`, if it is there and readable. */
export async function lastExportInStore(
  store: ObjectStore,
  latestKey: string,
  signal: AbortSignal,
): Promise<FoundExports> {
  const text = await store.readText(latestKey, signal);
  if (text === undefined) return { last: undefined, skipped: [] };
  const parsed = parseLatestPointer(text);
  if (!parsed.ok)
    return { last: undefined, skipped: [`${printable(latestKey, 300)} ${parsed.problem}`] };
  return { last: parsed.last, skipped: [] };
}

export interface DestinationPlace {
  /** Where the exports are stored, with the credentials' settings and the inputs' names. */
  readonly store: StorePlace;
  readonly kind: ExportKind;
  /** The target gid the layout files exports under. */
  readonly target: string;
  readonly signal: AbortSignal;
}

/**
 * The newest export of one target at a destination, through its `latest.json`; `shown` is where
 * that is, printable (`s3://bucket/prefix/graph/123/latest.json`), for the one-line reason.
 */
export async function lastExportAtDestination(
  place: DestinationPlace,
): Promise<FoundExports & { readonly shown: string }> {
  const { destination } = place.store;
  const key = latestKey(destination.prefix, place.kind, place.target);
  const shown = printable(`${formatDestination({ ...destination, prefix: '' })}${key}`, 300);
  return await withStore(place.store, async (store) => ({
    ...(await lastExportInStore(store, key, place.signal)),
    shown,
  }));
}
