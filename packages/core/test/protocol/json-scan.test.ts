import { describe, expect, it } from 'vitest';
import {
  JsonRecordScanner,
  type JsonScanProblem,
  type JsonScanResult,
  jsonNestingExceeds,
  MAX_JSON_DEPTH,
  MAX_RESOURCE_TYPE_LENGTH,
  scanJson,
} from '../../src/protocol/json-scan.js';
import { joinedBytes as bytes } from '../support/bytes.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const MAX = MAX_JSON_DEPTH;

/** Printable ASCII as is, other bytes as `\xHH`, long texts cut short: for test names. */
function show(input: Uint8Array): string {
  let out = '';
  for (const byte of input.subarray(0, 48)) {
    out +=
      byte >= 0x20 && byte < 0x7f
        ? String.fromCharCode(byte)
        : `\\x${byte.toString(16).padStart(2, '0')}`;
  }
  return input.length > 48 ? `${out}… (${input.length} bytes)` : out || '(empty)';
}

/** Table rows named for it.each: [shown text, text, offset]. */
function named(rows: readonly [Uint8Array, number][]): [string, Uint8Array, number][] {
  return rows.map(([input, offset]) => [show(input), input, offset]);
}

type Verdict =
  | { ok: true; resourceType: string | undefined }
  | { ok: false; problem: JsonScanProblem };

/** The scanner's verdict without the offset, to compare with the reference. */
function verdictOf(result: JsonScanResult): Verdict {
  return result.ok ? result : { ok: false, problem: result.problem };
}

/**
 * Containers open at each point of a text, ignoring everything but strings and brackets: exact for
 * valid JSON and for any prefix of it. Calls `tooDeep` with the index and the closers needed the
 * first time more than MAX are open.
 */
function naiveDepth(text: string, tooDeep?: (index: number, closers: string) => void): number {
  const closers: string[] = [];
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
    } else if (char === '"') {
      inString = true;
    } else if (char === '[' || char === '{') {
      closers.push(char === '[' ? ']' : '}');
      if (closers.length > deepest) deepest = closers.length;
      if (closers.length === MAX + 1 && tooDeep) {
        tooDeep(index, closers.toReversed().join(''));
        tooDeep = undefined;
      }
    } else if (char === ']' || char === '}') {
      closers.pop();
    }
  }
  return deepest;
}

/**
 * The reference: RecordCounter's native path, TextDecoder + JSON.parse. Nesting deeper than MAX
 * is `too-deep` when the text up to the bracket that goes too deep is a valid start of a JSON
 * text (closing its open containers right after that bracket makes it parse), else `json`.
 */
function reference(input: Uint8Array): Verdict {
  let text: string;
  try {
    text = decoder.decode(input);
  } catch {
    return { ok: false, problem: 'utf8' };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    let problem: JsonScanProblem = 'json';
    naiveDepth(text, (index, closers) => {
      try {
        JSON.parse(text.slice(0, index + 1) + closers);
        problem = 'too-deep';
      } catch {}
    });
    return { ok: false, problem };
  }
  if (naiveDepth(text) > MAX) return { ok: false, problem: 'too-deep' };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, problem: 'not-object' };
  }
  const type = (value as { resource_type?: unknown }).resource_type;
  return {
    ok: true,
    resourceType:
      typeof type === 'string' && type.length <= MAX_RESOURCE_TYPE_LENGTH ? type : undefined,
  };
}

function scanPieces(input: Uint8Array, cuts: readonly number[]): JsonScanResult {
  const scanner = new JsonRecordScanner();
  let from = 0;
  for (const cut of [...cuts, input.length]) {
    scanner.push(input, from, cut);
    from = cut;
  }
  return scanner.end();
}

/** The whole text, within a larger buffer, at every split and byte by byte: one result. */
function expectSameEverywhere(input: Uint8Array, expected: JsonScanResult): void {
  expect(scanJson(input)).toEqual(expected);
  const framed = bytes([0x7b, 0xff, 0x22], Array.from(input), [0xff, 0x5d]);
  const scanner = new JsonRecordScanner();
  scanner.push(framed, 3, 3 + input.length);
  expect(scanner.end(), 'within a larger buffer').toEqual(expected);
  scanner.reset();
  scanner.push(input);
  expect(scanner.end(), 'after reset()').toEqual(expected);
  const step = input.length <= 2_000 ? 1 : Math.ceil(input.length / 300);
  for (let cut = 0; cut <= input.length; cut += step) {
    expect(scanPieces(input, [cut]), `split at ${cut}`).toEqual(expected);
  }
  const bytewise = new JsonRecordScanner();
  for (let index = 0; index < input.length; index++)
    bytewise.push(input.subarray(index, index + 1));
  expect(bytewise.end(), 'byte by byte').toEqual(expected);
}

