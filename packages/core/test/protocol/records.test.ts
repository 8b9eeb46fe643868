import { describe, expect, it } from 'vitest';
import { IntegrityError } from '../../src/protocol/errors.js';
import { MAX_JSON_DEPTH, MAX_RESOURCE_TYPE_LENGTH } from '../../src/protocol/json-scan.js';
import {
  HOLD_LINE_BYTES,
  RecordCounter,
  type RecordCounterOptions,
  type RecordCounts,
} from '../../src/protocol/records.js';
import { joinedBytes as joined } from '../support/bytes.js';

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

/** Notes of `bytes` UTF-8 bytes or a little more, with multi-byte characters all along. */
function longNotes(bytes: number): string {
  const unit = 'Zoë wrote ✍️ the report 😀, ';
  return unit.repeat(Math.ceil(bytes / encoder.encode(unit).length));
}

/** A record whose line is about `bytes` long. */
function longRecord(type: string | undefined, bytes: number): string {
  const member = type === undefined ? '' : `"resource_type":${JSON.stringify(type)},`;
  return `{"gid":"1",${member}"notes":"${longNotes(bytes)}"}`;
}

const LONG = Math.round(HOLD_LINE_BYTES * 2.5);

type Outcome = { counts: RecordCounts } | { problem: string };

/**
 * Pushes `input` in chunks of `size` bytes, into the counter's own buffer to be sure it keeps
 * copies, and checks after every push that it never holds more than HOLD_LINE_BYTES.
 */
function outcome(input: Uint8Array, size: number, options = validating): Outcome {
  const counter = new RecordCounter(options);
  let held = 0;
  try {
    for (let offset = 0; offset < input.length; offset += size) {
      counter.push(input.subarray(offset, offset + size));
      held = Math.max(held, counter.heldBytes);
    }
    return { counts: counter.end() };
  } catch (error) {
    if (error instanceof IntegrityError) return { problem: error.problem };
    throw error;
  } finally {
    expect(held).toBeLessThanOrEqual(HOLD_LINE_BYTES);
  }
}

const CHUNK_SIZES = [64 * 1024, HOLD_LINE_BYTES + 1, 7_777, Number.MAX_SAFE_INTEGER];

