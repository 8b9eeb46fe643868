import { describe, expect, it } from 'vitest';
import { compareRecords, jsonEqual } from '../../src/protocol/diff-fields.js';
import { code, diffMarkdown } from '../../src/protocol/diff-markdown.js';
import { DIFF_EXAMPLES, DiffTally } from '../../src/protocol/diff-report.js';
import { crossedLimits, parseChangeLimits } from '../../src/protocol/diff-thresholds.js';
import { InputError } from '../../src/protocol/errors.js';

describe('jsonEqual', () => {
  it.each([
    [{ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }, true],
    [[1, 2], [2, 1], false],
    [{ a: null }, {}, false],
    [{ a: undefined }, { b: undefined }, false],
    [{ a: { b: { c: 'x' } } }, { a: { b: { c: 'x' } } }, true],
    [{ a: { b: { c: 'x' } } }, { a: { b: { c: 'y' } } }, false],
    [[], {}, false],
    [1, '1', false],
  ])('%j vs %j: %s', (a, b, equal) => {
    expect(jsonEqual(a, b)).toBe(equal);
  });

  it('compares nesting 10,000 deep without exhausting the stack', () => {
    const deep = (leaf: number) => JSON.parse(`${'['.repeat(10_000)}${leaf}${']'.repeat(10_000)}`);
    expect(jsonEqual(deep(1), deep(1))).toBe(true);
    expect(jsonEqual(deep(1), deep(2))).toBe(false);
  });
});

describe('compareRecords', () => {
  const task = (extra: Record<string, unknown>) => ({ gid: '1', resource_type: 'task', ...extra });

  it.each([
    ['nothing', task({ name: 'a' }), task({ name: 'a' }), []],
    ['a value', task({ name: 'a' }), task({ name: 'b' }), ['name']],
    ['a field added and one dropped', task({ x: 1 }), task({ y: 1 }), ['x', 'y']],
    ['key order only', { b: 1, a: 2 }, { a: 2, b: 1 }, []],
  ])('%s', (_, before, after, fields) => {
    expect(compareRecords(before, after).fields).toEqual(fields);
  });

  it('names the custom fields that changed, and a rename', () => {
    const before = task({
      custom_fields: [
        { gid: 'c1', name: 'Priority', display_value: 'High' },
        { gid: 'c2', name: 'Stage', display_value: 'Doing' },
        { gid: 'c3', name: 'Risk', display_value: 'Low' },
      ],
    });
    const after = task({
      custom_fields: [
        { gid: 'c1', name: 'Urgency', display_value: 'High' },
        { gid: 'c2', name: 'Stage', display_value: 'Done' },
        { gid: 'c4', name: 'Estimate', display_value: '3' },
      ],
    });
    const changes = compareRecords(before, after);
    expect(changes.fields).toEqual(['custom_fields']);
    expect(changes.customFields).toEqual([
      { gid: 'c1', name: 'Urgency', previousName: 'Priority', before: 'High', after: 'High' },
      { gid: 'c2', name: 'Stage', previousName: undefined, before: 'Doing', after: 'Done' },
      { gid: 'c3', name: 'Risk', previousName: undefined, before: 'Low', after: undefined },
      { gid: 'c4', name: 'Estimate', previousName: undefined, before: undefined, after: '3' },
    ]);
  });
});

