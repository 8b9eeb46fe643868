import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { diffExportFiles } from '../../src/node/diff-exports.js';
import type { DiffReport } from '../../src/protocol/diff-report.js';
import {
  assertRecordsPerLine,
  type DiffStreamSide,
  diffRecordStreams,
} from '../../src/protocol/diff-streams.js';
import { CancelledError, InputError, IntegrityError } from '../../src/protocol/errors.js';
import { tempDir } from '../support/sandbox.js';

// The change report over re-readable streams (what the n8n node compares), checked case by case
// and, on a pair with every kind of change, against the CLI's partitioning diff of the same files.
const signal = new AbortController().signal;
const encoder = new TextEncoder();

/** A side that serves `text` in chunks of `chunk` bytes, counting how often it was opened. */
function side(shown: string, text: string | Uint8Array, chunk = 7) {
  const bytes = typeof text === 'string' ? encoder.encode(text) : text;
  const opened = { count: 0 };
  const source: DiffStreamSide = {
    shown,
    async *open() {
      opened.count += 1;
      for (let at = 0; at < bytes.length; at += chunk) yield bytes.slice(at, at + chunk);
    },
  };
  return { source, opened };
}

const lines = (...records: unknown[]) =>
  records
    .map((record) => (typeof record === 'string' ? record : JSON.stringify(record)))
    .join('\n');
const task = (gid: string, extra: Record<string, unknown> = {}) => ({
  gid,
  resource_type: 'task',
  name: `t${gid}`,
  ...extra,
});

async function diff(older: string | Uint8Array, newer: string | Uint8Array, batchBytes?: number) {
  const result = await diffRecordStreams(side('OLD', older).source, side('NEW', newer).source, {
    signal,
    batchBytes,
  });
  const report = result.tally.report({
    kind: undefined,
    target: undefined,
    old: { file: 'o', exportGid: undefined, completedAt: undefined, records: 0, duplicates: 0 },
    new: { file: 'n', exportGid: undefined, completedAt: undefined, records: 0, duplicates: 0 },
  });
  return { result, report };
}

describe('diffRecordStreams', () => {
  it.each([
    ['nothing changed', lines(task('1')), lines(task('1')), { unchanged: 1 }],
    ['a record added', lines(task('1')), lines(task('1'), task('2')), { added: 1, unchanged: 1 }],
    [
      'a record removed',
      lines(task('1'), task('2')),
      lines(task('2')),
      { removed: 1, unchanged: 1 },
    ],
    ['a value changed', lines(task('1')), lines(task('1', { name: 'x' })), { changed: 1 }],
    [
      'key order only',
      lines({ gid: '1', resource_type: 'task', a: 1, b: 2 }),
      lines({ b: 2, a: 1, resource_type: 'task', gid: '1' }),
      { unchanged: 1 },
    ],
    [
      'blank lines and CRLF',
      `${lines(task('1'))}\r\n\n`,
      `\n${lines(task('1'))}`,
      { unchanged: 1 },
    ],
    [
      'a record without gid, matched by its content',
      lines({ resource_type: 'link', a: 1 }),
      lines({ resource_type: 'link', a: 2 }),
      { added: 1, removed: 1 },
    ],
    [
      'of repeated keys, the one modified last counts',
      lines(
        task('1', { modified_at: '2026-02-01T00:00:00.000Z', name: 'new' }),
        task('1', { modified_at: '2026-01-01T00:00:00.000Z', name: 'old' }),
      ),
      lines(task('1', { modified_at: '2026-02-01T00:00:00.000Z', name: 'new' })),
      { unchanged: 1 },
    ],
    [
      'of repeated keys modified at once, the last read counts',
      lines(task('1', { name: 'a' }), task('1', { name: 'b' })),
      lines(task('1', { name: 'b' })),
      { unchanged: 1 },
    ],
  ])('%s', async (_, older, newer, expected) => {
    const { report } = await diff(older, newer);
    const want = { added: 0, removed: 0, changed: 0, unchanged: 0, ...expected };
    const { added, removed, changed, unchanged } = report.totals;
    expect({ added, removed, changed, unchanged }).toEqual(want);
  });

  it('counts the fields and custom fields that changed, and renames', async () => {
    const field = (name: string, value: string) => ({ gid: '9', name, display_value: value });
    const { report, result } = await diff(
      lines(task('1', { custom_fields: [field('Priority', 'High')] }), task('2'), task('3')),
      lines(
        task('1', { custom_fields: [field('Urgency', 'High')] }),
        task('2', { name: 'x' }),
        task('3'),
      ),
    );
    expect(report.byResourceType.task).toMatchObject({
      changed: 2,
      unchanged: 1,
      fields: { custom_fields: 1, name: 1 },
      customFields: { Urgency: 1 },
    });
    expect(report.customFieldRenames).toEqual([{ gid: '9', from: 'Priority', to: 'Urgency' }]);
    expect(result.old).toEqual({ records: 3, duplicates: 0, withoutGid: 0 });
  });

  it('counts records and repeated keys of each side', async () => {
    const { result } = await diff(
      lines(task('1'), task('1'), { resource_type: 'link' }),
      lines(task('1')),
    );
    expect(result.old).toEqual({ records: 3, duplicates: 1, withoutGid: 1 });
    expect(result.new).toEqual({ records: 1, duplicates: 0, withoutGid: 0 });
    expect(result.passes).toEqual({ old: 2, new: 1 });
  });

  it('makes the same report in one batch or in one batch per candidate', async () => {
    const older = lines(...Array.from({ length: 50 }, (_, i) => task(String(i))));
    const newer = lines(
      ...Array.from({ length: 50 }, (_, i) => task(String(49 - i), i % 3 ? {} : { name: 'x' })),
    );
    const one = await diff(older, newer);
    const many = await diff(older, newer, 1);
    expect(many.report.totals).toEqual(one.report.totals);
    expect(many.report.byResourceType).toEqual(one.report.byResourceType);
    expect(one.result.passes).toEqual({ old: 2, new: 2 });
    expect(many.result.passes).toEqual({ old: 18, new: 18 });
  });

  it.each([
    ['not JSON', '{"gid":"1"', 'line 1 is not JSON'],
    ['not an object', '[1,2]', 'line 1 is not a JSON object'],
    ['not UTF-8', new Uint8Array([0x7b, 0xff, 0x7d]), 'line 1 is not valid UTF-8'],
    ['too deep', `{"a":${'['.repeat(10_001)}${']'.repeat(10_001)}}`, 'line 1 nests deeper'],
  ])('refuses a line that is %s, naming the side', async (_, bad, message) => {
    const failure = diff(lines(task('1')), bad);
    await expect(failure).rejects.toThrow(IntegrityError);
    await expect(failure).rejects.toThrow(`The stored export NEW is not intact: ${message}`);
  });

  it('refuses a side that differs when read again', async () => {
    let reads = 0;
    const changing: DiffStreamSide = {
      shown: 'OLD',
      async *open() {
        reads += 1;
        yield encoder.encode(lines(task('1', { name: reads === 1 ? 'a' : 'b' })));
      },
    };
    const failure = diffRecordStreams(
      changing,
      side('NEW', lines(task('1', { name: 'c' }))).source,
      {
        signal,
      },
    );
    await expect(failure).rejects.toThrow(
      'OLD is not intact: it changed while it was being compared',
    );
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const failure = diffRecordStreams(side('OLD', 'x').source, side('NEW', 'x').source, {
      signal: controller.signal,
    });
    await expect(failure).rejects.toThrow(CancelledError);
  });
});

