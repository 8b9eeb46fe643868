import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArtifactClient } from '@actions/artifact';
import type { ExportRef, Manifest } from '@asana-exports/core/node';
import { uploadFiles } from './artifacts.js';
import {
  type ChainLink,
  type PendingState,
  STATE_FILE_NAME,
  STATE_VERSION,
  type StateFile,
  storedState,
} from './state.js';

/** What a run records: the export it stored, or the one it left running at Asana. */
export type StateRecord =
  | {
      readonly kind: 'stored';
      readonly manifest: Manifest;
      readonly chain: ChainLink;
      readonly exportArtifact: { readonly id: number; readonly name: string };
      readonly startedAt: Date;
    }
  | {
      readonly kind: 'pending';
      readonly ref: ExportRef;
      readonly requestedAt: string;
      readonly modifiedAfter?: string;
      readonly chain: ChainLink;
      /** Only in a destination's `pending.json` (`PendingState.definition`). */
      readonly definition?: string;
    };

export interface StoreStateOptions {
  readonly name: string;
  readonly state: StateRecord;
  readonly retentionDays: number | undefined;
  /** A directory of this run's own, where the state file is written before upload. */
  readonly parentDir: string;
}

/** Uploads the state artifact (one small JSON file) and returns its id. */
export async function storeState(
  client: ArtifactClient,
  options: StoreStateOptions,
): Promise<number> {
  const dir = await mkdtemp(join(options.parentDir, 'state-'));
  const file = join(dir, STATE_FILE_NAME);
  await writeFile(file, `${JSON.stringify(stateFileOf(options.state), null, 2)}\n`, { flag: 'wx' });
  const stored = await uploadFiles(client, {
    name: options.name,
    files: [file],
    rootDirectory: dir,
    retentionDays: options.retentionDays,
    compressionLevel: 6,
  });
  return stored.id;
}

/** The file's contents, as `parseState` reads them back. */
export function stateFileOf(record: StateRecord): StateFile {
  if (record.kind === 'stored') {
    return storedState(record.manifest, record.chain, record.exportArtifact, record.startedAt);
  }
  const pending: PendingState['pending'] = {
    kind: record.ref.kind,
    gid: record.ref.gid,
    requestedAt: record.requestedAt,
    ...(record.modifiedAfter === undefined ? {} : { modifiedAfter: record.modifiedAfter }),
  };
  return {
    stateVersion: STATE_VERSION,
    type: 'pending',
    pending,
    chain: record.chain,
    ...(record.definition === undefined ? {} : { definition: record.definition }),
  };
}
