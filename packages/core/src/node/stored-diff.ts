/**
 * `diff --to`: two exports stored in a bucket or container compared as `diff` compares two files.
 * The keys are two the user gave, or a target's latest export and the one stored before it
 * (protocol/stored-pair.ts). Each export is streamed from the store into the diff's temporary
 * folder with the manifest stored beside it, then compared and checked as local files are; the
 * report names the objects, never the temporary copies, which are removed whatever happens.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../protocol/errors.js';
import type { ExportKind } from '../protocol/kinds.js';
import type { ObjectReader, ObjectStore } from '../protocol/object-store.js';
import { manifestFileName } from '../protocol/run.js';
import { checkObjectKey, manifestKeyOf } from '../protocol/stored-exports.js';
import { latestAndPreviousKeys, readStoredManifest } from '../protocol/stored-pair.js';
import { printable } from '../protocol/text.js';
import { type StorePlace, withStore } from './destination-store.js';
import {
  type DiffFileInput,
  type DiffFilesOptions,
  type DiffResult,
  diffExportFiles,
} from './diff-exports.js';
import { onDisk } from './local-error.js';
import { copyStoredObject } from './store-file.js';

export type StoredPairChoice =
  | { readonly keys: { readonly old: string; readonly new: string } }
  | { readonly latestOf: { readonly kind: ExportKind; readonly target: string } };

export interface StoredDiffOptions extends DiffFilesOptions {
  readonly store: StorePlace;
  /** The layout the exports were stored under (`--layout`), for the latest pair. */
  readonly layout: string;
}

/** A key's last segment as a local file name, when it is a plain one. */
const PLAIN_NAME = /^[A-Za-z0-9_][\w.-]{0,199}$/;

/** The report names the two objects (`bucket/key`), not the temporary copies it was made of. */
export async function diffStoredExports(
  which: StoredPairChoice,
  options: StoredDiffOptions,
): Promise<DiffResult> {
  const { signal } = options;
  const prefix = options.store.destination.prefix;
  const to = options.store.names.destination;
  return await withStore(options.store, async (store) => {
    const { oldKey, newKey } =
      'keys' in which
        ? {
            oldKey: checkObjectKey('OLD', which.keys.old, prefix),
            newKey: checkObjectKey('NEW', which.keys.new, prefix),
          }
        : await latestAndPreviousKeys(
            store,
            {
              prefix,
              layout: options.layout,
              ...which.latestOf,
              input: '--target',
              placeInputs: `${to}, --layout, --kind and --target`,
              byKeys: `Or compare two stored exports by key: asana-export diff ${to} … OLD_KEY NEW_KEY`,
            },
            signal,
          );
    const base = options.tempDir ?? tmpdir();
    const dir = await onDisk('create', base, () => mkdtemp(join(base, 'asana-export-stored-')));
    try {
      const older = await fetchSide(store, oldKey, 'OLD', join(dir, 'old'), signal);
      const newer = await fetchSide(store, newKey, 'NEW', join(dir, 'new'), signal);
      return await diffExportFiles(older, newer, { ...options, tempDir: dir });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}

/** One stored export and its manifest, copied into `folder` as `diff` expects them. */
async function fetchSide(
  store: ObjectStore & ObjectReader,
  key: string,
  input: 'OLD' | 'NEW',
  folder: string,
  signal: AbortSignal,
): Promise<DiffFileInput> {
  const shown = printable(store.location(key), 1100);
  const last = key.slice(key.lastIndexOf('/') + 1);
  const name = PLAIN_NAME.test(last) ? last : 'export';
  await onDisk('create', folder, () => mkdir(folder, { recursive: true }));
  const manifest = await readStoredManifest(store, manifestKeyOf(key), signal);
  if (manifest !== undefined) {
    const path = join(folder, manifestFileName(name));
    await onDisk('create', path, () => writeFile(path, JSON.stringify(manifest), { flag: 'wx' }));
  }
  const path = join(folder, name);
  if (!(await copyStoredObject(store, key, path, signal))) {
    throw new InputError(
      input,
      `${shown} does not exist`,
      'Give the whole key of a stored export, prefix included, as the run that stored it printed it.',
    );
  }
  return { path, manifest: undefined, shown };
}
