import { describe, expect, it } from 'vitest';
import { MAX_OUTSIDE_TEXT, printable, printableLines } from '../../src/protocol/text.js';

describe('printable', () => {
  it.each([
    ['plain words', 'in_progress', 'in_progress'],
    ['a newline that would forge a workflow command', 'x\n::error::forged', 'x\\n::error::forged'],
    ['CR that would rewrite a terminal line', 'ok\rFAILED', 'ok\\rFAILED'],
    ['an escape sequence', '\u001b[2J\u001b]0;title\u0007', '\\u001b[2J\\u001b]0;title\\u0007'],
    ['BEL and NUL', '\u0007\u0000', '\\u0007\\u0000'],
    ['DEL and C1 controls', '\u007f\u0085\u009b', '\\u007f\\u0085\\u009b'],
    ['bidirectional overrides', 'abc\u202edcba\u2066', 'abc\\u202edcba\\u2066'],
    ['line and paragraph separators', 'a\u2028b\u2029', 'a\\u2028b\\u2029'],
    ['a tab', 'a\tb', 'a\\tb'],
    ['unicode that is printable', 'Zoë – 東京 ✓', 'Zoë – 東京 ✓'],
  ])('%s', (_name, input, output) => {
    expect(printable(input)).toBe(output);
  });

  it('cuts long text and says how much was left out', () => {
    const text = printable('x'.repeat(MAX_OUTSIDE_TEXT + 42));
    expect(text).toBe(`${'x'.repeat(MAX_OUTSIDE_TEXT)}… (42 more characters)`);
    expect(printable('abcdef', 3)).toBe('abc… (3 more characters)');
  });

  it('leaves nothing a terminal or a runner would act on', () => {
    const hostile = Array.from({ length: 0x2070 }, (_, code) => String.fromCharCode(code)).join('');
    expect(printable(hostile, Number.POSITIVE_INFINITY)).not.toMatch(
      // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence.
      /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/,
    );
  });
});

describe('printableLines', () => {
  it('keeps our own line breaks and escapes the rest', () => {
    expect(printableLines('error: state was "a\r\u001b[K"\nhint: retry')).toBe(
      'error: state was "a\\r\\u001b[K"\nhint: retry',
    );
  });
});
