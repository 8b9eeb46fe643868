// `revisionEdits`: a later revision changes about a third of the records (`many`, with the custom
// field renamed) or about 1% (`few`, nothing renamed), and the cache keeps the two apart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheName } from '../src/content.js';
import { type ContentSpec, writeExportFile } from '../src/content-generate.js';
import type { RevisionEdits } from '../src/types.js';

const dir = mkdtempSync(join(tmpdir(), 'sandbox-revision-edits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function spec(revisionEdits: RevisionEdits | undefined, revision = 1): ContentSpec {
  return {
    kind: 'graph',
    resourceTypes: [],
    parameters: [],
    contentBytes: 2 * 1024 * 1024,
    seed: 3,
    corruption: 'none',
    layout: 'single',
    longLineBytes: 0,
    version: 1,
    revision,
    ...(revisionEdits === undefined ? {} : { revisionEdits }),
  };
}

async function shares(edits: RevisionEdits) {
  const written = await writeExportFile(
    spec(edits),
    join(dir, `${edits}.jsonl.gz`),
    AbortSignal.timeout(60_000),
  );
  const types = Object.values(written.changes?.byResourceType ?? {});
  const total = (key: 'changed' | 'old') => types.reduce((sum, type) => sum + type[key], 0);
  return { changed: total('changed') / total('old'), changes: written.changes };
}

describe('revisionEdits', () => {
  it('few: about 1% of the records change and no custom field is renamed', async () => {
    const few = await shares('few');
    expect(few.changed).toBeGreaterThan(0.005);
    expect(few.changed).toBeLessThan(0.02);
    expect(few.changes?.renamedCustomFields).toEqual([]);
  });

  it('many: about a third change, the custom field renamed', async () => {
    const many = await shares('many');
    expect(many.changed).toBeGreaterThan(0.2);
    expect(many.changes?.renamedCustomFields).toHaveLength(1);
  });

  it('names only the few edits in the cache, so other files keep their names', () => {
    expect(cacheName(spec('few'))).toContain('-w1-few-');
    expect(cacheName(spec('many'))).toBe(cacheName(spec(undefined)));
    expect(cacheName(spec('few', 0))).toBe(cacheName(spec(undefined, 0)));
  });
});
