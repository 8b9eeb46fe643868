// The sandbox's records conform to the JSON Schema files of the core (packages/core/schemas/,
// generated from its protocol/record-schemas.ts out of Asana's OpenAPI description): every record
// of every export kind, checked by a real validator (Ajv, draft 2020-12, formats on), and none
// carries a field the schema of its type does not list, since the sandbox must not drift.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';
import { type ContentSpec, writeExportFile } from '../src/content-generate.js';
import type { ExportKind } from '../src/types.js';

// ajv-formats is CommonJS with `exports.default`: under NodeNext its default import is the module.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

const SCHEMA_DIR = join(import.meta.dirname, '../../core/schemas/v1');
const dir = mkdtempSync(join(tmpdir(), 'sandbox-record-schemas-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface RecordFileSchema {
  properties: Record<string, unknown>;
}
interface IndexSchema {
  'x-record-types': Record<string, string>;
  'x-export-layouts': Record<ExportKind, { recordTypes: string[]; firstRecordType?: string }>;
}

const files = readdirSync(SCHEMA_DIR).filter((name) => name.endsWith('.schema.json'));
const schemas = Object.fromEntries(
  files.map((name) => [name, JSON.parse(readFileSync(join(SCHEMA_DIR, name), 'utf8'))]),
);
const index = schemas['index.schema.json'] as IndexSchema;
const ajv = new Ajv2020({
  allErrors: true,
  strict: true,
  keywords: ['x-schema-version', 'x-record-types', 'x-export-layouts'],
});
addFormats(ajv);
for (const schema of Object.values(schemas)) ajv.addSchema(schema);
const validate = ajv.getSchema(schemas['index.schema.json'].$id);
if (validate === undefined) throw new Error('index.schema.json did not compile');

function spec(kind: ExportKind, revision: number): ContentSpec {
  return {
    kind,
    resourceTypes: kind === 'resource' ? ['message', 'task', 'team'] : [],
    parameters: [],
    // Enough records that the rarest type (1 in 100 of a graph export's) appears several times.
    contentBytes: 512 * 1024,
    seed: 7,
    corruption: 'none',
    layout: 'single',
    longLineBytes: 0,
    version: 1,
    revision,
  };
}

async function records(kind: ExportKind, revision: number): Promise<Record<string, unknown>[]> {
  const path = join(dir, `${kind}-r${revision}.jsonl.gz`);
  await writeExportFile(spec(kind, revision), path, AbortSignal.timeout(60_000));
  const lines = gunzipSync(readFileSync(path)).toString('utf8').split('\n');
  expect(lines.pop()).toBe('');
  return lines.map((line) => JSON.parse(line));
}

/** The fields of a record its type's schema does not list, as `type.field`. */
function drift(record: Record<string, unknown>): string[] {
  const type = String(record.resource_type);
  const file = index['x-record-types'][type];
  if (file === undefined) return [`${type} (no schema)`];
  const known = (schemas[file] as RecordFileSchema).properties;
  return Object.keys(record)
    .filter((name) => !Object.hasOwn(known, name))
    .map((name) => `${type}.${name}`);
}

describe('the sandbox records against the JSON Schema files', () => {
  it.each([
    ['resource', 0],
    ['graph', 0],
    ['organization', 0],
    // A later revision edits names, texts, numbers and custom field values: still conforming.
    ['resource', 1],
    ['graph', 1],
    ['organization', 1],
  ] as const)(
    '%s export, revision %i: every record conforms, none drifts',
    async (kind, revision) => {
      const all = await records(kind, revision);
      const failures: string[] = [];
      const drifted = new Set<string>();
      all.forEach((record, line) => {
        if (!validate(record) && failures.length < 10) {
          failures.push(
            `line ${line + 1} (${String(record.resource_type)}): ${ajv.errorsText(validate.errors)}`,
          );
        }
        for (const field of drift(record)) drifted.add(field);
      });
      expect(failures).toEqual([]);
      expect([...drifted].sort()).toEqual([]);

      // Each type the kind documents appears, and no other: every type emitted has its schema.
      const layout = index['x-export-layouts'][kind];
      const emitted = new Set(all.map((record) => String(record.resource_type)));
      expect([...emitted].sort()).toEqual([...layout.recordTypes].sort());
      if (layout.firstRecordType !== undefined) {
        expect(all[0]?.resource_type).toBe(layout.firstRecordType);
        expect(
          all.filter((record) => record.resource_type === layout.firstRecordType),
        ).toHaveLength(1);
      }
    },
  );

  it('refuses a record its schema rules out, and lets an unknown field or type through', () => {
    const task = { gid: '1', resource_type: 'task', name: 'x', due_on: '2024-02-30T00:00:00Z' };
    expect(validate(task)).toBe(false);
    expect(validate({ ...task, due_on: '2024-02-03' })).toBe(true);
    expect(validate({ ...task, due_on: null, assignee: null })).toBe(true);
    expect(validate({ ...task, due_on: null, completed: 'yes' })).toBe(false);
    expect(validate({ resource_type: 'task', name: 'no gid' })).toBe(false);
    expect(validate({ ...task, due_on: null, sentiment: 'glad' })).toBe(true);
    expect(validate({ resource_type: 'dashboard', anything: 1 })).toBe(true);
    expect(validate({ gid: '1' })).toBe(false);
  });
});
