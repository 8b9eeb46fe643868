/**
 * Uploads an artifact as another run would, through the real `@actions/artifact` with that run's
 * runtime token: how a fork's pull request, another workflow or a branch plants a state artifact
 * under the name a backup's state has.
 */

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultArtifactClient } from '@actions/artifact';
import type { ArtifactService, WorkflowRun } from './artifact-service.js';

export async function plantArtifact(
  service: ArtifactService,
  run: WorkflowRun,
  name: string,
  files: Record<string, string>,
): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'asana-action-plant-'));
  const saved = {
    token: process.env.ACTIONS_RUNTIME_TOKEN,
    url: process.env.ACTIONS_RESULTS_URL,
  };
  process.env.ACTIONS_RUNTIME_TOKEN = run.runtimeToken;
  process.env.ACTIONS_RESULTS_URL = `${service.origin}/`;
  try {
    const paths = await Promise.all(
      Object.entries(files).map(async ([file, text]) => {
        const path = join(dir, file);
        await writeFile(path, text);
        return path;
      }),
    );
    const { id } = await new DefaultArtifactClient().uploadArtifact(name, paths, dir);
    if (id === undefined) throw new Error(`planting ${name} returned no id`);
    return id;
  } finally {
    restore('ACTIONS_RUNTIME_TOKEN', saved.token);
    restore('ACTIONS_RESULTS_URL', saved.url);
    await rm(dir, { recursive: true, force: true });
  }
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
