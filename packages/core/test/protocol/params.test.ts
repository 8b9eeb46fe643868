import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/protocol/errors.js';
import {
  type ExportRequestInput,
  FILTERS_BY_RESOURCE_TYPE,
  parseIsoDate,
  validateExportGid,
  validateExportRequest,
  validateGid,
  validateToken,
} from '../../src/protocol/params.js';

const WS = '1111111111111111';
const USER = '2222222222222222';
const OTHER_USER = '3333333333333333';

function inputError(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('validateExportRequest: valid requests', () => {
  it('organization', () => {
    expect(validateExportRequest({ kind: 'organization', organization: ` ${WS} ` })).toEqual({
      kind: 'organization',
      organization: WS,
    });
  });

  it('graph', () => {
    expect(validateExportRequest({ kind: 'graph', parent: WS })).toEqual({
      kind: 'graph',
      parent: WS,
    });
  });

  it('treats empty strings of unused inputs as not given (action inputs default to "")', () => {
    expect(
      validateExportRequest({ kind: 'graph', parent: WS, organization: '', workspace: '  ' }),
    ).toEqual({ kind: 'graph', parent: WS });
  });

  it('resource: normalises filters, dedupes fields, keeps duplicate types (Asana ORs them)', () => {
    const request = validateExportRequest({
      kind: 'resource',
      workspace: WS,
      resources: [
        {
          resourceType: 'task',
          fields: ['gid', 'name', 'gid', 'assignee.gid'],
          filters: {
            'created_at.after': '2024-01-01',
            'created_at.before': '2024-02-01T12:00:00+02:00',
            'assignee.any': `${USER}, ${OTHER_USER}`,
            'followers.any': [USER, USER],
            'created_by.any': USER,
          },
        },
        { resourceType: 'task', fields: [] },
        { resourceType: 'team', filters: {} },
        { resourceType: 'message', filters: { 'modified_at.after': '2024-01-01T00:00:00.5Z' } },
      ],
    });
    expect(request).toEqual({
      kind: 'resource',
      workspace: WS,
      parameters: [
        {
          resourceType: 'task',
          fields: ['gid', 'name', 'assignee.gid'],
          filters: {
            'created_at.after': '2024-01-01T00:00:00.000Z',
            'created_at.before': '2024-02-01T10:00:00.000Z',
            'assignee.any': [USER, OTHER_USER],
            'followers.any': [USER],
            'created_by.any': [USER],
          },
        },
        { resourceType: 'task' },
        { resourceType: 'team' },
        { resourceType: 'message', filters: { 'modified_at.after': '2024-01-01T00:00:00.500Z' } },
      ],
    });
  });
});

describe('validateExportRequest: rejected input names the input', () => {
  const cases: [string, ExportRequestInput, string, RegExp][] = [
    ['missing kind', {}, 'kind', /missing; expected one of organization, resource, graph/],
    ['unknown kind', { kind: 'workspace' }, 'kind', /"workspace" is not an export kind/],
    [
      'missing organization',
      { kind: 'organization' },
      'organization',
      /missing; expected the numeric id/,
    ],
    [
      'bad organization',
      { kind: 'organization', organization: 'acme' },
      'organization',
      /"acme" is not a gid/,
    ],
    [
      'missing workspace',
      { kind: 'resource', resources: [{ resourceType: 'task' }] },
      'workspace',
      /missing/,
    ],
    [
      'bad workspace',
      { kind: 'resource', workspace: 'abc', resources: [{ resourceType: 'task' }] },
      'workspace',
      /^Invalid workspace: "abc" is not a gid; expected the numeric id of the workspace, such as 1234567890123456$/,
    ],
    [
      'missing parent',
      { kind: 'graph' },
      'parent',
      /missing; expected the numeric id of the goal, project, portfolio or team/,
    ],
    [
      'parent for organization',
      { kind: 'organization', organization: WS, parent: WS },
      'parent',
      /organization exports do not use parent/,
    ],
    [
      'workspace for graph',
      { kind: 'graph', parent: WS, workspace: WS },
      'workspace',
      /graph exports do not use workspace/,
    ],
    [
      'organization for resource',
      { kind: 'resource', workspace: WS, organization: WS, resources: [{ resourceType: 'task' }] },
      'organization',
      /resource exports do not use organization/,
    ],
    [
      'resources for graph',
      { kind: 'graph', parent: WS, resources: [{ resourceType: 'task' }] },
      'resources',
      /graph exports do not use resources/,
    ],
    ['no resources', { kind: 'resource', workspace: WS }, 'resources', /at least one entry/],
    [
      'empty resources',
      { kind: 'resource', workspace: WS, resources: [] },
      'resources',
      /at least one entry/,
    ],
    [
      'unknown resource type',
      {
        kind: 'resource',
        workspace: WS,
        resources: [{ resourceType: 'task' }, { resourceType: 'tasks' }],
      },
      'resources[1].resource_type',
      /"tasks" is not a resource type; expected one of task, team, message/,
    ],
    [
      'missing resource type',
      { kind: 'resource', workspace: WS, resources: [{}] },
      'resources[0].resource_type',
      /missing/,
    ],
    [
      'bad field',
      {
        kind: 'resource',
        workspace: WS,
        resources: [{ resourceType: 'task', fields: ['name', 'due on'] }],
      },
      'resources[0].fields[1]',
      /"due on" is not a field name/,
    ],
    [
      'empty field',
      { kind: 'resource', workspace: WS, resources: [{ resourceType: 'task', fields: [''] }] },
      'resources[0].fields[0]',
      /empty/,
    ],
    [
      'filters on teams',
      {
        kind: 'resource',
        workspace: WS,
        resources: [{ resourceType: 'team', filters: { 'created_at.after': '2024-01-01' } }],
      },
      'resources[0].filters',
      /team exports take no filters/,
    ],
    [
      'task-only filter on messages',
      {
        kind: 'resource',
        workspace: WS,
        resources: [{ resourceType: 'message', filters: { 'assignee.any': USER } }],
      },
      'resources[0].filters.assignee.any',
      /not a filter for message exports; expected one of created_at.after/,
    ],
    [
      'unknown filter',
      {
        kind: 'resource',
        workspace: WS,
        resources: [{ resourceType: 'task', filters: { 'due_on.after': '2024-01-01' } }],
      },
      'resources[0].filters.due_on.after',
      /not a filter for task exports/,
    ],
    [
      'bad date',
      {
        kind: 'resource',
        workspace: WS,
        resources: [{ resourceType: 'task', filters: { 'created_at.after': 'yesterday' } }],
      },
      'resources[0].filters.created_at.after',
      /"yesterday" is not a date/,
    ],
    [
      'after later than before',
      {
        kind: 'resource',
        workspace: WS,
        resources: [
          { resourceType: 'task' },
          {
            resourceType: 'task',
            filters: { 'modified_at.after': '2024-03-01', 'modified_at.before': '2024-02-01' },
          },
        ],
      },
      'resources[1].filters.modified_at.after',
      /2024-03-01T00:00:00.000Z is later than modified_at.before 2024-02-01T00:00:00.000Z/,
    ],
    [
      'bad gid in a comma list',
      {
        kind: 'resource',
        workspace: WS,
        resources: [{ resourceType: 'task', filters: { 'assignee.any': `${USER},me` } }],
      },
      'resources[0].filters.assignee.any',
      /"me" is not a gid/,
    ],
    [
      'bad gid in an array',
      {
        kind: 'resource',
        workspace: WS,
        resources: [{ resourceType: 'task', filters: { 'followers.any': [USER, 'bob'] } }],
      },
      'resources[0].filters.followers.any[1]',
      /"bob" is not a gid/,
    ],
    [
      'empty gid list',
      {
        kind: 'resource',
        workspace: WS,
        resources: [{ resourceType: 'task', filters: { 'liked_by.any': ' , ' } }],
      },
      'resources[0].filters.liked_by.any',
      /empty; expected at least one user gid/,
    ],
  ];

  it.each(cases)('%s', (_name, input, inputName, message) => {
    const error = inputError(() => validateExportRequest(input));
    expect(error.input).toBe(inputName);
    expect(error.message.startsWith(`Invalid ${inputName}: `)).toBe(true);
    expect(error.message).toMatch(message);
  });

  it('accepts after equal to before (a one-instant range is odd but not contradictory)', () => {
    expect(() =>
      validateExportRequest({
        kind: 'resource',
        workspace: WS,
        resources: [
          {
            resourceType: 'task',
            filters: {
              'created_at.after': '2024-01-01',
              'created_at.before': '2024-01-01T00:00:00Z',
            },
          },
        ],
      }),
    ).not.toThrow();
  });
});

describe('validateGid', () => {
  it('accepts strings and exact numbers', () => {
    expect(validateGid('parent', ' 42 ')).toBe('42');
    expect(validateGid('parent', 1234567890123)).toBe('1234567890123');
  });

  it.each([
    [undefined, /missing/],
    [null, /missing/],
    ['', /missing/],
    [1.5, /1.5 is not a gid/],
    [2 ** 60, /is not a gid/],
    [{}, /a value of type object is not a gid/],
    ['12 34', /"12 34" is not a gid/],
  ])('rejects %j', (value, message) => {
    const error = inputError(() => validateGid('workspace', value));
    expect(error.input).toBe('workspace');
    expect(error.message).toMatch(message);
  });

  it('does not echo a long value, which may be a token pasted into the wrong input', () => {
    const token = `2/1234567890/1234567890123:${'a'.repeat(64)}`;
    const error = inputError(() => validateGid('workspace', token));
    expect(error.message).not.toContain(token.slice(0, 20));
    expect(error.message).toContain(`a ${token.length}-character value`);
  });
});

describe('validateExportGid: the gid of an export or job, pasted back to resume', () => {
  it('accepts what Asana may hand out', () => {
    expect(validateExportGid('--resume', ' 1209000000000001 ')).toBe('1209000000000001');
    expect(validateExportGid('--resume', 'job_AB-12')).toBe('job_AB-12');
  });

  it.each([
    ['', /missing/],
    ['1/../../x', /"1\/..\/..\/x" is not a gid/],
    ['-rf', /"-rf" is not a gid/],
    ['12\u202e34', /"12\\u202e34" is not a gid/],
  ])('rejects %j', (value, message) => {
    const error = inputError(() => validateExportGid('--resume', value));
    expect(error.input).toBe('--resume');
    expect(error.message).toMatch(message);
  });
});

describe('validateToken', () => {
  it('accepts a token, trimmed', () => {
    expect(validateToken('ASANA_TOKEN', ' 2/1200/1300:abcdef0123 \n')).toBe(
      '2/1200/1300:abcdef0123',
    );
  });

  it.each([
    [undefined, /ASANA_TOKEN: is not set/],
    ['   ', /is not set/],
    [
      '2/1200/1300:abc\ndef',
      /holds a space, a control character or a line break \(character 16 of 19\)/,
    ],
    ['2/1200:abc\u0000', /character 11 of 11/],
    ['abc def', /character 4 of 7/],
    ['abc\u00e9', /character 4 of 4/],
  ])('refuses %j before any request, without echoing it', (value, message) => {
    const error = inputError(() => validateToken('ASANA_TOKEN', value));
    expect(error.input).toBe('ASANA_TOKEN');
    expect(error.message).toMatch(message);
    if (value && value.trim().length > 3) expect(error.message).not.toContain(value.trim());
    expect(error.hint).toBeDefined();
  });
});

describe('parseIsoDate', () => {
  it.each([
    ['2024-01-31', '2024-01-31T00:00:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['2000-02-29', '2000-02-29T00:00:00.000Z'],
    ['2024-01-31T12:34Z', '2024-01-31T12:34:00.000Z'],
    ['2024-01-31T12:34:56Z', '2024-01-31T12:34:56.000Z'],
    ['2024-01-31t12:34:56z', '2024-01-31T12:34:56.000Z'],
    ['2024-01-31T12:34:56.123456Z', '2024-01-31T12:34:56.123Z'],
    ['2024-01-31T00:30:00+01:00', '2024-01-30T23:30:00.000Z'],
    ['2024-01-31T23:30:00-0230', '2024-02-01T02:00:00.000Z'],
    ['0099-06-01', '0099-06-01T00:00:00.000Z'],
  ])('%s → %s', (text, iso) => {
    expect(parseIsoDate('since', text)).toBe(iso);
  });

  it('accepts a Date', () => {
    expect(parseIsoDate('since', new Date(Date.UTC(2024, 0, 2)))).toBe('2024-01-02T00:00:00.000Z');
  });

  it.each([
    ['2024-13-01', /not a valid calendar date/],
    ['2024-02-30', /not a valid calendar date/],
    ['2023-02-29', /not a valid calendar date/],
    ['2024-00-10', /not a valid calendar date/],
    ['2024-01-01T24:00:00Z', /not a valid calendar date/],
    ['2024-01-01T10:00:00+25:00', /not a valid calendar date/],
    ['2024-01-31T12:00:00', /has no time zone; add Z for UTC/],
    ['yesterday', /"yesterday" is not a date; expected a date \(YYYY-MM-DD/],
    ['1', /is not a date/],
    ['2024-1-5', /is not a date/],
    ['31/01/2024', /is not a date/],
    ['', /empty/],
    [undefined, /missing/],
    [20240101, /20240101 is not a date/],
  ])('rejects %j', (value, message) => {
    const error = inputError(() => parseIsoDate('since', value));
    expect(error.input).toBe('since');
    expect(error.message).toMatch(message);
  });
});

describe('FILTERS_BY_RESOURCE_TYPE', () => {
  it('matches the reference', () => {
    const shared = [
      'created_at.after',
      'created_at.before',
      'modified_at.after',
      'modified_at.before',
      'created_by.any',
      'followers.any',
      'liked_by.any',
      'commented_on_by.any',
    ];
    expect([...FILTERS_BY_RESOURCE_TYPE.message].sort()).toEqual([...shared].sort());
    expect([...FILTERS_BY_RESOURCE_TYPE.task].sort()).toEqual(
      [...shared, 'assigned_by.any', 'assignee.any'].sort(),
    );
    expect(FILTERS_BY_RESOURCE_TYPE.team).toEqual([]);
  });
});
