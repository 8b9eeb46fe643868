import { describe, expect, it } from 'vitest';
import { IntegrityError } from '../../src/protocol/errors.js';
import {
  RecordCounter,
  type RecordCounterOptions,
  type RecordCounts,
} from '../../src/protocol/records.js';

const encoder = new TextEncoder();

function count(options: RecordCounterOptions, chunks: readonly Uint8Array[]): RecordCounts {
  const counter = new RecordCounter(options);
  for (const chunk of chunks) counter.push(chunk);
  return counter.end();
}

function integrityError(run: () => unknown): IntegrityError {
  try {
    run();
  } catch (error) {
    if (error instanceof IntegrityError) return error;
    throw error;
  }
  throw new Error('expected an IntegrityError');
}

const JSONL = [
  '{"resource_type":"task","gid":"1","name":"Write ✍️ the report"}',
  '{"resource_type":"project","gid":"2","notes":"line\\nbreak inside a string"}',
  '',
  '{"resource_type":"task","gid":"3","parent":{"resource_type":"task","gid":"1"}}',
  '{"gid":"4"}',
  '   ',
  '{"resource_type":"section","gid":"5","name":"Ünïcödé"}',
].join('\n');
const JSONL_COUNTS: RecordCounts = {
  records: 5,
  byResourceType: { task: 2, project: 1, '(none)': 1, section: 1 },
};

const validating: RecordCounterOptions = { format: 'jsonl', validateJson: true };

describe('RecordCounter', () => {
  it('counts jsonl records per top-level resource_type', () => {
    expect(count(validating, [encoder.encode(JSONL)])).toEqual(JSONL_COUNTS);
    expect(count(validating, [encoder.encode(`${JSONL}\n`)])).toEqual(JSONL_COUNTS);
  });

  it('gives the same counts for every chunk boundary, two and three pieces', () => {
    const bytes = encoder.encode(`${JSONL}\r\n`);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const pieces = [bytes.slice(0, cut), bytes.slice(cut)];
      expect(count(validating, pieces), `cut at ${cut}`).toEqual(JSONL_COUNTS);
      expect(count({ format: 'json', validateJson: true }, pieces).records).toBe(5);
    }
    for (let first = 0; first < bytes.length; first += 7) {
      for (let second = first; second <= bytes.length; second += 5) {
        const pieces = [bytes.slice(0, first), bytes.slice(first, second), bytes.slice(second)];
        expect(count(validating, pieces), `cuts at ${first}, ${second}`).toEqual(JSONL_COUNTS);
      }
    }
  });

  it('handles one byte at a time', () => {
    const bytes = encoder.encode(JSONL);
    const singles = Array.from(bytes, (byte) => Uint8Array.of(byte));
    expect(count(validating, singles)).toEqual(JSONL_COUNTS);
  });

  it('does not depend on the caller keeping its buffer', () => {
    const counter = new RecordCounter(validating);
    const buffer = new Uint8Array(64);
    for (const part of ['{"resource_type":"ta', 'sk"}\n{"resource_', 'type":"team"}']) {
      const bytes = encoder.encode(part);
      buffer.fill(0x7a);
      buffer.set(bytes);
      counter.push(buffer.subarray(0, bytes.length));
    }
    buffer.fill(0x7a);
    expect(counter.end()).toEqual({ records: 2, byResourceType: { task: 1, team: 1 } });
  });

  it('counts CRLF line endings like LF', () => {
    const text = '{"resource_type":"task"}\r\n\r\n{"resource_type":"task"}\r\n';
    expect(count(validating, [encoder.encode(text)])).toEqual({
      records: 2,
      byResourceType: { task: 2 },
    });
  });

  it('counts a final line without a trailing newline', () => {
    expect(count({ format: 'json', validateJson: false }, [encoder.encode('a\nb')]).records).toBe(
      2,
    );
    expect(count({ format: 'json', validateJson: false }, [encoder.encode('a\nb\n')]).records).toBe(
      2,
    );
    expect(
      count({ format: 'json', validateJson: false }, [encoder.encode('a\nb\n\n  \n')]).records,
    ).toBe(2);
  });

  it('an empty stream has no records', () => {
    expect(count(validating, [])).toEqual({ records: 0, byResourceType: {} });
    expect(count({ format: 'json', validateJson: true }, [new Uint8Array(0)])).toEqual({
      records: 0,
      byResourceType: undefined,
    });
  });

  it('never parses the opaque organization format', () => {
    const notJson = encoder.encode('this is\nnot { json\n[1,2]\n');
    expect(count({ format: 'json', validateJson: true }, [notJson])).toEqual({
      records: 3,
      byResourceType: undefined,
    });
  });

  it('only counts lines when jsonl validation is off', () => {
    expect(
      count({ format: 'jsonl', validateJson: false }, [encoder.encode('nope\n{"a":1}\n')]),
    ).toEqual({
      records: 2,
      byResourceType: undefined,
    });
  });

  it.each([
    ['{"a":1}\n{"a":\n', 'line 2 is not valid JSON'],
    ['{"a":1}\n\n\nnot json\n', 'line 4 is not valid JSON'],
    ['{"a":1}\n{"a":1}\n[1,2]', 'line 3 is valid JSON but not an object'],
    ['"a string"\n', 'line 1 is valid JSON but not an object'],
    ['null\n', 'line 1 is valid JSON but not an object'],
    ['{"a":1}{"b":2}\n', 'line 1 is not valid JSON'],
  ])('names the line that is not a JSON object: %j', (text, problem) => {
    const bytes = encoder.encode(text);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const error = integrityError(() =>
        count(validating, [bytes.slice(0, cut), bytes.slice(cut)]),
      );
      expect(error.message.startsWith(`The downloaded export is not intact: ${problem}`)).toBe(
        true,
      );
    }
  });

  it('does not echo the offending line', () => {
    const error = integrityError(() => count(validating, [encoder.encode('secret-ish garbage\n')]));
    expect(error.message).not.toContain('garbage');
  });

  it('rejects invalid UTF-8 when validating, naming the line', () => {
    const bytes = new Uint8Array([
      ...encoder.encode('{"a":1}\n{"a":"'),
      0xff,
      ...encoder.encode('"}\n'),
    ]);
    expect(integrityError(() => count(validating, [bytes])).message).toMatch(
      /line 2 is not valid UTF-8/,
    );
    expect(count({ format: 'jsonl', validateJson: false }, [bytes]).records).toBe(2);
  });

  it('keeps a __proto__ resource type as data', () => {
    const counts = count(validating, [encoder.encode('{"resource_type":"__proto__"}\n')]);
    expect(Object.entries(counts.byResourceType ?? {})).toEqual([['__proto__', 1]]);
    expect(Object.getPrototypeOf(counts.byResourceType)).toBe(Object.prototype);
  });

  it('is linear in a long line split into many chunks', () => {
    const value = 'x'.repeat(200_000);
    const bytes = encoder.encode(`{"resource_type":"task","v":"${value}"}\n`);
    const chunks: Uint8Array[] = [];
    for (let offset = 0; offset < bytes.length; offset += 16)
      chunks.push(bytes.subarray(offset, offset + 16));
    const started = performance.now();
    expect(count(validating, chunks)).toEqual({ records: 1, byResourceType: { task: 1 } });
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
