/**
 * Resource exports show what they are asked for: each filter and `fields` over HTTP, checked
 * against the same workspace exported whole (the records depend on the resource types only), with
 * the expectations worked out here from Asana's description rather than from the sandbox's code.
 */
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.js';
import {
  api,
  dataOf,
  download,
  downloadUrlOf,
  errorOf,
  startTestSandbox,
  uniqueGid,
  waitUntilDone,
} from './helpers.js';

type Row = Record<string, unknown> & { gid?: string; resource_type?: string };

let sandbox: Sandbox;
/** The whole workspace of tasks and messages, as an export without fields or filters shows it. */
let whole: Row[];

beforeAll(async () => {
  sandbox = await startTestSandbox({ contentBytes: 96 * 1024, seed: 7 });
  whole = (await exported([{ resource_type: 'task' }, { resource_type: 'message' }])).rows;
});
afterAll(() => sandbox.close());

async function exported(parameters: unknown[]) {
  const created = await api(sandbox, 'POST', '/exports/resource', {
    body: { data: { workspace: uniqueGid(), export_request_parameters: parameters } },
  });
  const { gid } = dataOf(created);
  const url = downloadUrlOf(await waitUntilDone(sandbox, `/jobs/${gid}`));
  if (url === null) throw new Error(`export ${gid} has no download URL`);
  const { bytes } = await download(url);
  const lines = gunzipSync(bytes).toString('utf8').split('\n');
  lines.pop();
  return {
    rows: lines.map((line) => JSON.parse(line) as Row),
    info: await sandbox.exportFile(gid),
  };
}

const gidOf = (value: unknown): string | undefined =>
  typeof value === 'object' && value !== null ? (value as { gid?: string }).gid : undefined;
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** The user gids each user filter looks at, read off Asana's task and message schemas. */
const USERS_OF: Record<string, (row: Row) => (string | undefined)[]> = {
  'created_by.any': (row) => [gidOf(row.created_by)],
  'assignee.any': (row) => [gidOf(row.assignee)],
  'assigned_by.any': (row) => [gidOf(row.assigned_by)],
  'followers.any': (row) => list(row.followers).map(gidOf),
  'liked_by.any': (row) => list(row.likes).map((like) => gidOf((like as Row).user)),
  'commented_on_by.any': (row) =>
    list(row.stories)
      .filter((story) => (story as Row).resource_subtype === 'comment_added')
      .map((story) => gidOf((story as Row).created_by)),
};

/** The two users who appear most often under a filter among rows of `type`. */
function frequentUsers(filter: string, type: string): string[] {
  const counts = new Map<string, number>();
  for (const row of whole.filter((r) => r.resource_type === type)) {
    for (const gid of new Set(USERS_OF[filter]?.(row))) {
      if (gid !== undefined) counts.set(gid, (counts.get(gid) ?? 0) + 1);
    }
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 2)
    .map(([gid]) => gid);
}

const countTypes = (rows: Row[]) =>
  rows.reduce<Record<string, number>>((counts, row) => {
    if (row.resource_type !== undefined) {
      counts[row.resource_type] = (counts[row.resource_type] ?? 0) + 1;
    }
    return counts;
  }, {});