// Valid objects: [description, text, resource_type].
const VALID: readonly [string, Uint8Array, string | undefined][] = [
  ['empty object', bytes('{}'), undefined],
  ['whitespace around and inside', bytes(' \t\r\n{ \t\r\n}\n\r\t '), undefined],
  ['resource_type', bytes('{"resource_type":"task"}'), 'task'],
  ['spaced members', bytes('{ "gid" : "1" , "resource_type" : "task" }'), 'task'],
  [
    'the last duplicate wins',
    bytes('{"resource_type":"task","resource_type":"project"}'),
    'project',
  ],
  ['a later non-string wins', bytes('{"resource_type":"task","resource_type":null}'), undefined],
  ['a later string wins', bytes('{"resource_type":1,"resource_type":"team"}'), 'team'],
  ['a number', bytes('{"resource_type":1}'), undefined],
  ['an object', bytes('{"resource_type":{"resource_type":"x"}}'), undefined],
  ['an array', bytes('{"resource_type":["task"]}'), undefined],
  ['true', bytes('{"resource_type":true}'), undefined],
  ['only top-level members count', bytes('{"a":{"resource_type":"nested"}}'), undefined],
  [
    'after nested ones',
    bytes('{"a":[{"resource_type":"nested"}],"resource_type":"top","b":{"resource_type":"x"}}'),
    'top',
  ],
  ['an escaped key', bytes('{"resource\\u005ftype":"task"}'), 'task'],
  ['an escaped key, upper-case hex', bytes('{"\\u0072esource_typ\\u0065":"task"}'), 'task'],
  ['a longer key', bytes('{"resource_types":"task"}'), undefined],
  ['a shorter key', bytes('{"resource_typ":"task"}'), undefined],
  ['a key with a space', bytes('{"resource_type ":"task"}'), undefined],
  ['a capitalised key', bytes('{"Resource_type":"task"}'), undefined],
  ['a key with a multi-byte character', bytes('{"resource_typé":"task"}'), undefined],
  ['an empty resource_type', bytes('{"resource_type":""}'), ''],
  ['\\u escapes', bytes('{"resource_type":"t\\u00e9\\u00E9"}'), 'téé'],
  ['a surrogate pair', bytes('{"resource_type":"\\ud83d\\ude00!"}'), '😀!'],
  ['a lone high surrogate', bytes('{"resource_type":"\\ud800"}'), '\ud800'],
  ['a lone low surrogate', bytes('{"resource_type":"a\\udc00b"}'), 'a\udc00b'],
  ['reversed surrogates', bytes('{"resource_type":"\\udc00\\ud800"}'), '\udc00\ud800'],
  ['\\u0000', bytes('{"resource_type":"\\u0000"}'), '\u0000'],
  ['every short escape', bytes('{"resource_type":"\\"\\\\\\/\\b\\f\\n\\r\\t"}'), '"\\/\b\f\n\r\t'],
  ['multi-byte UTF-8', bytes('{"resource_type":"Ünïcödé ✍️ 日本 😀"}'), 'Ünïcödé ✍️ 日本 😀'],
  [
    'the largest code points of each length',
    bytes('{"resource_type":"\u007f\u07ff\uffff\u{10ffff}"}'),
    '\u007f\u07ff\uffff\u{10ffff}',
  ],
  ['U+2028 and U+2029 raw', bytes('{"resource_type":"\u2028\u2029"}'), '\u2028\u2029'],
  [
    `${MAX_RESOURCE_TYPE_LENGTH} code units`,
    bytes(`{"resource_type":"${'x'.repeat(MAX_RESOURCE_TYPE_LENGTH)}"}`),
    'x'.repeat(MAX_RESOURCE_TYPE_LENGTH),
  ],
  [
    'one code unit too many',
    bytes(`{"resource_type":"${'x'.repeat(MAX_RESOURCE_TYPE_LENGTH + 1)}"}`),
    undefined,
  ],
  [
    `${MAX_RESOURCE_TYPE_LENGTH / 2} astral characters`,
    bytes(`{"resource_type":"${'😀'.repeat(MAX_RESOURCE_TYPE_LENGTH / 2)}"}`),
    '😀'.repeat(MAX_RESOURCE_TYPE_LENGTH / 2),
  ],
  [
    'one astral character too many',
    bytes(`{"resource_type":"${'😀'.repeat(MAX_RESOURCE_TYPE_LENGTH / 2 + 1)}"}`),
    undefined,
  ],
  [
    'a long one, then a short one',
    bytes(`{"resource_type":"${'é'.repeat(1_000)}","resource_type":"task"}`),
    'task',
  ],
  [
    'a long value elsewhere',
    bytes(`{"notes":"${'ü✍️\\n'.repeat(2_000)}","resource_type":"task"}`),
    'task',
  ],
  ['an empty key', bytes('{"":"","a":""}'), undefined],
  ['a __proto__ key', bytes('{"__proto__":{},"resource_type":"__proto__"}'), '__proto__'],
  [
    'numbers',
    bytes(
      '{"a":[0,-0,1,-1,0.5,-0.5,10,1e10,1E10,1e+10,1e-10,1.5E-0,-1.0e+01,0e0,0.0,123456789012345678901234567890,1e999]}',
    ),
    undefined,
  ],
  ['literals', bytes('{"a":[true,false,null],"b":true,"c":false,"d":null}'), undefined],
  ['a number last', bytes('{"a":1}'), undefined],
  ['a literal last', bytes('{"a":null}'), undefined],
  ['nested containers', bytes('{"a":[[],{},[{}],{"b":[]},[[[]]]],"c":{"d":{"e":{}}}}'), undefined],
  ['whitespace in arrays', bytes('{"a":[ ],"b":[ 1 , [ ] , { } ] }'), undefined],
  ['escaped control characters', bytes('{"a":"\\u0000\\u001f\\u001F\\n"}'), undefined],
  ['DEL raw', bytes('{"a":"\u007f"}'), undefined],
  [
    'a UTF-8 byte order mark first (the decoder drops it)',
    bytes('\ufeff{"resource_type":"task"}'),
    'task',
  ],
  ['a byte order mark inside a string', bytes('{"a":"\ufeff"}'), undefined],
  [
    'escaped quotes and backslashes',
    bytes('{"a":"\\\\","b":"\\\\\\"","resource_type":"\\\\"}'),
    '\\',
  ],
  ['slashes', bytes('{"a/b":"</script>","resource_type":"a\\/b"}'), 'a/b'],
];

