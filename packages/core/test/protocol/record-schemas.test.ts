import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import {
  EXPORT_LAYOUTS,
  RECORD_SCHEMAS,
  type RecordSchema,
  recordSchema,
  SCHEMA_VERSION,
  unknownFields,
} from '../../src/protocol/index.js';

const coreDir = join(import.meta.dirname, '../..');
const task = recordSchema('task') as RecordSchema;

describe('recordSchema', () => {
  it('finds a type by its resource_type, and nothing for other names', () => {
    expect(task.resourceType).toBe('task');
    expect(recordSchema('portfolio_to_portfolio')?.resourceType).toBe('portfolio_to_portfolio');
    for (const name of ['tasks', 'Task', '', 'constructor', '__proto__', 'toString']) {
      expect(recordSchema(name), name).toBeUndefined();
    }
  });
});

describe('unknownFields', () => {
  const table: [string, Record<string, unknown>, string[]][] = [
    ['a record of known fields only', { gid: '1', resource_type: 'task', name: 'x' }, []],
    ['an empty record', {}, []],
    ['one new field', { gid: '1', resource_type: 'task', sentiment: 'glad' }, ['sentiment']],
    [
      'several, sorted whatever their order',
      { zeta: 1, gid: '1', alpha: null, resource_type: 'task', Mid: true },
      ['Mid', 'alpha', 'zeta'],
    ],
    // Only top-level names count: what a known object field holds is not the schema's business.
    ['nested fields', { assignee: { gid: '2', mood: 'ok' } }, []],
    ['a field of another type', { gid: '1', is_organization: true }, ['is_organization']],
    ['a prototype name', { constructor: 1, __proto__: 2 }, ['constructor']],
  ];
  it.each(table)('%s', (_what, record, expected) => {
    expect(unknownFields(record, task)).toEqual(expected);
  });
});

describe('RECORD_SCHEMAS', () => {
  it('keys each schema by its resource_type; fields are unique and resource_type is first or second', () => {
    for (const [key, schema] of Object.entries(RECORD_SCHEMAS)) {
      expect(schema.resourceType).toBe(key);
      const names = schema.fields.map((field) => field.name);
      expect(new Set(names).size, key).toBe(names.length);
      // Types with a gid of their own list it first; the graph exports' links have none.
      const link = key.includes('_to_');
      expect(names.slice(0, link ? 1 : 2), key).toEqual(
        link ? ['resource_type'] : ['gid', 'resource_type'],
      );
      for (const field of schema.fields)
        expect(field.description, `${key}.${field.name}`).not.toBe('');
    }
  });

  it('has a schema for every type each export kind documents, and the organization starts with its workspace', () => {
    for (const layout of Object.values(EXPORT_LAYOUTS)) {
      for (const type of layout.recordTypes) expect(recordSchema(type), type).toBeDefined();
    }
    expect(EXPORT_LAYOUTS.organization.firstRecordType).toBe('workspace');
    expect(EXPORT_LAYOUTS.resource.recordTypes).toEqual(['task', 'team', 'message']);
  });

  it('types dates as the OpenAPI description formats them', () => {
    const type = (resourceType: string, name: string) =>
      recordSchema(resourceType)?.fields.find((field) => field.name === name)?.type;
    expect(type('task', 'due_on')).toBe('date');
    expect(type('task', 'modified_at')).toBe('date-time');
    expect(type('allocation', 'start_date')).toBe('date');
    expect(type('time_tracking_entry', 'entered_on')).toBe('date');
    expect(recordSchema('task')?.fields.find((field) => field.name === 'assignee')?.nullable).toBe(
      true,
    );
  });
});

describe('the JSON Schema files', () => {
  it('committed in schemas/ are what scripts/write-schemas.mjs generates from the code now', () => {
    const out = mkdtempSync(join(tmpdir(), 'record-schemas-'));
    try {
      execFileSync(process.execPath, [join(coreDir, 'scripts/write-schemas.mjs'), out]);
      const version = `v${SCHEMA_VERSION}`;
      const generated = readdirSync(join(out, version)).sort();
      const committed = readdirSync(join(coreDir, 'schemas', version)).sort();
      expect(committed).toEqual(generated);
      expect(generated).toContain('index.schema.json');
      expect(generated).toHaveLength(Object.keys(RECORD_SCHEMAS).length + 1);
      for (const name of generated) {
        const text = readFileSync(join(coreDir, 'schemas', version, name), 'utf8');
        expect(text, `${name}: run node packages/core/scripts/write-schemas.mjs`).toBe(
          readFileSync(join(out, version, name), 'utf8'),
        );
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('each carry their $id, title, description and x-schema-version, and let unknown fields through', () => {
    const dir = join(coreDir, 'schemas', `v${SCHEMA_VERSION}`);
    for (const name of readdirSync(dir)) {
      const schema = JSON.parse(readFileSync(join(dir, name), 'utf8'));
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema.$id).toMatch(new RegExp(`/v${SCHEMA_VERSION}/${name.replace('.', '\\.')}$`));
      expect(schema['x-schema-version']).toBe(SCHEMA_VERSION);
      expect(typeof schema.title).toBe('string');
      expect(typeof schema.description).toBe('string');
      if (name !== 'index.schema.json') expect(schema.additionalProperties).toBe(true);
    }
  });
});

describe('a bundle of the protocol', () => {
  // The GitHub action and the n8n node bundle the protocol's index without using the schemas.
  it('leaves the table out when it uses nothing of record-schemas.ts', async () => {
    const bundle = async (name: string) => {
      const result = await build({
        stdin: {
          contents: `import { ${name} } from './index.ts'; console.log(${name});`,
          resolveDir: join(coreDir, 'src/protocol'),
          loader: 'ts',
        },
        bundle: true,
        write: false,
        platform: 'node',
        format: 'esm',
        packages: 'external',
        logLevel: 'silent',
      });
      return result.outputFiles[0]?.text ?? '';
    };
    const marker = 'highest-level organizational unit';
    expect(await bundle('normalizeState')).not.toContain(marker);
    expect(await bundle('recordSchema')).toContain(marker);
  });
});
