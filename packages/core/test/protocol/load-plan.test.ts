import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/protocol/errors.js';
import {
  COLUMN_TYPES,
  firstLoadSql,
  incomingSql,
  mergeSql,
  parseMemoryLimit,
  planMemory,
  quoteIdentifier,
  quoteLiteral,
  stagingSql,
  tableColumns,
  tableNameFor,
  winnersSql,
} from '../../src/protocol/load-plan.js';
import { EXAMPLE_QUERIES } from '../../src/protocol/load-queries.js';
import { RECORD_SCHEMAS, recordSchema } from '../../src/protocol/record-schemas.js';

describe('parseMemoryLimit', () => {
  it.each([
    ['1GB', 1e9],
    ['1 GB', 1e9],
    ['512MiB', 512 * 2 ** 20],
    ['1.5gb', 1.5e9],
    ['4GiB', 4 * 2 ** 30],
    ['600mb', 600e6],
  ])('reads %s as %d bytes', (text, bytes) => {
    expect(parseMemoryLimit('--memory-limit', text)).toEqual({ bytes });
  });

  it.each(['', 'lots', '1', '1 GQ', '-1GB', '1e9', "1GB'; DROP TABLE task; --"])(
    'refuses %j, naming the flag',
    (text) => {
      expect(() => parseMemoryLimit('--memory-limit', text)).toThrow(InputError);
      expect(() => parseMemoryLimit('--memory-limit', text)).toThrow(/--memory-limit/);
    },
  );

  it('refuses less than 512 MiB: the reserve and one thread of DuckDB', () => {
    expect(() => parseMemoryLimit('--memory-limit', '500MiB')).toThrow(/less than 512/);
    expect(parseMemoryLimit('--memory-limit', '512MiB').bytes).toBe(512 * 2 ** 20);
  });
});

describe('planMemory', () => {
  const MiB = 2 ** 20;
  it.each([
    // limit, cores → threads, DuckDB's share (the limit less 256 MiB and 128 MiB a thread)
    [512 * MiB, 8, 1, 128 * MiB],
    [1e9, 1, 1, 1e9 - 384 * MiB],
    [1e9, 2, 2, 1e9 - 512 * MiB],
    [1e9, 16, 2, 1e9 - 512 * MiB],
    [4 * 2 ** 30, 2, 2, 4 * 2 ** 30 - 512 * MiB],
    [4 * 2 ** 30, 64, 12, 4 * 2 ** 30 - (256 + 12 * 128) * MiB],
    [4 * 2 ** 30, 0, 1, 4 * 2 ** 30 - 384 * MiB],
  ])('%d bytes on %d cores: %d threads, DuckDB %d bytes', (bytes, cores, threads, duckdb) => {
    const plan = planMemory({ bytes }, cores);
    expect(plan).toMatchObject({ limitBytes: bytes, threads, duckdbBytes: duckdb });
    expect(plan.settings.memory_limit).toBe(`${duckdb}B`);
    expect(plan.settings.threads).toBe(String(threads));
    // Each thread keeps at least 192 MiB of DuckDB's share, and the whole stays within the limit.
    expect(plan.duckdbBytes / plan.threads).toBeGreaterThanOrEqual(threads === 1 ? 0 : 192 * MiB);
    expect(plan.duckdbBytes + 256 * MiB + threads * 128 * MiB).toBe(bytes);
  });

  it('has DuckDB give freed memory back, which its memory_limit does not count', () => {
    const { settings } = planMemory({ bytes: 1e9 }, 2);
    expect(settings.allocator_background_threads).toBe('true');
    expect(settings.allocator_flush_threshold).toBe(`${16 * MiB}B`);
  });
});

describe('tableNameFor', () => {
  it.each([
    ['task', 'task'],
    ['time_tracking_entry', 'time_tracking_entry'],
    ['portfolio_to_portfolio', 'portfolio_to_portfolio'],
    ['Task', undefined],
    ['_asana_export_history', undefined],
    ['task; DROP TABLE x', undefined],
    ['x"y', undefined],
    ['', undefined],
    ['a'.repeat(64), undefined],
  ])('%j → %j: only a plain lower-case name from a file becomes a table', (type, table) => {
    expect(tableNameFor(type)).toBe(table);
  });
});