// Valid JSON that is not an object: [text, offset of the value].
const NOT_OBJECT: readonly [Uint8Array, number][] = [
  [bytes('[]'), 0],
  [bytes('[{}]'), 0],
  [bytes('[{"resource_type":"task"}]'), 0],
  [bytes(' 1'), 1],
  [bytes('0'), 0],
  [bytes('-0'), 0],
  [bytes('1.5e3'), 0],
  [bytes('"s"'), 0],
  [bytes('""'), 0],
  [bytes('true'), 0],
  [bytes('false'), 0],
  [bytes('null'), 0],
  [bytes(' null \n'), 1],
  [bytes('\ufeff[]'), 3],
  [bytes(`${'['.repeat(MAX)}${']'.repeat(MAX)}`), 0],
];

// Not JSON, all valid UTF-8: [text, offset of the problem].
const INVALID_JSON: readonly [Uint8Array, number][] = [
  [bytes(''), 0],
  [bytes(' '), 1],
  [bytes(' \t\r\n'), 4],
  [bytes('{'), 1],
  [bytes('{"a"'), 4],
  [bytes('{"a":'), 5],
  [bytes('{"a":1'), 6],
  [bytes('{"a":1,'), 7],
  [bytes('{"a":1,}'), 7],
  [bytes('{,}'), 1],
  [bytes('{"a" 1}'), 5],
  [bytes('{"a"::1}'), 5],
  [bytes('{"a",1}'), 4],
  [bytes('{a:1}'), 1],
  [bytes("{'a':1}"), 1],
  [bytes('{1:1}'), 1],
  [bytes('{"a":1}}'), 7],
  [bytes('{"a":1}x'), 7],
  [bytes('{"a":1}\u0000'), 7],
  [bytes('{} {}'), 3],
  [bytes('{}{}'), 2],
  [bytes('{}]'), 2],
  [bytes('{"a":[1,]}'), 8],
  [bytes('{"a":[,1]}'), 6],
  [bytes('{"a":[1 2]}'), 8],
  [bytes('{"a":[1,,2]}'), 8],
  [bytes('{"a":[}'), 6],
  [bytes('{"a":{]}'), 6],
  [bytes('{"a":[1}}'), 7],
  [bytes('{"a":{"b":1]}'), 11],
  [bytes('{"a":1 "b":2}'), 7],
  [bytes('{"a":[1]'), 8],
  [bytes(']'), 0],
  [bytes('}'), 0],
  [bytes(':'), 0],
  [bytes(','), 0],
  // Strings.
  [bytes('{"a":"}'), 7],
  [bytes('{"a":"\u0001"}'), 6],
  [bytes('{"a":"\t"}'), 6],
  [bytes('{"a":"\n"}'), 6],
  [bytes('{"a":"\r"}'), 6],
  [bytes('{"a":"\u001f"}'), 6],
  [bytes('{"a\u0000":1}'), 3],
  [bytes('{"a":"\\x"}'), 7],
  [bytes('{"a":"\\u12"}'), 10],
  [bytes('{"a":"\\u00e"}'), 11],
  [bytes('{"a":"\\u12G4"}'), 10],
  [bytes('{"a":"\\U1234"}'), 7],
  [bytes('{"a":"\\u{41}"}'), 8],
  [bytes('{"a":"\\\'"}'), 7],
  [bytes('{"a":"\\a"}'), 7],
  [bytes('{"a":"\\0"}'), 7],
  [bytes('{"a":"\\"}'), 9],
  [bytes('{"a":"\\é"}'), 7],
  [bytes('{"a":"\\\t"}'), 7],
  [bytes('"'), 1],
  [bytes('{"a'), 3],
  // Numbers.
  [bytes('{"a":01}'), 6],
  [bytes('{"a":00}'), 6],
  [bytes('{"a":-}'), 6],
  [bytes('{"a":-01}'), 7],
  [bytes('{"a":1.}'), 7],
  [bytes('{"a":0.}'), 7],
  [bytes('{"a":.1}'), 5],
  [bytes('{"a":1.e1}'), 7],
  [bytes('{"a":1e}'), 7],
  [bytes('{"a":1e+}'), 8],
  [bytes('{"a":1E+-1}'), 8],
  [bytes('{"a":1.5.3}'), 8],
  [bytes('{"a":1e5e3}'), 8],
  [bytes('{"a":1e5.3}'), 8],
  [bytes('{"a":+1}'), 5],
  [bytes('{"a":--1}'), 6],
  [bytes('{"a":- 1}'), 6],
  [bytes('{"a":0x1}'), 6],
  [bytes('{"a":1_000}'), 6],
  [bytes('{"a":NaN}'), 5],
  [bytes('{"a":Infinity}'), 5],
  [bytes('{"a":-Infinity}'), 6],
  [bytes('{"a":１}'), 5],
  [bytes('01'), 1],
  [bytes('1 2'), 2],
  [bytes('-'), 1],
  [bytes('1.'), 2],
  [bytes('1e'), 2],
  [bytes('1e-'), 3],
  // Literals.
  [bytes('{"a":tru}'), 8],
  [bytes('{"a":True}'), 5],
  [bytes('{"a":nul}'), 8],
  [bytes('{"a":nulll}'), 9],
  [bytes('{"a":nil}'), 6],
  [bytes('{"a":fals}'), 9],
  [bytes('{"a":truefalse}'), 9],
  [bytes('{"a":undefined}'), 5],
  [bytes('tru'), 3],
  [bytes('nul'), 3],
  // Whitespace JSON does not have, and byte order marks where the decoder keeps them.
  [bytes('{"a":1\u00a0}'), 6],
  [bytes('\u000b{}'), 0],
  [bytes('\f{}'), 0],
  [bytes('{}\u2028'), 2],
  [bytes('\u3000{}'), 0],
  [bytes(' \ufeff{}'), 1],
  [bytes('\ufeff\ufeff{}'), 3],
  [bytes('\ufeff'), 3],
  [bytes('\ufeff '), 4],
  [bytes('{}\ufeff'), 2],
  [bytes('\uff01'), 0], // EF BC 81: starts like a byte order mark
  [bytes('\ufeba'), 0], // EF BA BA
  // Comments and other extensions.
  [bytes('{/**/}'), 1],
  [bytes('{"a":1}//'), 7],
  [bytes('{"a":1,/*x*/"b":2}'), 7],
  [bytes('{"a":1;"b":2}'), 6],
  [bytes('{"a":"b"+"c"}'), 8],
];

