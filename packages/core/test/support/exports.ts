/**
 * Exports as a user gets them: downloaded by the CLI from the sandbox at a revision of its
 * workspace, with the sandbox's own tally of what they hold. For the diff's and the loader's tests.
 */
import { join } from 'node:path';
import type { RevisionChanges, Sandbox } from '@asana-exports/sandbox';
import { expect } from 'vitest';
import { type Manifest, manifestSchema } from '../../src/protocol/manifest.js';
import { runCli, tempDir } from './sandbox.js';

export type Kind = 'graph' | 'resource' | 'organization';

export interface Stored {
  readonly path: string;
  readonly manifest: Manifest;
  readonly changes: RevisionChanges | undefined;
  /** Lines per resource type, as the sandbox counted them while it wrote the file. */
  readonly byResourceType: Record<string, number>;
}

export const fastPoll = ['--poll-interval', '50ms', '--poll-max-interval', '200ms'];

export function targetArgs(kind: Kind, target: string): string[] {
  switch (kind) {
    case 'graph':
      return ['--kind', 'graph', '--parent', target];
    case 'resource':
      return ['--kind', 'resource', '--workspace', target, '--resource-types', 'task,message,team'];
    case 'organization':
      return ['--kind', 'organization', '--organization', target];
  }
}

/** An export of `target` at `revision`, downloaded by the CLI, with the sandbox's tally. */
export async function exportAt(
  sandbox: Sandbox,
  kind: Kind,
  target: string,
  revision: number,
  extra: readonly string[] = [],
): Promise<Stored> {
  const out = await tempDir();
  sandbox.configure({ revision });
  const result = await runCli(
    [
      'run',
      ...targetArgs(kind, target),
      '--out',
      out,
      '--base-url',
      sandbox.apiUrl,
      ...fastPoll,
      ...extra,
    ],
    { ASANA_TOKEN: sandbox.token },
  );
  expect(result.code, result.stderr).toBe(0);
  const manifest = manifestSchema.parse(JSON.parse(result.stdout));
  const file = manifest.encryption?.file.name ?? manifest.file.name;
  const info = await sandbox.exportFile(manifest.jobGid ?? manifest.exportGid ?? '');
  return {
    path: join(out, file),
    manifest,
    changes: info.changes,
    byResourceType: info.byResourceType,
  };
}
