import {
  checkObjectKey,
  type ExportKind,
  InputError,
  isExportGid,
  isExportKind,
  latestAndPreviousKeys,
  type Manifest,
  manifestKeyOf,
  type ObjectReader,
  type ObjectStore,
  printable,
  readStoredManifest,
} from '@asana-exports/core/protocol';
import type { IExecuteFunctions } from 'n8n-workflow';
import { readRequestTimeout } from '../params';
import { openDestination } from '../storeIn';
import { type BinaryExport, readableExport } from '../transport/binaryInput';
import { n8nClock } from '../transport/clock';

export const OLD_KEY_LABEL = 'Old Object Key';
export const NEW_KEY_LABEL = 'New Object Key';
export const KIND_LABEL = 'Kind';
export const TARGET_LABEL = 'Target';

/** One side of a comparison: the export, its manifest, and the input its errors name. */
export interface ComparedSide {
  readonly input: string;
  readonly export: BinaryExport;
  readonly manifest: Manifest | undefined;
  /** What the report calls the file when it has no name. */
  readonly unnamed: string;
}

export interface StoredPair {
  readonly older: ComparedSide;
  readonly newer: ComparedSide;
  /** Where the two are (`bucket/key`), for the output. */
  readonly keys: { readonly old: string; readonly new: string };
}

type Store = ObjectStore & ObjectReader;

/**
 * The two stored exports Compare reads from a bucket or container: two keys the user gave, or the
 * export the target's `latest.json` names and the one stored before it. Each key is checked
 * before it is asked for, each export is found to exist before either is read, and the manifest
 * beside each is read for `checkComparable` and the content check. The exports are streamed
 * from the store anew on each pass of the comparison (signed GETs over n8n's HTTP helper).
 */
export async function openStoredPair(
  context: IExecuteFunctions,
  itemIndex: number,
  storeIn: 's3' | 'azure',
  signal: AbortSignal,
): Promise<StoredPair> {
  const objects = context.getNodeParameter('compareObjects', itemIndex, 'keys');
  const text = (name: string) => String(context.getNodeParameter(name, itemIndex, '') ?? '').trim();
  // Every typed value is checked before the store is asked anything.
  const wanted =
    objects === 'latest'
      ? { latest: readLatestOf(text('compareKind'), text('compareTarget')) }
      : { keys: [text('oldObjectKey'), text('newObjectKey')] as const };
  const opened = await openDestination(
    context,
    itemIndex,
    storeIn,
    { clock: n8nClock, random: Math.random },
    readRequestTimeout(context, itemIndex),
  );
  const { store } = opened;
  const { prefix } = opened.destination;
  let found: { oldKey: string; newKey: string; oldInput: string; newInput: string };
  if (wanted.keys !== undefined) {
    const oldKey = checkObjectKey(OLD_KEY_LABEL, wanted.keys[0], prefix);
    const newKey = checkObjectKey(NEW_KEY_LABEL, wanted.keys[1], prefix);
    if (oldKey === newKey) {
      throw new InputError(
        NEW_KEY_LABEL,
        'is the Old Object Key too',
        'Give the keys of the older and the newer export.',
      );
    }
    found = { oldKey, newKey, oldInput: OLD_KEY_LABEL, newInput: NEW_KEY_LABEL };
  } else {
    const { kind, target } = wanted.latest;
    found = {
      ...(await latestAndPreviousKeys(
        store,
        {
          prefix,
          layout: opened.layout,
          kind,
          target,
          input: TARGET_LABEL,
          placeInputs: 'Prefix, Kind and Target',
          byKeys: 'Compare two object keys instead of Latest vs Previous',
        },
        signal,
      )),
      oldInput: TARGET_LABEL,
      newInput: TARGET_LABEL,
    };
  }
  const older = await storedSide(store, found.oldKey, found.oldInput, signal);
  const newer = await storedSide(store, found.newKey, found.newInput, signal);
  return {
    older,
    newer,
    keys: {
      old: printable(store.location(found.oldKey), 1100),
      new: printable(store.location(found.newKey), 1100),
    },
  };
}

function readLatestOf(kindText: string, target: string): { kind: ExportKind; target: string } {
  if (!isExportKind(kindText)) {
    throw new InputError(
      KIND_LABEL,
      `"${printable(kindText, 40)}" is not a kind of export`,
      'Pick organization, resource or graph.',
    );
  }
  if (!isExportGid(target)) {
    throw new InputError(
      TARGET_LABEL,
      target === '' ? 'is empty' : `"${printable(target, 80)}" is not a gid`,
      'Give the gid of the organization, workspace or parent the exports were made of: the folder PREFIX/KIND/TARGET/ that holds its latest.json.',
    );
  }
  return { kind: kindText, target };
}

/** One stored export, found to exist, with the manifest beside it if there is one. */
async function storedSide(
  store: Store,
  key: string,
  input: string,
  signal: AbortSignal,
): Promise<ComparedSide> {
  const location = printable(store.location(key), 1100);
  if (!(await store.exists(key, signal))) {
    throw new InputError(
      input,
      `${location} does not exist`,
      'Give the key as the node’s Download output it (storedIn.key), prefix included.',
    );
  }
  const manifest = await readStoredManifest(store, manifestKeyOf(key), signal);
  const fileName = printable(key.slice(key.lastIndexOf('/') + 1), 200);
  const shown = `${fileName} (${location})`;
  const stored = async function* read(): AsyncGenerator<Uint8Array> {
    const object = await store.read(key, signal);
    if (object === undefined) throw new InputError(input, `${location} no longer exists`);
    try {
      yield* object.body;
    } finally {
      await object.cancel();
    }
  };
  return {
    input,
    export: readableExport(input, shown, fileName, stored),
    manifest,
    unnamed: location,
  };
}
