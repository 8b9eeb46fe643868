import { isUtf8 } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { scanTopLevelKeys } from '../../src/protocol/diff-key-scan.js';
import { parsedRecordKeyOf, recordKeyOf } from '../../src/protocol/diff-record-key.js';
import { MAX_JSON_DEPTH } from '../../src/protocol/json-scan.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** What JSON.parse makes of the bytes: the object, or undefined when it is not one. */
function parsed(bytes: Uint8Array): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function keyOrError(
  key: (b: Uint8Array, n: number, d: (p: string) => Error) => unknown,
  bytes: Uint8Array,
) {
  try {
    return key(bytes, 7, (problem) => new Error(problem));
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/**
 * The scan (of bytes that are UTF-8, as recordKeyOf checks first) never accepts what JSON.parse
 * refuses, and its ranges hold JSON.parse's strings; recordKeyOf makes the parse's key or error.
 */
function expectAgrees(bytes: Uint8Array): void {
  const found = isUtf8(bytes) ? scanTopLevelKeys(bytes) : undefined;
  const record = parsed(bytes);
  if (found !== undefined) {
    expect(record, 'accepted a line JSON.parse refuses').toBeDefined();
    const value = (start: number, end: number) =>
      start === -1 ? undefined : decoder.decode(bytes.subarray(start, end));
    const asString = (v: unknown) => (typeof v === 'string' ? v : undefined);
    expect(value(found.gidStart, found.gidEnd)).toBe(asString(record?.gid));
    expect(value(found.typeStart, found.typeEnd)).toBe(asString(record?.resource_type));
    expect(value(found.modifiedStart, found.modifiedEnd)).toBe(asString(record?.modified_at));
  }
  expect(keyOrError(recordKeyOf, bytes)).toEqual(keyOrError(parsedRecordKeyOf, bytes));
}

const TRICKY: string[] = [
  '{"gid":"1","resource_type":"task","modified_at":"2026-01-01T00:00:00.000Z"}',
  '  {"gid" : "1" , "resource_type" : "task" }  ',
  '\t{\r\n"gid":"1"}\n',
  '{}',
  '{"a":{}, "b":[], "c":[{}], "d":[[]]}',
  '{"gid":1,"resource_type":"task"}',
  '{"gid":"1","gid":2}',
  '{"gid":2,"gid":"3"}',
  '{"gid":"1","gid":"4"}',
  '{"gid":null,"resource_type":true,"modified_at":false}',
  '{"gid":{"gid":"9"},"resource_type":["task"]}',
  '{"parent":{"gid":"9","resource_type":"project"},"gid":"1"}',
  '{"notes":"a \\"gid\\": \\"2\\" b","gid":"1"}',
  '{"notes":"\\\\","gid":"1"}',
  '{"notes":"\\\\\\"","gid":"1"}',
  '{"notes":"\\u00e9\\n\\t\\/\\b\\f\\r","gid":"1"}',
  '{"g\\u0069d":"5"}',
  '{"gid":"\\u0031"}',
  '{"resource_type":"t\\u0061sk","gid":"1"}',
  '{"resource_type":"tâche","gid":"1"}',
  '{"resource_type":"\uFEFFtask","gid":"1"}',
  '{"resource_type":"","gid":""}',
  '{"resource_type":"a\u0001b"}',
  '{"name":"日本語 🚀","gid":"1"}',
  '{"n":-0,"m":1.5e+10,"o":-12.25E-3,"p":0,"gid":"1"}',
  '{"n":01}',
  '{"n":1.}',
  '{"n":.5}',
  '{"n":-}',
  '{"n":1e}',
  '{"n":+1}',
  '{"n":0x1}',
  '{"n":Infinity}',
  '{"n":NaN}',
  '{"t":tru}',
  '{"t":truex}',
  '{"t":nul}',
  '{"a":1,}',
  '{"a":1 "b":2}',
  '{"a" 1}',
  '{"a":}',
  '{,"a":1}',
  '{"a":[1,]}',
  '{"a":[,1]}',
  '{"a":[1 2]}',
  '{"a":[1}',
  '{"a":{]}',
  '{"a":1}}',
  '{"a":1}]',
  '{"a":1',
  '{"a":"1',
  '{"a":"\\x"}',
  '{"a":"\\u12"}',
  '{"a":"\\u12g4"}',
  '{"a":"\\',
  '{"a":"tab\there"}',
  '{"a":1} {"b":2}',
  '{"a":1} x',
  '{a:1}',
  "{'a':1}",
  '[]',
  '[{"gid":"1"}]',
  '"gid"',
  '1',
  'null',
  '',
  '   ',
  '\u00a0',
  '\uFEFF{"gid":"1"}',
  '{"gid":"1"}\uFEFF',
  '{"__proto__":{"gid":"2"},"gid":"1"}',
  '{"gid":"a/b"}',
  `{"gid":"${'7'.repeat(64)}"}`,
  `{"gid":"${'7'.repeat(65)}"}`,
  '{"modified_at":"yesterday","gid":"1"}',
  `{"resource_type":"${'x'.repeat(300)}"}`,
  `{"resource_type":"${'é'.repeat(300)}"}`,
  '{"project_to_portfolio":{"project":"1","portfolio":"2"}}',
];

describe('scanTopLevelKeys and recordKeyOf against JSON.parse', () => {
  it.each(TRICKY.map((text) => [JSON.stringify(text).slice(0, 60), text]))('%s', (_, text) => {
    expectAgrees(encoder.encode(text));
  });

  it('decides for ordinary records without the parse', () => {
    expect(scanTopLevelKeys(encoder.encode(TRICKY[0] as string))).toEqual({
      gidStart: 8,
      gidEnd: 9,
      typeStart: 28,
      typeEnd: 32,
      modifiedStart: 49,
      modifiedEnd: 73,
    });
  });

  it('leaves invalid UTF-8 and deep nesting to the parse', () => {
    expectAgrees(new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]));
    expectAgrees(new Uint8Array([0x7b, 0x22, 0xc3, 0x22, 0x3a, 0x31, 0x7d]));
    const deep = `{"a":${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}}`;
    expect(scanTopLevelKeys(encoder.encode(deep))).toBeUndefined();
    expectAgrees(encoder.encode(deep));
    const deepest = `{"a":${'['.repeat(MAX_JSON_DEPTH - 1)}${']'.repeat(MAX_JSON_DEPTH - 1)}}`;
    expect(scanTopLevelKeys(encoder.encode(deepest))).toBeDefined();
  });

  it('never accepts a cut, spliced or altered record that JSON.parse refuses', () => {
    const base = encoder.encode(
      '{"gid":"12","resource_type":"task","name":"a \\"q\\" é","n":[1,-2.5e3,true,null,{"x":"\\u0041"}],"modified_at":"2026-01-01T00:00:00Z","o":{}}',
    );
    const alphabet = encoder.encode('{}[],:"\\ 0-.eE+tfnu1aé');
    let seed = 12345;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    for (let round = 0; round < 20_000; round++) {
      const bytes = Array.from(base);
      for (let edits = 1 + random(3); edits > 0; edits--) {
        const at = random(bytes.length + 1);
        const byte = alphabet[random(alphabet.length)] as number;
        const kind = random(3);
        if (kind === 0) bytes.splice(at, 1);
        else if (kind === 1) bytes.splice(at, 0, byte);
        else bytes[at] = byte;
      }
      expectAgrees(new Uint8Array(bytes));
    }
  });
});