// Invalid UTF-8 ranks first, whatever else is wrong: [text, offset where it was found].
const INVALID_UTF8: readonly [Uint8Array, number][] = [
  // Inside a string: stray continuation bytes, invalid lead bytes, overlong forms, surrogates,
  // code points above U+10FFFF, truncated sequences.
  [bytes('{"a":"', [0x80], '"}'), 6],
  [bytes('{"a":"', [0xbf], '"}'), 6],
  [bytes('{"a":"é', [0x80], '"}'), 8],
  [bytes('{"a":"', [0xc0, 0x80], '"}'), 6],
  [bytes('{"a":"', [0xc0, 0xaf], '"}'), 6],
  [bytes('{"a":"', [0xc1, 0xbf], '"}'), 6],
  [bytes('{"a":"', [0xe0, 0x80, 0x80], '"}'), 7],
  [bytes('{"a":"', [0xe0, 0x9f, 0xbf], '"}'), 7],
  [bytes('{"a":"', [0xed, 0xa0, 0x80], '"}'), 7],
  [bytes('{"a":"', [0xed, 0xbf, 0xbf], '"}'), 7],
  [bytes('{"a":"', [0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80], '"}'), 7], // CESU-8
  [bytes('{"a":"', [0xf0, 0x80, 0x80, 0x80], '"}'), 7],
  [bytes('{"a":"', [0xf0, 0x8f, 0xbf, 0xbf], '"}'), 7],
  [bytes('{"a":"', [0xf4, 0x90, 0x80, 0x80], '"}'), 7],
  [bytes('{"a":"', [0xf5, 0x80, 0x80, 0x80], '"}'), 6],
  [bytes('{"a":"', [0xf7, 0xbf, 0xbf, 0xbf], '"}'), 6],
  [bytes('{"a":"', [0xf8, 0x88, 0x80, 0x80, 0x80], '"}'), 6],
  [bytes('{"a":"', [0xfc, 0x84, 0x80, 0x80, 0x80, 0x80], '"}'), 6],
  [bytes('{"a":"', [0xfe], '"}'), 6],
  [bytes('{"a":"', [0xff], '"}'), 6],
  [bytes('{"a":"', [0xc2], '"}'), 7],
  [bytes('{"a":"', [0xe1, 0x80], '"}'), 8],
  [bytes('{"a":"', [0xf0, 0x90, 0x80], '"}'), 9],
  [bytes('{"a":"', [0xc2, 0xc2, 0x80], '"}'), 7],
  [bytes('{"a":"', [0xe1, 0x80, 0x41], '"}'), 8],
  [bytes('{"a":"', [0xf1, 0x80, 0x80, 0xc0], '"}'), 9],
  [bytes('{"a":"', [0xe2, 0x82]), 8],
  [bytes('{"a":"', [0xf0]), 7],
  [bytes('{"a":"x', [0xf4, 0x8f, 0xbf]), 10],
  [bytes('{"', [0xff], '":1}'), 2],
  [bytes('{"resource_type":"ta', [0xed, 0xa0, 0x80], 'sk"}'), 21],
  // Outside strings (also not JSON there: UTF-8 still ranks first).
  [bytes('[', [0xff]), 1],
  [bytes('{}', [0xc0]), 2],
  [bytes('{}', [0xc2]), 3],
  [bytes('{}', [0xe2, 0x82]), 4],
  [bytes([0x80]), 0],
  [bytes([0xef]), 1],
  [bytes([0xef, 0xbb]), 2],
  [bytes([0xef, 0x41]), 1],
  [bytes([0xef, 0xbb, 0x41]), 2],
  [bytes([0xef, 0xbb, 0xbf, 0xef, 0xbb]), 5],
  [bytes([0xef, 0xbb, 0xbf, 0xff]), 3],
  // After a JSON error, however far.
  [bytes('{"a":x', [0xff], '}'), 6],
  [bytes('x', [0xe2]), 2],
  [bytes('{"a":"\u0001', [0xc0, 0x80], '"}'), 7],
  [bytes('{"a":1}', ' '.repeat(500), [0xed, 0xa0, 0x80]), 508],
  [bytes('{"a":1}', 'é'.repeat(500), [0xe2, 0x28, 0xa1]), 1008],
  [bytes('{"a":"\\x', [0xff], '"}'), 8],
  [bytes('{"a":"\\u12', [0xff], '"}'), 10],
  [bytes('{"a":tr', [0xc0, 0x80], '}'), 7],
  [bytes('{"a":1.', [0xff]), 7],
  [bytes('{"a":1e', [0xc3]), 8],
];

const deepArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

// Nesting near the bound: [description, text, expected].
const DEPTH: readonly [string, Uint8Array, JsonScanResult][] = [
  [
    'an object MAX deep',
    bytes(`{"a":${deepArrays(MAX - 1)},"resource_type":"deep"}`),
    { ok: true, resourceType: 'deep' },
  ],
  [
    'mixed containers MAX deep',
    bytes(`${'{"a":['.repeat(MAX / 2)}${']}'.repeat(MAX / 2)}`),
    { ok: true, resourceType: undefined },
  ],
  [
    'an object MAX + 1 deep',
    bytes(`{"a":${deepArrays(MAX)}}`),
    { ok: false, problem: 'too-deep', offset: 5 + MAX - 1 },
  ],
  [
    'arrays MAX + 1 deep: too deep before not an object',
    bytes(deepArrays(MAX + 1)),
    { ok: false, problem: 'too-deep', offset: MAX },
  ],
  [
    'too deep before a JSON error',
    bytes(`{"a":${'['.repeat(MAX)}}`),
    { ok: false, problem: 'too-deep', offset: 5 + MAX - 1 },
  ],
  [
    'too deep, far too deep',
    bytes('['.repeat(3 * MAX)),
    { ok: false, problem: 'too-deep', offset: MAX },
  ],
  [
    'a JSON error before too deep',
    bytes(`{"a":x${deepArrays(MAX + 1)}}`),
    { ok: false, problem: 'json', offset: 5 },
  ],
  [
    'too deep, then invalid UTF-8',
    bytes('['.repeat(MAX + 1), [0xff]),
    { ok: false, problem: 'utf8', offset: MAX + 1 },
  ],
  [
    'MAX deep, then unclosed',
    bytes(`{"a":${'['.repeat(MAX - 1)}`),
    { ok: false, problem: 'json', offset: 5 + MAX - 1 },
  ],
];

