import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/cli/args.js';
import { InputError } from '../../src/protocol/errors.js';

function inputNameOf(argv: string[]): string | undefined {
  try {
    parseCommandLine(argv);
  } catch (error) {
    if (error instanceof InputError) return error.input;
    throw error;
  }
  return undefined;
}

describe('parseCommandLine', () => {
  it('turns the resource shortcuts into one parameter entry per type, filters where they apply', () => {
    const parsed = parseCommandLine([
      'run',
      '--kind',
      'resource',
      '--workspace',
      '123',
      '--resource-types',
      'task,team',
      '--fields',
      'gid,name',
      '--filter',
      'assignee.any=1',
      '--filter',
      'assignee.any=2',
      '--filter',
      'modified_at.after=2024-01-01',
    ]);
    expect(parsed).toMatchObject({
      command: 'run',
      request: {
        kind: 'resource',
        workspace: '123',
        resources: [
          {
            resourceType: 'task',
            fields: ['gid', 'name'],
            filters: { 'assignee.any': '1,2', 'modified_at.after': '2024-01-01' },
          },
          { resourceType: 'team', fields: ['gid', 'name'] },
        ],
      },
    });
  });

  it("takes Asana's export_request_parameters verbatim with --parameters", () => {
    const parsed = parseCommandLine([
      'create',
      '--kind',
      'resource',
      '--workspace',
      '123',
      '--parameters',
      '[{"resource_type":"message","filters":{"created_by.any":["5"]}}]',
    ]);
    expect(parsed).toMatchObject({
      request: { resources: [{ resourceType: 'message', filters: { 'created_by.any': ['5'] } }] },
    });
  });

  it('applies --since as modified_at.after to the types that accept it', () => {
    const before = Date.now();
    const parsed = parseCommandLine([
      'run',
      '--kind',
      'resource',
      '--workspace',
      '123',
      '--resource-types',
      'task,team',
      '--since',
      '24h',
    ]);
    if (parsed.command !== 'run') throw new Error('expected run');
    const [task, team] = parsed.request?.resources ?? [];
    const after = Date.parse(String(task?.filters?.['modified_at.after']));
    expect(after).toBeGreaterThanOrEqual(before - 24 * 3_600_000 - 1000);
    expect(after).toBeLessThanOrEqual(Date.now() - 24 * 3_600_000);
    expect(team?.filters).toBeUndefined();

    const dated = parseCommandLine([
      'create',
      '--kind',
      'resource',
      '--workspace',
      '1',
      '--since',
      '2024-01-31',
    ]);
    expect(dated).toMatchObject({
      request: { resources: [{ filters: { 'modified_at.after': '2024-01-31T00:00:00.000Z' } }] },
    });
  });

  it('parses waiting options into a poll policy', () => {
    const parsed = parseCommandLine([
      'download',
      '--kind',
      'graph',
      '--gid',
      '42',
      '--timeout',
      '90m',
      '--poll-interval',
      '5s',
      '--out',
      'x',
    ]);
    expect(parsed).toMatchObject({
      command: 'download',
      kind: 'graph',
      gid: '42',
      outDir: 'x',
      poll: { timeoutMs: 90 * 60_000, initialIntervalMs: 5000 },
    });
  });

  it('gives create a --timeout for waiting on a busy workspace, and no poll intervals', () => {
    const create = ['create', '--kind', 'resource', '--workspace', '1'];
    expect(parseCommandLine([...create, '--timeout', '2h'])).toMatchObject({
      command: 'create',
      poll: { timeoutMs: 2 * 3_600_000, initialIntervalMs: 2000 },
    });
    expect(() => parseCommandLine([...create, '--poll-interval', '5s'])).toThrow(/--poll-interval/);
  });

  it.each([
    [['run', '--kind', 'graph', '--parent', '1', '--resume', '2'], '--parent'],
    [['run', '--kind', 'resource', '--workspace', '1', '--parameters', '{'], '--parameters'],
    [
      ['run', '--kind', 'resource', '--workspace', '1', '--parameters', '[]', '--fields', 'gid'],
      '--fields',
    ],
    [['run', '--kind', 'resource', '--workspace', '1', '--filter', 'nonsense'], '--filter'],
    [['run', '--kind', 'graph', '--parent', '1', '--base-url', 'ftp://x'], '--base-url'],
    [['run', '--kind', 'graph', '--parent', '1', '--base-url', 'https://x/?token=1'], '--base-url'],
    [['download', '--kind', 'graph', '--gid', '1/../x'], '--gid'],
    [['run', '--kind', 'graph', '--resume', '-rf'], '--resume'],
    [['download', '--kind', 'graph', '--gid', '1', '--stall-timeout', '0s'], '--stall-timeout'],
    [['download', '--kind', 'graph', '--gid', '1', '--min-speed', 'fast'], '--min-speed'],
    [['status', '--kind', 'graph', '--gid', '1', '--request-timeout', '2d'], '--request-timeout'],
    [['run', '--kind', 'graph', '--parent', '1', '--since', '24h'], '--since'],
    [['run', '--kind', 'resource', '--workspace', '1', '--since', 'lately'], '--since'],
    [
      [
        'run',
        '--kind',
        'resource',
        '--workspace',
        '1',
        '--resource-types',
        'team',
        '--since',
        '1d',
      ],
      '--since',
    ],
    [
      [
        'run',
        '--kind',
        'resource',
        '--workspace',
        '1',
        '--filter',
        'modified_at.after=2024-01-01',
        '--since',
        '1d',
      ],
      '--since',
    ],
    [
      ['run', '--kind', 'resource', '--workspace', '1', '--resource-types', 'tasks'],
      '--resource-types',
    ],
    [['run', '--kind', 'graph', '--parent', '1', '--poll-interval', 'soon'], '--poll-interval'],
  ])('rejects %j naming %s', (argv, name) => {
    expect(inputNameOf(argv)).toBe(name);
  });

  it('answers --help for the overview and each command', () => {
    expect(parseCommandLine([])).toEqual({ command: 'help', topic: undefined });
    expect(parseCommandLine(['run', '--help'])).toEqual({ command: 'help', topic: 'run' });
    expect(parseCommandLine(['help', 'status'])).toEqual({ command: 'help', topic: 'status' });
  });
});
