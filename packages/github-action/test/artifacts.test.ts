import { describe, expect, it } from 'vitest';
import { type StoredArtifact, uploadUnderFreeName } from '../src/artifacts.js';

/** What @actions/artifact throws when CreateArtifact answers 409 for a taken name. */
const conflict = () =>
  new Error(
    'Failed to CreateArtifact: Received non-retryable error: Failed request: (409) Conflict: an artifact with this name already exists on the workflow run',
  );

/** An upload that refuses the names in `takenMeanwhile`, as the service does for a parallel job. */
function fakeUpload(takenMeanwhile: ReadonlySet<string>) {
  const tried: string[] = [];
  const upload = async (name: string): Promise<StoredArtifact> => {
    tried.push(name);
    if (takenMeanwhile.has(name)) throw conflict();
    return { id: tried.length, name, size: 1 };
  };
  return { upload, tried };
}

describe('uploadUnderFreeName', () => {
  it('skips names the run had when listed', async () => {
    const { upload, tried } = fakeUpload(new Set());
    const stored = await uploadUnderFreeName(upload, 'asana-graph-1', new Set(['asana-graph-1']));
    expect(stored.name).toBe('asana-graph-1-2');
    expect(tried).toEqual(['asana-graph-1-2']);
  });

  it('moves to the next name when a parallel job took it after the listing', async () => {
    const { upload, tried } = fakeUpload(new Set(['asana-graph-1', 'asana-graph-1-2']));
    const stored = await uploadUnderFreeName(upload, 'asana-graph-1', new Set());
    expect(stored.name).toBe('asana-graph-1-3');
    expect(tried).toEqual(['asana-graph-1', 'asana-graph-1-2', 'asana-graph-1-3']);
  });

  it('rethrows any other failure at once', async () => {
    let calls = 0;
    const failing = async (): Promise<StoredArtifact> => {
      calls++;
      throw new Error('Failed to CreateArtifact: Received non-retryable error: (403) Forbidden');
    };
    await expect(uploadUnderFreeName(failing, 'a', new Set())).rejects.toThrow(/403/);
    expect(calls).toBe(1);
  });

  it('gives up after twenty taken names instead of looping', async () => {
    let calls = 0;
    const alwaysTaken = async (): Promise<StoredArtifact> => {
      calls++;
      throw conflict();
    };
    await expect(uploadUnderFreeName(alwaysTaken, 'a', new Set())).rejects.toThrow(/409/);
    expect(calls).toBe(20);
  });
});