describe('JsonRecordScanner', () => {
  it.each(VALID)('accepts %s', (_, input, resourceType) => {
    const expected: JsonScanResult = { ok: true, resourceType };
    expect(reference(input)).toEqual(expected);
    expectSameEverywhere(input, expected);
  });

  it.each(named(NOT_OBJECT))('reports valid JSON that is not an object: %s', (_, input, offset) => {
    expect(reference(input)).toEqual({ ok: false, problem: 'not-object' });
    expectSameEverywhere(input, { ok: false, problem: 'not-object', offset });
  });

  it.each(named(INVALID_JSON))('reports invalid JSON: %s', (_, input, offset) => {
    expect(reference(input)).toEqual({ ok: false, problem: 'json' });
    expectSameEverywhere(input, { ok: false, problem: 'json', offset });
  });

  it.each(named(INVALID_UTF8))('reports invalid UTF-8 first: %s', (_, input, offset) => {
    expect(reference(input)).toEqual({ ok: false, problem: 'utf8' });
    expectSameEverywhere(input, { ok: false, problem: 'utf8', offset });
  });

  it.each(DEPTH)('bounds nesting at MAX_JSON_DEPTH: %s', (_, input, expected) => {
    expect(reference(input)).toEqual(verdictOf(expected));
    expectSameEverywhere(input, expected);
  });

  it('accepts every valid UTF-8 sequence length and boundary inside strings', () => {
    const valid = [
      [0xc2, 0x80],
      [0xdf, 0xbf],
      [0xe0, 0xa0, 0x80],
      [0xe1, 0x80, 0x80],
      [0xec, 0xbf, 0xbf],
      [0xed, 0x80, 0x80],
      [0xed, 0x9f, 0xbf],
      [0xee, 0x80, 0x80],
      [0xef, 0xbf, 0xbf],
      [0xf0, 0x90, 0x80, 0x80],
      [0xf1, 0x80, 0x80, 0x80],
      [0xf3, 0xbf, 0xbf, 0xbf],
      [0xf4, 0x80, 0x80, 0x80],
      [0xf4, 0x8f, 0xbf, 0xbf],
    ];
    for (const sequence of valid) {
      const value = decoder.decode(Uint8Array.from(sequence));
      const input = bytes('{"resource_type":"', sequence, '","b":"', sequence, sequence, '"}');
      expect(reference(input)).toEqual({ ok: true, resourceType: value });
      expectSameEverywhere(input, { ok: true, resourceType: value });
    }
  });

  it('tells every lead byte apart, as TextDecoder does', () => {
    for (let lead = 0x80; lead <= 0xff; lead++) {
      for (const follow of [0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0]) {
        const input = bytes('{"a":"', [lead, follow, 0x80, 0x80], '"}');
        expect(verdictOf(scanJson(input)), `${lead} ${follow}`).toEqual(reference(input));
        expect(verdictOf(scanPieces(input, [7])), `${lead} ${follow} split`).toEqual(
          reference(input),
        );
      }
    }
  });

  it('does nothing more after invalid UTF-8', () => {
    const scanner = new JsonRecordScanner();
    scanner.push(bytes('{"a":"', [0xff]));
    scanner.push(bytes('"}'));
    scanner.push(bytes('{}'), 1, 2);
    expect(scanner.end()).toEqual({ ok: false, problem: 'utf8', offset: 6 });
  });

  it('keeps nothing of a long text: pieces may be reused at once', () => {
    const scanner = new JsonRecordScanner();
    const buffer = new Uint8Array(16);
    const input = bytes(`{"resource_type":"task","notes":"${'ü'.repeat(1_000)}"}`);
    for (let offset = 0; offset < input.length; offset += buffer.length) {
      const piece = input.subarray(offset, offset + buffer.length);
      buffer.set(piece);
      scanner.push(buffer, 0, piece.length);
      buffer.fill(0xff);
    }
    expect(scanner.end()).toEqual({ ok: true, resourceType: 'task' });
  });
});

describe('jsonNestingExceeds', () => {
  it.each([
    ['{}', 1, false],
    ['{}', 0, true],
    ['{"a":[{}]}', 2, true],
    ['{"a":[{}]}', 3, false],
    ['{"a":"[[[[","b":[]}', 2, false],
    ['{"a":"\\"[[[[","b":"\\\\"}', 1, false],
    ['{"a":"\\\\\\"[[[[\\\\"}', 1, false],
    ['{"a":[[]],"b":"]]]]]"}', 3, false],
  ] as const)('%s deeper than %i: %s', (text, limit, deeper) => {
    expect(jsonNestingExceeds(bytes(text), limit)).toBe(deeper);
  });

  it('works at the bound', () => {
    expect(jsonNestingExceeds(bytes(deepArrays(MAX)), MAX)).toBe(false);
    expect(jsonNestingExceeds(bytes(deepArrays(MAX + 1)), MAX)).toBe(true);
  });
});

// ---- Differential: the scanner against TextDecoder + JSON.parse on generated inputs ----