describe('RecordCounter on lines longer than HOLD_LINE_BYTES', () => {
  it('holds a line until its newline while it is short', () => {
    const counter = new RecordCounter(validating);
    counter.push(encoder.encode('{"resource_type":"task"}\n{"resource_type":'));
    expect(counter.heldBytes).toBe(17);
    counter.push(encoder.encode(`"task","notes":"${'x'.repeat(1_000)}`));
    expect(counter.heldBytes).toBe(17 + 16 + 1_000);
    counter.push(encoder.encode('"}\n'));
    expect(counter.heldBytes).toBe(0);
    expect(counter.end()).toEqual({ records: 2, byResourceType: { task: 2 } });
  });

  it('validates and counts them without holding them, with lines around them', () => {
    const text = [
      '{"resource_type":"project"}',
      longRecord('task', LONG),
      '',
      longRecord(undefined, LONG),
      longRecord('task', HOLD_LINE_BYTES + 1),
      '{"resource_type":"task"}',
      longRecord('section', HOLD_LINE_BYTES - 100),
    ].join('\r\n');
    const expected: RecordCounts = {
      records: 6,
      byResourceType: { project: 1, task: 3, '(none)': 1, section: 1 },
    };
    for (const size of CHUNK_SIZES) {
      expect(outcome(encoder.encode(text), size), `chunks of ${size}`).toEqual({
        counts: expected,
      });
    }
  });

  it.each([
    [
      'invalid JSON at its very end',
      joined('{}\n', longRecord('task', LONG).slice(0, -1), '\n{}\n'),
      'line 2 is not valid JSON',
    ],
    [
      'something after its object',
      joined('{}\n\n', longRecord('task', LONG), ' x'),
      'line 3 is not valid JSON',
    ],
    [
      'invalid UTF-8 in its middle',
      joined('{}\n{"notes":"', longNotes(LONG / 2), [0xed, 0xa0, 0x80], longNotes(LONG / 2), '"}'),
      'line 2 is not valid UTF-8',
    ],
    [
      'invalid UTF-8 after invalid JSON',
      joined('{}\n{"notes":x', longNotes(LONG), [0xc0, 0x80], '"}\n'),
      'line 2 is not valid UTF-8',
    ],
    [
      'a truncated character at its end',
      joined('{}\n{"notes":"', longNotes(LONG), [0xf0, 0x9f, 0x98]),
      'line 2 is not valid UTF-8',
    ],
    [
      'not an object',
      joined('{}\n{}\n["', longNotes(LONG), '"]\n'),
      'line 3 is valid JSON but not an object; expected one object per line',
    ],
    [
      'nested too deep',
      joined(
        `{"notes":"${longNotes(LONG)}","a":${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}}`,
      ),
      `line 1 is JSON nested more than ${MAX_JSON_DEPTH} levels deep`,
    ],
  ])('names the line for %s', (_, input, problem) => {
    for (const size of CHUNK_SIZES) {
      expect(outcome(input, size), `chunks of ${size}`).toEqual({ problem });
    }
  });

  it('reports nesting too deep on short lines too', () => {
    const deep = `{"a":${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}}`;
    expect(outcome(encoder.encode(`{}\n${deep}\n`), 1_000)).toEqual({
      problem: `line 2 is JSON nested more than ${MAX_JSON_DEPTH} levels deep`,
    });
    // Too deep before it is not JSON: the same verdict as the scanner's.
    expect(outcome(encoder.encode(`${deep.slice(0, -1)}\n`), 1_000)).toEqual({
      problem: `line 1 is JSON nested more than ${MAX_JSON_DEPTH} levels deep`,
    });
    const justDeepEnough = `{"a":${'['.repeat(MAX_JSON_DEPTH - 1)}${']'.repeat(MAX_JSON_DEPTH - 1)}}`;
    expect(outcome(encoder.encode(justDeepEnough), 1_000)).toEqual({
      counts: { records: 1, byResourceType: { '(none)': 1 } },
    });
  });

  it('gives the same verdict and count on either side of HOLD_LINE_BYTES', () => {
    const lines = [
      joined('{"resource_type":"task"}'),
      joined('{"resource_type":"task","resource_type":"story"}'),
      joined('{"resource\\u005ftype":"t\\u00e9\\ud83d\\ude00"}'),
      joined('{"a":{"resource_type":"nested"}}'),
      joined('{"resource_type":null}'),
      joined(`{"resource_type":"${'y'.repeat(MAX_RESOURCE_TYPE_LENGTH)}"}`),
      joined(`{"resource_type":"${'y'.repeat(MAX_RESOURCE_TYPE_LENGTH + 1)}"}`),
      joined('\ufeff{"resource_type":"bom"}'),
      joined('{"a":1,}'),
      joined('{"a":"'),
      joined('{"a":01}'),
      joined('{"a":"', [0xff], '"}'),
      joined('{"a":x', [0xff]),
      joined('{"a":"', [0xe2, 0x82]),
      joined('[1,2]'),
      joined('"a string"'),
      joined('null'),
      joined(`{"a":${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}}`),
      joined(`[${'['.repeat(MAX_JSON_DEPTH)}`),
      joined(`${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`),
      joined(`${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`),
    ];
    const padding = ' '.repeat(HOLD_LINE_BYTES);
    for (const line of lines) {
      const short = outcome(joined('{}\n', Array.from(line), '\n{}\n'), 4_096);
      const long = outcome(joined('{}\n', Array.from(line), `${padding}\n{}\n`), 4_096);
      expect(long, new TextDecoder().decode(line.subarray(0, 80))).toEqual(short);
    }
  });

  it('keeps a long blank line blank', () => {
    const text = `{}\n${' \t'.repeat(LONG)}\r\n{}\n${' '.repeat(LONG)}`;
    for (const size of CHUNK_SIZES) {
      expect(outcome(encoder.encode(text), size)).toEqual({
        counts: { records: 2, byResourceType: { '(none)': 2 } },
      });
    }
  });

  it('only counts long lines when it does not parse them', () => {
    const text = encoder.encode(`not json ${longNotes(LONG)}\n{}\n${longNotes(LONG)}`);
    for (const options of [
      { format: 'json', validateJson: true },
      { format: 'jsonl', validateJson: false },
    ] as const) {
      const counter = new RecordCounter(options);
      for (let offset = 0; offset < text.length; offset += 65_536) {
        counter.push(text.subarray(offset, offset + 65_536));
        expect(counter.heldBytes).toBe(0);
      }
      expect(counter.end().records).toBe(3);
    }
  });
});
