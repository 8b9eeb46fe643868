import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sandbox } from '@asana-exports/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestSchema } from '../src/protocol/manifest.js';
import { runCli, startTestSandbox, tempDir } from './support/sandbox.js';

// `asana-export check FOLDER --max-age` on a folder the CLI downloaded exports into.
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

let parent = 1490000000000000;

async function downloadInto(out: string) {
  parent += 1;
  const result = await runCli(
    [
      'run',
      '--kind',
      'graph',
      '--parent',
      String(parent),
      '--out',
      out,
      '--base-url',
      sandbox.apiUrl,
      '--poll-interval',
      '50ms',
    ],
    { ASANA_TOKEN: sandbox.token },
  );
  expect(result.code, result.stderr).toBe(0);
  return manifestSchema.parse(JSON.parse(result.stdout));
}

/** Rewrites a manifest's completion date, as if the export had been made then. */
async function backdate(out: string, manifestName: string, completedAt: string) {
  const path = join(out, manifestName);
  const manifest = JSON.parse(await readFile(path, 'utf8'));
  await writeFile(path, JSON.stringify({ ...manifest, completedAt }));
}

const manifestNameOf = (fileName: string) => fileName.replace(/\.jsonl\.gz$/, '.manifest.json');

describe('asana-export check FOLDER', () => {
  it('is fresh within --max-age, and stale past it, naming the newest export', async () => {
    const out = await tempDir();
    const older = await downloadInto(out);
    const newer = await downloadInto(out);
    await backdate(out, manifestNameOf(older.file.name), '2020-01-01T00:00:00.000Z');

    const fresh = await runCli(['check', out, '--max-age', '26h'], {});
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(fresh.stderr).toMatch(
      new RegExp(
        `^fresh: the last verified graph export ${newer.exportGid} \\(${newer.file.name}, completed .*\\) is \\d+m?s old, within --max-age 26h$`,
        'm',
      ),
    );
    expect(JSON.parse(fresh.stdout)).toMatchObject({
      fresh: true,
      maxAgeSeconds: 93_600,
      last: { exportGid: newer.exportGid },
    });

    await backdate(out, manifestNameOf(newer.file.name), '2020-01-02T00:00:00.000Z');
    const stale = await runCli(['check', out, '--max-age', '26h'], {});
    expect(stale.code).toBe(10);
    expect(stale.stderr).toMatch(
      new RegExp(
        `^stale: the last verified graph export ${newer.exportGid} \\(${newer.file.name}, completed 2020-01-02T00:00:00.000Z\\) is \\d+d\\d*h?\\d*m?\\d*s? old, older than --max-age 26h$`,
        'm',
      ),
    );
    // Another kind has no export here at all.
    const otherKind = await runCli(['check', out, '--max-age', '26h', '--kind', 'resource'], {});
    expect(otherKind.code).toBe(10);
    expect(otherKind.stderr).toContain(`stale: no verified export found in ${out}`);
  });

  it('does not count a manifest whose export is gone, nor one dated in the future', async () => {
    const out = await tempDir();
    const gone = await downloadInto(out);
    await rm(join(out, gone.file.name));
    const result = await runCli(['check', out, '--max-age', '26h'], {});
    expect(result.code).toBe(10);
    expect(result.stderr).toContain(
      `skipped: ${manifestNameOf(gone.file.name)}: its export ${gone.file.name} is missing`,
    );
    expect(result.stderr).toContain(`stale: no verified export found in ${out}`);

    const ahead = await downloadInto(out);
    await backdate(out, manifestNameOf(ahead.file.name), '2999-01-01T00:00:00.000Z');
    const future = await runCli(['check', out, '--max-age', '26h'], {});
    expect(future.code).toBe(10);
    expect(future.stderr).toMatch(
      /^stale: the last verified graph export .* is dated in the future/m,
    );
  });

  it('refuses bad input with a clear error', async () => {
    const none = await runCli(['check', '.'], {});
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('error: Invalid --max-age: is required');
    const missing = await runCli(['check', join(await tempDir(), 'nope'), '--max-age', '1h'], {});
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('error: Invalid FOLDER: cannot read the folder');
    const target = await runCli(['check', '.', '--max-age', '1h', '--target', '1'], {});
    expect(target.code).toBe(2);
    expect(target.stderr).toContain('error: Invalid --target: only goes with --to');
    const toWithoutKind = await runCli(['check', '--to', 's3://bucket/x', '--max-age', '1h'], {});
    expect(toWithoutKind.code).toBe(2);
    expect(toWithoutKind.stderr).toContain('error: Invalid --kind: is required with --to');
  });
});