/** mulberry32: deterministic and good enough to pick cases. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Generator {
  readonly random: () => number;

  constructor(seed: number) {
    this.random = prng(seed);
  }

  int(below: number): number {
    return Math.floor(this.random() * below);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  whitespace(): string {
    if (this.random() < 0.7) return '';
    return Array.from({ length: 1 + this.int(3) }, () => this.pick([' ', '\t', '\n', '\r'])).join(
      '',
    );
  }

  /** A JSON string token, written with a mix of raw characters and every kind of escape. */
  string(long = false): string {
    const length = long ? 1_000 + this.int(20_000) : this.int(12);
    let out = '"';
    for (let index = 0; index < length; index++) {
      const roll = this.random();
      if (roll < 0.55) out += this.pick(['a', 'b', 'z', ' ', '0', '~', '/', "'", '\u007f']);
      else if (roll < 0.7)
        out += this.pick([
          'é',
          'ü',
          '✍️',
          '日',
          '本',
          '😀',
          '\u2028',
          '\uffff',
          '\u{10ffff}',
          '\ufeff',
        ]);
      else if (roll < 0.85)
        out += this.pick(['\\"', '\\\\', '\\/', '\\b', '\\f', '\\n', '\\r', '\\t']);
      else {
        const unit = this.pick([
          0, 0x1f, 0x41, 0xe9, 0x2028, 0xd83d, 0xde00, 0xd800, 0xdfff, 0xfffe,
        ]);
        const hex = unit.toString(16).padStart(4, '0');
        out += `\\u${this.random() < 0.5 ? hex : hex.toUpperCase()}`;
        if (unit === 0xd83d && this.random() < 0.7) out += '\\ude00';
      }
    }
    return `${out}"`;
  }

  number(): string {
    let out = this.random() < 0.3 ? '-' : '';
    out +=
      this.random() < 0.3
        ? '0'
        : String(1 + this.int(9)) + String(this.int(100_000)).slice(0, this.int(5));
    if (this.random() < 0.3) out += `.${String(this.int(1_000))}`;
    if (this.random() < 0.2)
      out += `${this.pick(['e', 'E'])}${this.pick(['', '+', '-'])}${this.int(400)}`;
    return out;
  }

  key(): string {
    const roll = this.random();
    if (roll < 0.25) return '"resource_type"';
    if (roll < 0.3)
      return this.pick([
        '"resource\\u005ftype"',
        '"resource_typ"',
        '"resource_type_"',
        '"\\u0072esource_type"',
      ]);
    return this.string();
  }

  value(depth: number): string {
    const roll = this.random();
    if (depth < 5 && roll < 0.2) return this.object(depth + 1);
    if (depth < 5 && roll < 0.35) return this.array(depth + 1);
    if (roll < 0.6) return this.random() < 0.02 ? this.string(true) : this.string();
    if (roll < 0.85) return this.number();
    return this.pick(['true', 'false', 'null']);
  }

  object(depth: number): string {
    const members = Array.from({ length: this.int(5) }, () => {
      const value = depth === 1 && this.random() < 0.3 ? this.resourceType() : this.value(depth);
      return `${this.whitespace()}${this.key()}${this.whitespace()}:${this.whitespace()}${value}${this.whitespace()}`;
    });
    return `{${members.join(',') || this.whitespace()}}`;
  }

  resourceType(): string {
    const roll = this.random();
    if (roll < 0.6)
      return `"${this.pick(['task', 'project', 'story', 'section', 'user', '__proto__'])}"`;
    if (roll < 0.8) return this.string();
    return this.pick([
      `"${'x'.repeat(MAX_RESOURCE_TYPE_LENGTH)}"`,
      `"${'x'.repeat(MAX_RESOURCE_TYPE_LENGTH + 1)}"`,
      `"${'é'.repeat(MAX_RESOURCE_TYPE_LENGTH)}"`,
      `"${'\\u00e9'.repeat(MAX_RESOURCE_TYPE_LENGTH - 1)}😀"`,
      `"${'😀'.repeat(MAX_RESOURCE_TYPE_LENGTH / 2)}"`,
      '1',
      'null',
      '["task"]',
    ]);
  }

  array(depth: number): string {
    const items = Array.from(
      { length: this.int(5) },
      () => `${this.whitespace()}${this.value(depth)}${this.whitespace()}`,
    );
    return `[${items.join(',') || this.whitespace()}]`;
  }

  /** A top-level text: mostly objects, sometimes another value. */
  document(): string {
    const body = this.random() < 0.85 ? this.object(1) : this.value(1);
    return `${this.random() < 0.03 ? '\ufeff' : ''}${this.whitespace()}${body}${this.whitespace()}`;
  }

  /** An Asana-like task record. */
  record(): string {
    const stories = Array.from({ length: this.int(4) }, (_, index) => ({
      gid: String(1_200_000_000_000_000 + index),
      resource_type: 'story',
      text: JSON.parse(this.string()),
      created_by: { gid: '42', resource_type: 'user', name: 'Zoë' },
    }));
    return JSON.stringify({
      gid: String(this.int(1e9)),
      resource_type: this.pick(['task', 'project', 'section']),
      name: JSON.parse(this.string()),
      notes: JSON.parse(this.string()),
      completed: this.random() < 0.5,
      num_likes: this.int(100),
      due_on: this.random() < 0.5 ? null : '2024-05-01',
      stories,
    });
  }

  /** Nesting within a few levels of MAX, valid or not, with members and values along the way. */
  deep(): string {
    const depth = MAX - 2 + this.int(5);
    const opens: string[] = [];
    const closes: string[] = [];
    for (let level = 0; level < depth; level++) {
      const object = level === 0 || this.random() < 0.3;
      const filler = this.random() < 0.05 ? `${this.value(9)},` : '';
      opens.push(object ? `{${this.random() < 0.05 ? '"x":1,' : ''}"k":` : `[${filler}`);
      closes.push(object ? '}' : ']');
    }
    const innermost = this.pick(['{}', '[]', '1', '"s"', 'null']);
    let text = `${opens.join('')}${innermost}${closes.toReversed().join('')}`;
    if (text.startsWith('{') && this.random() < 0.5)
      text = `${text.slice(0, -1)},"resource_type":"deep"}`;
    return text;
  }

  /** Small damage: a changed, inserted, deleted or duplicated byte or run, or a truncation. */
  mutate(input: Uint8Array): Uint8Array {
    const interesting = [
      0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a, 0x20, 0x0a, 0x00, 0x1f, 0x30, 0x2d, 0x2e,
      0x65, 0x75, 0x74, 0x6e, 0x80, 0xbf, 0xc0, 0xc2, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff,
    ];
    const byte = () => (this.random() < 0.7 ? this.pick(interesting) : this.int(256));
    const at = this.int(input.length + 1);
    const bytesOut = Array.from(input);
    switch (this.int(5)) {
      case 0:
        if (at < bytesOut.length) bytesOut[at] = byte();
        break;
      case 1:
        bytesOut.splice(at, 0, ...Array.from({ length: 1 + this.int(3) }, byte));
        break;
      case 2:
        bytesOut.splice(at, 1 + this.int(3));
        break;
      case 3:
        return input.slice(0, at);
      default:
        bytesOut.splice(at, 0, ...bytesOut.slice(at, at + 1 + this.int(8)));
    }
    return Uint8Array.from(bytesOut);
  }

  /**
   * A few bytes drawn mostly from JSON's alphabet, alone or as a member's value: many tiny texts,
   * valid and not.
   */
  shortBytes(): Uint8Array {
    const alphabet = encoder.encode('{}[]:,"\\ 0123-.eE+tfnrulsa\t\n\r');
    const random = Uint8Array.from({ length: this.int(10) }, () =>
      this.random() < 0.85 ? (alphabet[this.int(alphabet.length)] as number) : 0x80 + this.int(128),
    );
    return this.random() < 0.5 ? random : bytes('{"k":', Array.from(random), '}');
  }

  /** Cut points for pushing `length` bytes in a few pieces. */
  cuts(length: number): number[] {
    return Array.from({ length: this.int(5) }, () => this.int(length + 1)).sort((a, b) => a - b);
  }
}