describe('DiffTally', () => {
  const side = {
    file: 'f',
    exportGid: undefined,
    completedAt: undefined,
    records: 0,
    duplicates: 0,
  };
  const report = (tally: DiffTally) =>
    tally.report({ kind: 'graph', target: { parent: '1' }, old: side, new: side });

  it('counts per type and in total, and keeps a bounded number of examples', () => {
    const tally = new DiffTally();
    for (let i = 0; i < 50; i++) tally.added('task', `a${i}`);
    tally.removed('message', 'r1');
    tally.unchanged('task');
    const changes = { fields: ['modified_at', 'name'], customFields: [] };
    tally.changed('task', 'c1', changes, (field) => ({ old: `${field}-old`, new: `${field}-new` }));
    const made = report(tally);
    expect(made.totals).toEqual({
      old: 3,
      new: 52,
      added: 50,
      removed: 1,
      changed: 1,
      unchanged: 1,
    });
    expect(made.byResourceType.task).toMatchObject({
      old: 2,
      new: 52,
      fields: { name: 1, modified_at: 1 },
    });
    expect(made.examples.added).toHaveLength(DIFF_EXAMPLES);
    // modified_at changes with everything: the example shows the field that says more.
    expect(made.examples.changed).toEqual([
      { resourceType: 'task', gid: 'c1', field: 'name', old: '"name-old"', new: '"name-new"' },
    ]);
  });

  it('keeps field names as data, cut and printable, whatever they are', () => {
    const tally = new DiffTally();
    const hostile = ['__proto__', 'constructor', `x\u001b[31m${'y'.repeat(200)}`];
    tally.changed('task', '1', { fields: hostile, customFields: [] }, () => ({ old: 1, new: 2 }));
    const fields = report(tally).byResourceType.task?.fields ?? {};
    expect(Object.keys(fields)).toHaveLength(3);
    expect(Object.hasOwn(fields, '__proto__')).toBe(true);
    expect(Object.keys(fields).join()).not.toContain('\u001b');
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
  });
});

describe('parseChangeLimits and crossedLimits', () => {
  it.each([
    [
      'removed>5%',
      { count: 'removed', value: 5, percent: true, inclusive: false, resourceType: undefined },
    ],
    ['changed >= 20%', { count: 'changed', value: 20, percent: true, inclusive: true }],
    ['added>1000', { count: 'added', value: 1000, percent: false }],
    ['task.removed>100', { count: 'removed', resourceType: 'task', value: 100 }],
  ])('parses %s', (text, expected) => {
    expect(parseChangeLimits('--fail-on', [text])[0]).toMatchObject(expected);
  });

  it.each(['deleted>5%', 'removed<5%', 'removed>', 'removed>150%', '>5%', 'Task.removed>1'])(
    'refuses %s, naming the input',
    (text) => {
      expect(() => parseChangeLimits('--fail-on', [text])).toThrow(InputError);
      expect(() => parseChangeLimits('--fail-on', [text])).toThrow(/^Invalid --fail-on: /);
    },
  );

  it('splits a comma-separated list', () => {
    expect(parseChangeLimits('fail-on', ['removed>5%, changed>20%'])).toHaveLength(2);
  });

  const totals = { old: 1000, new: 1000, added: 10, removed: 50, changed: 200, unchanged: 750 };
  const made = {
    totals,
    byResourceType: { task: { ...totals, old: 100, removed: 50, fields: {}, customFields: {} } },
  } as unknown as Parameters<typeof crossedLimits>[0];

  it.each([
    ['removed>5%', false],
    ['removed>=5%', true],
    ['removed>49', true],
    ['removed>50', false],
    ['changed>20%', false],
    ['changed>19.9%', true],
    ['task.removed>40%', true],
    ['message.removed>0', false],
  ])('%s crossed: %s', (text, crossed) => {
    expect(crossedLimits(made, parseChangeLimits('--fail-on', [text])).length > 0).toBe(crossed);
  });
});

describe('diffMarkdown', () => {
  it('shows outside text only in code spans, so it cannot become a link, an image or a cell', () => {
    const tally = new DiffTally();
    tally.changed('task', '1', { fields: ['name'], customFields: [] }, () => ({
      old: '![x](https://tracker.example/p.png)',
      new: 'a | b `c`',
    }));
    const text = diffMarkdown(
      tally.report({
        kind: 'graph',
        target: undefined,
        old: { file: 'o', exportGid: undefined, completedAt: undefined, records: 1, duplicates: 0 },
        new: { file: 'n', exportGid: undefined, completedAt: undefined, records: 1, duplicates: 0 },
      }),
    );
    expect(text).toContain('`"![x](https://tracker.example/p.png)"`');
    expect(text).toContain('`"a \\| b \'c\'"`');
    expect(code('')).toBe('` `');
  });
});