describe('assertRecordsPerLine', () => {
  it('refuses one JSON document, and only that', () => {
    expect(() =>
      assertRecordsPerLine('old', 'a.json.gz', { records: 1, duplicates: 0, withoutGid: 1 }),
    ).toThrow(InputError);
    expect(() =>
      assertRecordsPerLine('old', 'a.json.gz', { records: 1, duplicates: 0, withoutGid: 0 }),
    ).not.toThrow();
    expect(() =>
      assertRecordsPerLine('old', 'a.json.gz', { records: 2, duplicates: 0, withoutGid: 2 }),
    ).not.toThrow();
  });
});

describe('diffRecordStreams and the CLI diff', () => {
  it('make the same report of the same pair', async () => {
    const records = (revision: number) => {
      const out: unknown[] = [];
      for (let i = 0; i < 3000; i++) {
        const gid = String(1_200_000_000_000_000 + i);
        const type = ['task', 'message', 'story'][i % 3];
        if (revision === 1 && i % 41 === 0) continue;
        const edited = revision === 1 && i % 13 === 0;
        out.push({
          gid,
          resource_type: type,
          name: edited ? `edited ${i}` : `n${i}`,
          modified_at: edited ? '2026-06-01T00:00:00.000Z' : '2026-01-01T00:00:00.000Z',
          custom_fields: [
            { gid: '77', name: revision === 1 ? 'Urgency' : 'Priority', display_value: 'x' },
          ],
        });
        // Pooled records repeated, some differing, and links without a gid.
        if (i % 100 === 0) out.push({ gid: '5', resource_type: 'user', name: `u${i % 300}` });
        if (i % 97 === 0) out.push({ resource_type: 'link', from: gid, revision: i % 2 });
      }
      if (revision === 1) for (let i = 0; i < 25; i++) out.push(task(String(9_000 + i)));
      return `\ufeff${lines(...out)}\n`;
    };
    const older = records(0);
    const newer = records(1);
    const dir = await tempDir();
    await writeFile(join(dir, 'old.jsonl.gz'), gzipSync(older));
    await writeFile(join(dir, 'new.jsonl.gz'), gzipSync(newer));
    const cli = await diffExportFiles(
      { path: join(dir, 'old.jsonl.gz'), manifest: undefined },
      { path: join(dir, 'new.jsonl.gz'), manifest: undefined },
      { identities: [], tempDir: dir, signal },
    );
    const { report, result } = await diff(older, newer, 4096);
    const comparable = (r: DiffReport) => ({
      totals: r.totals,
      byResourceType: r.byResourceType,
      renames: r.customFieldRenames,
    });
    expect(comparable(report)).toEqual(comparable(cli.report));
    expect(result.old.records).toBe(cli.report.old.records);
    expect(result.old.duplicates).toBe(cli.report.old.duplicates);
    expect(result.new.duplicates).toBe(cli.report.new.duplicates);
    expect(cli.report.totals.changed).toBeGreaterThan(100);
  });
});