/** Asserts the scanner agrees with the reference on `input`, whole and in random pieces. */
function expectAgrees(generator: Generator, input: Uint8Array, tally: Map<string, number>): void {
  const expected = reference(input);
  const key = expected.ok ? 'ok' : expected.problem;
  tally.set(key, (tally.get(key) ?? 0) + 1);
  const whole = scanJson(input);
  expect(verdictOf(whole), JSON.stringify(Array.from(input.subarray(0, 200)))).toEqual(expected);
  expect(scanPieces(input, generator.cuts(input.length))).toEqual(whole);
  if (!whole.ok) {
    expect(whole.offset).toBeGreaterThanOrEqual(0);
    expect(whole.offset).toBeLessThanOrEqual(input.length);
    // Nothing before the offset was wrong: the text cut there has no problem found earlier (no
    // UTF-8 problem earlier, for a UTF-8 problem found after a JSON one).
    if (input.length < 5_000) {
      const prefix = scanJson(input.subarray(0, whole.offset));
      const earlier =
        !prefix.ok &&
        prefix.problem !== 'not-object' &&
        (whole.problem !== 'utf8' || prefix.problem === 'utf8');
      if (earlier) {
        expect(prefix.offset).toBeGreaterThanOrEqual(whole.offset);
      }
    }
  } else if (input.length >= 2 * MAX + 2) {
    expect(jsonNestingExceeds(input, MAX)).toBe(false);
  }
}

describe('JsonRecordScanner against TextDecoder + JSON.parse', () => {
  it('agrees on generated documents, records and their mutations', () => {
    const generator = new Generator(20240501);
    const tally = new Map<string, number>();
    for (let round = 0; round < 1_500; round++) {
      const document = encoder.encode(round % 3 === 0 ? generator.record() : generator.document());
      expectAgrees(generator, document, tally);
      let damaged: Uint8Array = document;
      for (let times = 1 + generator.int(3); times > 0; times--)
        damaged = generator.mutate(damaged);
      expectAgrees(generator, damaged, tally);
      expectAgrees(generator, generator.mutate(document), tally);
    }
    // Every verdict turned up, often.
    for (const key of ['ok', 'json', 'utf8', 'not-object']) {
      expect(tally.get(key), key).toBeGreaterThan(150);
    }
  });

  it('agrees on short random byte strings', () => {
    const generator = new Generator(7);
    const tally = new Map<string, number>();
    for (let round = 0; round < 20_000; round++)
      expectAgrees(generator, generator.shortBytes(), tally);
    for (const key of ['ok', 'json', 'utf8', 'not-object']) {
      expect(tally.get(key), key).toBeGreaterThan(20);
    }
  });

  it('agrees on nesting within a few levels of MAX_JSON_DEPTH, intact and damaged', () => {
    const generator = new Generator(10_000);
    const tally = new Map<string, number>();
    for (let round = 0; round < 40; round++) {
      const document = encoder.encode(generator.deep());
      expectAgrees(generator, document, tally);
      expectAgrees(generator, generator.mutate(document), tally);
    }
    expect(tally.get('ok')).toBeGreaterThan(5);
    expect(tally.get('too-deep')).toBeGreaterThan(5);
  });
});
