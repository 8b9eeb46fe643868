import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArtifactClient } from '@actions/artifact';
import type { Manifest } from '@asana-exports/core/node';
import { uploadFiles } from './artifacts.js';
import { buildState, STATE_FILE_NAME } from './state.js';

export interface StoreStateOptions {
  readonly name: string;
  readonly manifest: Manifest;
  readonly exportArtifact: { readonly id: number; readonly name: string };
  readonly startedAt: Date;
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
  const state = buildState(
    options.manifest,
    { id: options.exportArtifact.id, name: options.exportArtifact.name },
    options.startedAt,
  );
  await writeFile(file, `${JSON.stringify(state, null, 2)}\n`, { flag: 'wx' });
  const stored = await uploadFiles(client, {
    name: options.name,
    files: [file],
    rootDirectory: dir,
    retentionDays: options.retentionDays,
    compressionLevel: 6,
  });
  return stored.id;
}
