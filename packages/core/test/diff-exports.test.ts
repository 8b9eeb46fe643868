import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { diffExportFiles } from '../src/node/diff-exports.js';
import { tempDir } from './support/sandbox.js';

// The diff engine on files written here: partitions split again when big (forced with a tiny
// splitBytes), records repeated within one export, and the bytes a JSON Lines file may carry.
const signal = new AbortController().signal;

async function gzFile(dir: string, name: string, lines: readonly string[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, gzipSync(Buffer.from(lines.map((line) => `${line}\n`).join(''))));
  return path;
}

function records(count: number, change: (i: number) => Record<string, unknown> | undefined) {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const base = {
      gid: String(1200000000000000 + i),
      resource_type: i % 3 ? 'task' : 'message',
      name: `n${i}`,
    };
    const record = change(i);
    if (record !== undefined) lines.push(JSON.stringify({ ...base, ...record }));
  }
  return lines;
}

describe('diffExportFiles', () => {
  it('gives the same report whether partitions are split again or not', async () => {
    const dir = await tempDir();
    const older = await gzFile(
      dir,
      'old.jsonl.gz',
      records(6000, () => ({})),
    );
    const newer = await gzFile(
      dir,
      'new.jsonl.gz',
      records(6100, (i) => (i % 50 === 0 ? undefined : i % 7 === 0 ? { name: `m${i}` } : {})),
    );
    const options = { identities: [], tempDir: dir, signal };
    const whole = await diffExportFiles(
      { path: older, manifest: undefined },
      { path: newer, manifest: undefined },
      options,
    );
    const split = await diffExportFiles(
      { path: older, manifest: undefined },
      { path: newer, manifest: undefined },
      { ...options, splitBytes: 2048 },
    );
    const counts = (report: typeof whole.report) => ({
      totals: report.totals,
      byResourceType: report.byResourceType,
    });
    expect(counts(split.report)).toEqual(counts(whole.report));
    const removed = Math.ceil(6000 / 50);
    const changed = [...Array(6000).keys()].filter((i) => i % 50 !== 0 && i % 7 === 0).length;
    expect(whole.report.totals).toEqual({
      old: 6000,
      new: 6100 - Math.ceil(6100 / 50),
      added: 100 - 2,
      removed,
      changed,
      unchanged: 6000 - removed - changed,
    });
  });

  it('compares a record found several times in its latest modified_at version', async () => {
    const dir = await tempDir();
    const repeated = (names: string[]) =>
      names.map((name, i) =>
        JSON.stringify({
          gid: '1',
          resource_type: 'task',
          name,
          modified_at: `2024-01-0${((i * 7) % 9) + 1}T00:00:00.000Z`,
        }),
      );
    // Dates 01, 08, 06: the second is the latest.
    const older = await gzFile(dir, 'old.jsonl.gz', repeated(['a', 'b', 'c']));
    const newer = await gzFile(dir, 'new.jsonl.gz', repeated(['x', 'b', 'y']));
    const { report } = await diffExportFiles(
      { path: older, manifest: undefined },
      { path: newer, manifest: undefined },
      { identities: [], tempDir: dir, signal },
    );
    expect(report.totals).toMatchObject({ old: 1, new: 1, unchanged: 1, changed: 0 });
    expect(report.old.duplicates).toBe(2);
    expect(report.new.duplicates).toBe(2);
  });

  it('reads a byte order mark, CRLF line ends and records without a gid', async () => {
    const dir = await tempDir();
    const link = JSON.stringify({
      resource_type: 'project_to_portfolio',
      project: { gid: '1' },
      portfolio: { gid: '2' },
    });
    const other = JSON.stringify({
      resource_type: 'project_to_portfolio',
      project: { gid: '1' },
      portfolio: { gid: '3' },
    });
    const task = JSON.stringify({ gid: '5', resource_type: 'task', name: 't' });
    const older = join(dir, 'old.jsonl.gz');
    await writeFile(older, gzipSync(Buffer.from(`\ufeff${task}\r\n${link}\r\n`)));
    const newer = await gzFile(dir, 'new.jsonl.gz', [task, other]);
    const { report } = await diffExportFiles(
      { path: older, manifest: undefined },
      { path: newer, manifest: undefined },
      { identities: [], tempDir: dir, signal },
    );
    expect(report.byResourceType.task).toMatchObject({ unchanged: 1, changed: 0 });
    expect(report.byResourceType.project_to_portfolio).toMatchObject({
      added: 1,
      removed: 1,
      changed: 0,
    });
  });

  it('refuses an export that is one JSON document rather than make a report of one record', async () => {
    const dir = await tempDir();
    const document = (name: string) => [
      JSON.stringify({ workspace: { gid: '1' }, tasks: [{ gid: '2', name }] }),
    ];
    const older = await gzFile(dir, 'old.json.gz', document('a'));
    const newer = await gzFile(dir, 'new.json.gz', document('b'));
    await expect(
      diffExportFiles(
        { path: older, manifest: undefined },
        { path: newer, manifest: undefined },
        { identities: [], tempDir: dir, signal },
      ),
    ).rejects.toThrow(`Invalid OLD: ${older} holds one JSON document, not one record per line`);
  });

  it('refuses a line that is not a JSON object, naming the file and the line', async () => {
    const dir = await tempDir();
    const older = await gzFile(dir, 'old.jsonl.gz', ['{"gid":"1","resource_type":"task"}']);
    const newer = await gzFile(dir, 'new.jsonl.gz', [
      '{"gid":"1","resource_type":"task"}',
      '[1,2]',
      '{"gid":',
    ]);
    await expect(
      diffExportFiles(
        { path: older, manifest: undefined },
        { path: newer, manifest: undefined },
        { identities: [], tempDir: dir, signal },
      ),
    ).rejects.toThrow(`The stored export ${newer} is not intact: line 2 is not a JSON object`);
  });
});
