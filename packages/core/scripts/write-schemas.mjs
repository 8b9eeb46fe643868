// Writes the JSON Schema files (draft 2020-12) of every export record type from the one home of
// their fields, src/protocol/record-schemas.ts (imported as TypeScript: Node's type stripping),
// into schemas/v<SCHEMA_VERSION>/: one <type>.schema.json a type, and index.schema.json, which
// takes a record of any type and checks it against its type's schema. The files are committed;
// test/record-schemas.test.ts runs this script into a temporary folder and holds the committed
// ones equal to its output, so they never drift from the code.
//
// Usage: node scripts/write-schemas.mjs [OUT_DIR]   (default: schemas/ beside this folder)
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EXPORT_LAYOUTS, RECORD_SCHEMAS, SCHEMA_VERSION } from '../src/protocol/record-schemas.ts';

/** Where the files are published: the repository's copy, so a `$id` names a file one can read. */
const BASE_URL = `https://raw.githubusercontent.com/asana-exports/asana-exports/main/packages/core/schemas/v${SCHEMA_VERSION}/`;
const DRAFT = 'https://json-schema.org/draft/2020-12/schema';

/** FieldType → the JSON Schema that checks a value of it. */
const TYPES = {
  string: { type: 'string' },
  boolean: { type: 'boolean' },
  integer: { type: 'integer' },
  number: { type: 'number' },
  date: { type: 'string', format: 'date' },
  'date-time': { type: 'string', format: 'date-time' },
  object: { type: 'object' },
  array: { type: 'array' },
};

function fileName(resourceType) {
  return `${resourceType}.schema.json`;
}

function property(field, resourceType) {
  const { type, ...rest } = TYPES[field.type];
  if (field.name === 'resource_type') {
    return { type, const: resourceType, description: field.description };
  }
  return { type: field.nullable ? [type, 'null'] : type, ...rest, description: field.description };
}

function recordFile(schema) {
  const required = schema.fields
    .map((field) => field.name)
    .filter((name) => name === 'gid' || name === 'resource_type');
  return {
    $schema: DRAFT,
    $id: BASE_URL + fileName(schema.resourceType),
    title: `Asana export record: ${schema.resourceType}`,
    description: schema.description,
    'x-schema-version': SCHEMA_VERSION,
    type: 'object',
    required,
    properties: Object.fromEntries(
      schema.fields.map((field) => [field.name, property(field, schema.resourceType)]),
    ),
    // Asana adds fields: a record with one the schema does not list is drift, warned about.
    additionalProperties: true,
  };
}

function indexFile() {
  const types = Object.keys(RECORD_SCHEMAS).sort();
  return {
    $schema: DRAFT,
    $id: `${BASE_URL}index.schema.json`,
    title: 'Asana export record',
    description:
      "One record of any Asana export, checked against its resource_type's schema; a type no schema lists passes (drift, warned about). x-export-layouts says what each export kind's file holds.",
    'x-schema-version': SCHEMA_VERSION,
    type: 'object',
    required: ['resource_type'],
    properties: { resource_type: { type: 'string' } },
    allOf: types.map((type) => ({
      if: { properties: { resource_type: { const: type } }, required: ['resource_type'] },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's own keyword
      then: { $ref: fileName(type) },
    })),
    'x-record-types': Object.fromEntries(types.map((type) => [type, fileName(type)])),
    'x-export-layouts': EXPORT_LAYOUTS,
  };
}

/** Every file of the set, by name, as the text written. */
function schemaFiles() {
  const files = { 'index.schema.json': indexFile() };
  for (const schema of Object.values(RECORD_SCHEMAS)) {
    files[fileName(schema.resourceType)] = recordFile(schema);
  }
  return Object.fromEntries(
    Object.entries(files)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, json]) => [name, `${JSON.stringify(json, null, 2)}\n`]),
  );
}

const out = join(process.argv[2] ?? join(import.meta.dirname, '../schemas'), `v${SCHEMA_VERSION}`);
await mkdir(out, { recursive: true });
// A type removed from the code leaves no stale file behind.
for (const name of await readdir(out)) {
  if (name.endsWith('.json')) await rm(join(out, name));
}
for (const [name, text] of Object.entries(schemaFiles())) {
  await writeFile(join(out, name), text);
}