describe('SQL pieces', () => {
  it('quotes identifiers and literals whatever they hold', () => {
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
    expect(quoteLiteral("it's")).toBe("'it''s'");
    expect(stagingSql("/tmp/o'neil/x.jsonl.gz", 'jsonl')).toContain("'/tmp/o''neil/x.jsonl.gz'");
  });

  it('reads JSON Lines as such, and lets DuckDB tell a JSON document from lines', () => {
    expect(stagingSql('x', 'jsonl')).toContain("format = 'newline_delimited'");
    expect(stagingSql('x', 'json')).toContain("format = 'auto'");
  });

  it('gives every schema field its column type, then the provenance columns', () => {
    for (const schema of Object.values(RECORD_SCHEMAS)) {
      const columns = tableColumns(schema);
      const names = columns.map(([name]) => name);
      expect(new Set(names).size, schema.resourceType).toBe(names.length);
      expect(names).not.toContain('resource_type');
      for (const field of schema.fields.filter((one) => one.name !== 'resource_type')) {
        expect(columns).toContainEqual([field.name, COLUMN_TYPES[field.type]]);
      }
      expect(names.slice(-8)).toEqual([
        '_extra',
        '_key',
        '_hash',
        '_export_gid',
        '_export_sha256',
        '_export_at',
        '_changed_in',
        '_loaded_at',
      ]);
    }
    expect(tableColumns(undefined).map(([name]) => name)[0]).toBe('_extra');
  });

  it('keeps the version modified last, then the last in the file; merges by the same rule', () => {
    const provenance = {
      exportGid: undefined,
      sha256: 'a'.repeat(64),
      exportAt: '2026-01-01T00:00:00Z',
      loadedAt: '2026-01-02T00:00:00Z',
    };
    // Every type's winners in one pass; each type's records are only its winners.
    const winners = winnersSql();
    expect(winners).toContain(
      "max_by(rowid, struct_pack(m := coalesce(TRY_CAST(json_extract_string(json, '$.modified_at') AS TIMESTAMPTZ), '-infinity'::TIMESTAMPTZ), r := rowid))",
    );
    expect(winners).toContain('GROUP BY resource_type, coalesce(');
    const [incoming] = incomingSql('task', recordSchema('task'), provenance);
    expect(incoming).toContain(
      "rowid IN (SELECT line FROM _asana_export_winners WHERE resource_type = 'task')",
    );
    expect(incomingSql('widget', undefined, provenance)[0]).toContain('NULL AS _export_gid');
    // Into an empty table, the same records straight in, without the copy to merge from.
    const [first] = firstLoadSql('task', 'task', recordSchema('task'), provenance);
    expect(first).toBe(
      (incoming ?? '').replace(
        'CREATE OR REPLACE TEMP TABLE _asana_export_incoming AS',
        'INSERT INTO "task" BY NAME',
      ),
    );
    const [keep, remove, insert] = mergeSql('task', recordSchema('task'));
    expect(keep).toContain('SET _changed_in = t._changed_in');
    expect(remove).toContain('coalesce(i."modified_at"');
    expect(remove).toContain('i._export_at >= t._export_at');
    expect(insert).toContain('INSERT INTO "task" BY NAME');
    expect(mergeSql('widget', undefined)[1]).toContain(
      "TRY_CAST(json_extract_string(i._extra, '$.modified_at') AS TIMESTAMPTZ)",
    );
  });
});

describe('the example queries', () => {
  it('are shown in both READMEs as the tests run them', () => {
    for (const readme of ['../../README.md', '../../../cli/README.md']) {
      const text = readFileSync(join(import.meta.dirname, readme), 'utf8');
      for (const { title, sql } of Object.values(EXAMPLE_QUERIES)) {
        expect(text, readme).toContain(`${title}:\n\n\`\`\`sql\n${sql}\n\`\`\``);
      }
    }
  });
});