describe('resource export filters', () => {
  it('the unfiltered export holds both types and every field the filters read', () => {
    expect(countTypes(whole).task).toBeGreaterThan(20);
    expect(countTypes(whole).message).toBeGreaterThan(3);
    for (const filter of Object.keys(USERS_OF)) {
      expect(frequentUsers(filter, 'task'), filter).toHaveLength(2);
    }
  });

  const TASK_ONLY = new Set(['assignee.any', 'assigned_by.any']);

  it.each(Object.keys(USERS_OF))('%s keeps exactly the records of those users', async (filter) => {
    const users = frequentUsers(filter, 'task');
    const matches = (row: Row) => USERS_OF[filter]?.(row).some((gid) => users.includes(gid ?? ''));
    // Messages take no task-only filter: a date before any record leaves them all out instead.
    const messageFilters = TASK_ONLY.has(filter)
      ? { 'created_at.before': '2000-01-01T00:00:00Z' }
      : { [filter]: users };
    const { rows, info } = await exported([
      { resource_type: 'task', filters: { [filter]: users } },
      { resource_type: 'message', filters: messageFilters },
    ]);
    const expected = whole.filter(
      (row) => (row.resource_type === 'task' || !TASK_ONLY.has(filter)) && matches(row),
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(whole.length);
    expect(rows).toEqual(expected);
    expect(info.records).toBe(expected.length);
    expect(info.byResourceType).toEqual(countTypes(expected));
  });

  const DATE_FILTERS = [
    ['created_at.after', '2023-01-01T00:00:00Z'],
    ['created_at.before', '2022-06-30T12:00:00.000+02:00'],
    ['modified_at.after', '2023-06-01T00:00:00Z'],
    ['modified_at.before', '2022-01-01T00:00:00-05:00'],
  ];

  /** "after" and "before" as strict comparisons of the record's own date-time. */
  const keep = (row: Row, filter: string, at: number): boolean => {
    const [field = '', side] = filter.split('.');
    const time = Date.parse(String(row[field]));
    return side === 'after' ? time > at : time < at;
  };

  it.each(DATE_FILTERS)(
    '%s %s keeps exactly the records on that side of it',
    async (filter = '', value = '') => {
      const at = Date.parse(value);
      const parameters = ['task', 'message'].map((resource_type) => ({
        resource_type,
        filters: { [filter]: value },
      }));
      const { rows, info } = await exported(parameters);
      const expected = whole.filter((row) => keep(row, filter, at));
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(whole.length);
      // Lines follow the workspace's order, so the filtered file is the whole one with lines left out.
      expect(rows).toEqual(expected);
      expect(info.records).toBe(expected.length);
      expect(info.byResourceType).toEqual(countTypes(expected));
    },
  );

  it('ANDs the filters of one entry and ORs entries, repeating a record that passes two', async () => {
    const users = frequentUsers('followers.any', 'task');
    const after = '2022-01-01T00:00:00Z';
    const first = { 'followers.any': users, 'created_at.after': after };
    const second = { 'created_at.before': '2022-06-01T00:00:00Z' };
    const { rows, info } = await exported([
      { resource_type: 'task', filters: first },
      { resource_type: 'task', filters: second },
      { resource_type: 'message' },
    ]);
    const passesFirst = (row: Row) =>
      keep(row, 'created_at.after', Date.parse(after)) &&
      USERS_OF['followers.any']?.(row).some((gid) => users.includes(gid ?? ''));
    const passesSecond = (row: Row) =>
      keep(row, 'created_at.before', Date.parse(second['created_at.before']));
    const expected = whole.flatMap((row) => {
      if (row.resource_type !== 'task') return [row];
      return [...(passesFirst(row) ? [row] : []), ...(passesSecond(row) ? [row] : [])];
    });
    expect(expected.some((row, i) => i > 0 && expected[i - 1] === row)).toBe(true);
    // A record's lines follow the entries' canonical order, not the request's: compare as bags.
    const bag = (of: Row[]) => of.map((row) => JSON.stringify(row)).sort();
    expect(bag(rows)).toEqual(bag(expected));
    expect(info.records).toBe(expected.length);
    expect(info.byResourceType).toEqual(countTypes(expected));
  });

  it('treats equal requests alike: one cache entry, whatever the order, offset or repeats', async () => {
    const one = await exported([
      { resource_type: 'message', fields: ['title', 'gid'] },
      {
        resource_type: 'task',
        filters: {
          'created_at.after': '2023-01-01T02:00:00+02:00',
          'assignee.any': ['1', '2', '1'],
        },
      },
    ]);
    const other = await exported([
      {
        resource_type: 'task',
        filters: { 'assignee.any': ['2', '1'], 'created_at.after': '2023-01-01T00:00:00.000Z' },
      },
      { resource_type: 'message', fields: ['gid', 'title', 'title'] },
    ]);
    expect(other.info.path).toBe(one.info.path);
    expect(other.info.sha256).toBe(one.info.sha256);
    const differently = await exported([
      { resource_type: 'message', fields: ['title', 'gid'] },
      {
        resource_type: 'task',
        filters: { 'created_at.after': '2023-01-01T00:00:00.001Z', 'assignee.any': ['1', '2'] },
      },
    ]);
    expect(differently.info.path).not.toBe(one.info.path);
  });
});

describe('a narrowed export of a later revision', () => {
  it('reports no revision changes, which tally whole records; an unnarrowed one does', async () => {
    sandbox.configure({ revision: 1 });
    try {
      const plain = await exported([{ resource_type: 'task' }]);
      const narrowed = await exported([{ resource_type: 'task', fields: ['name'] }]);
      expect(plain.info.changes?.revision).toBe(1);
      expect(narrowed.info.changes).toBeUndefined();
      expect(narrowed.info.records).toBe(plain.info.records);
    } finally {
      sandbox.configure({ revision: 0 });
    }
  });
});

describe('resource export fields', () => {
  it('shows only the fields asked for, with the gid of every object, and nothing else', async () => {
    const fields = ['name', 'assignee.name', 'followers', 'likes.user.name', 'modified_at'];
    const { rows, info } = await exported([
      { resource_type: 'task', fields },
      { resource_type: 'message', fields: ['resource_type', 'title'] },
    ]);
    expect(rows).toHaveLength(whole.length);
    rows.forEach((row, index) => {
      const source = whole[index] as Row;
      if (source.resource_type === 'message') {
        expect(row).toEqual({ gid: source.gid, resource_type: 'message', title: source.title });
        return;
      }
      const assignee = source.assignee as Row | null;
      expect(row).toEqual({
        gid: source.gid,
        name: source.name,
        modified_at: source.modified_at,
        assignee: assignee === null ? null : { gid: assignee.gid, name: assignee.name },
        followers: list(source.followers).map((follower) => ({ gid: gidOf(follower) })),
        likes: list(source.likes).map((like) => {
          const user = (like as Row).user as Row;
          return { gid: (like as Row).gid, user: { gid: user.gid, name: user.name } };
        }),
      });
      expect(Object.keys(row)[0]).toBe('gid');
    });
    // Tasks asked for no resource_type: they count as records, not as tasks.
    expect(info.records).toBe(whole.length);
    expect(info.byResourceType).toEqual({ message: countTypes(whole).message });
  });

  it('shows the default fields for an empty list, and leaves out fields the records lack', async () => {
    const { rows } = await exported([
      { resource_type: 'task', fields: [] },
      { resource_type: 'message', fields: ['gid', 'html_notes', 'status_type'] },
    ]);
    expect(rows.filter((row) => row.resource_type === 'task')).toEqual(
      whole.filter((row) => row.resource_type === 'task'),
    );
    const messages = rows.filter((row) => row.resource_type !== 'task');
    expect(messages.map((row) => Object.keys(row))).toEqual(messages.map(() => ['gid']));
  });

  it('refuses a field that is no field name with 400 naming it', async () => {
    const response = await api(sandbox, 'POST', '/exports/resource', {
      body: {
        data: {
          workspace: uniqueGid(),
          export_request_parameters: [{ resource_type: 'task', fields: ['gid', 'due on'] }],
        },
      },
    });
    expect(response.status).toBe(400);
    expect(errorOf(response).message).toMatch(
      /^export_request_parameters\[0\]\.fields\[1\]: Not a field name: "due on"/,
    );
  });
});
