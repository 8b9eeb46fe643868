/**
 * Record shapes for the three export files. Each source yields one JSON line at a time from a
 * seeded generator, so a file of any size can be streamed without holding it in memory. The
 * records reuse small pools of users, projects and teams, as a real workspace's records do.
 *
 * Two generators feed a source: `rng` decides everything but the gids, `ids` draws the gids,
 * which are always 16 digits. Keeping `rng` and changing `ids` therefore gives other records of
 * exactly the same byte lengths: how the versions of a changed object are made.
 */
import type { Prng } from './prng.js';
import type { ExportKind, ResourceType } from './types.js';
import { COLORS, containerName, personName, prose, title } from './words.js';

export interface GeneratedRecord {
  resourceType: string;
  line: string;
  /** The record `line` is the JSON of, for a revision to change (see `revisions.ts`). */
  record: JsonRecord;
}

export interface RecordSource {
  next(): GeneratedRecord;
}

// A type alias rather than an interface so that it is assignable to `Json`.
type Ref = { gid: string; resource_type: string; name: string };

const EPOCH = Date.UTC(2021, 0, 1);
const THREE_YEARS_MS = 3 * 365 * 24 * 3600 * 1000;

const RESOURCE_WEIGHTS: Record<ResourceType, number> = { task: 80, message: 15, team: 5 };

const GRAPH_WEIGHTS = {
  portfolio: 1,
  project: 4,
  section: 10,
  task: 60,
  portfolio_to_portfolio: 1,
  project_to_portfolio: 3,
  allocation: 5,
  time_tracking_entry: 16,
};

const ORGANIZATION_WEIGHTS = {
  user: 5,
  team: 2,
  project: 5,
  section: 8,
  task: 40,
  story: 30,
  tag: 3,
  attachment: 5,
  custom_field: 2,
};

export function createRecordSource(
  kind: ExportKind,
  resourceTypes: readonly ResourceType[],
  rng: Prng,
  ids: Prng,
): RecordSource {
  const world = new World(rng, ids);
  switch (kind) {
    case 'resource': {
      const weights = Object.fromEntries(
        resourceTypes.map((type) => [type, RESOURCE_WEIGHTS[type]]),
      );
      return fromWeights(world, weights);
    }
    case 'graph':
      return fromWeights(world, GRAPH_WEIGHTS);
    case 'organization': {
      const rest = fromWeights(world, ORGANIZATION_WEIGHTS);
      let first = true;
      return {
        next() {
          if (!first) return rest.next();
          first = false;
          return emit(world.workspaceRecord());
        },
      };
    }
  }
}

/** A line that starts like a record and stops halfway: what a `not-json` file hides. */
export function brokenLine(rng: Prng, ids: Prng): string {
  const line = JSON.stringify(new World(rng, ids).task());
  return line.slice(0, Math.floor(line.length / 2));
}

function fromWeights(world: World, weights: Readonly<Record<string, number>>): RecordSource {
  return { next: () => emit(world.make(world.rng.weighted(weights))) };
}

function emit(record: JsonRecord): GeneratedRecord {
  return { resourceType: record.resource_type, line: JSON.stringify(record), record };
}

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonRecord = { resource_type: string; [key: string]: Json };

/**
 * The workspace's custom fields, and the values tasks may hold. The first is renamed by every
 * revision after the first (see `revisions.ts`), as an admin renaming a field would.
 */
export const CUSTOM_FIELDS = [
  { name: 'Priority', values: ['High', 'Medium', 'Low'] },
  { name: 'Stage', values: ['Planned', 'Doing', 'Review', 'Done'] },
  { name: 'Estimate', values: ['1', '2', '3', '5', '8', '13'] },
  { name: 'Risk', values: ['Low', 'High'] },
] as const;

/** The pools every record points into, and one maker per resource type. */
class World {
  readonly rng: Prng;
  /** Draws gids only, so that a different one changes values but never lengths. */
  readonly #ids: Prng;
  readonly #workspace: Ref;
  readonly #users: Ref[];
  readonly #teams: Ref[];
  readonly #projects: Ref[];
  readonly #portfolios: Ref[];
  readonly #tasks: Ref[] = [];
  readonly #customFieldGids: string[];

  constructor(rng: Prng, ids: Prng) {
    this.rng = rng;
    this.#ids = ids;
    this.#workspace = { gid: ids.gid(), resource_type: 'workspace', name: 'Sandbox Organization' };
    this.#users = this.#pool(200, 'user', () => personName(rng));
    this.#teams = this.#pool(16, 'team', () => containerName(rng));
    this.#projects = this.#pool(80, 'project', () => containerName(rng));
    this.#portfolios = this.#pool(12, 'portfolio', () => containerName(rng));
    this.#customFieldGids = CUSTOM_FIELDS.map(() => ids.gid());
  }

  make(type: string): JsonRecord {
    switch (type) {
      case 'task':
        return this.task();
      case 'team':
        return this.team();
      case 'message':
        return this.message();
      case 'portfolio':
        return this.portfolio();
      case 'project':
        return this.project();
      case 'section':
        return this.section();
      case 'portfolio_to_portfolio':
        return this.link(type, 'parent', this.#portfolios, 'child', this.#portfolios);
      case 'project_to_portfolio':
        return this.link(type, 'project', this.#projects, 'portfolio', this.#portfolios);
      case 'allocation':
        return this.allocation();
      case 'time_tracking_entry':
        return this.timeTrackingEntry();
      case 'user':
        return this.user();
      case 'story':
        return this.story();
      case 'tag':
        return this.tag();
      case 'attachment':
        return this.attachment();
      case 'custom_field':
        return this.customField();
      default:
        throw new RangeError(`no record maker for ${type}`);
    }
  }

  workspaceRecord(): JsonRecord {
    return {
      ...this.#workspace,
      is_organization: true,
      email_domains: ['example.com'],
    };
  }

  task(): JsonRecord {
    const { rng } = this;
    const gid = this.#ids.gid();
    const name = title(rng);
    const created = this.#time();
    const completed = rng.chance(0.45);
    const project = rng.pick(this.#projects);
    const assignee = rng.chance(0.75) ? rng.pick(this.#users) : null;
    const likes = this.#likes(rng.chance(0.7) ? 0 : rng.int(1, 4));
    this.#remember({ gid, resource_type: 'task', name });
    return {
      gid,
      resource_type: 'task',
      resource_subtype: rng.chance(0.92) ? 'default_task' : 'milestone',
      name,
      notes: rng.chance(0.8) ? prose(rng, 8, 70) : '',
      completed,
      completed_at: completed ? this.#after(created) : null,
      created_at: new Date(created).toISOString(),
      modified_at: this.#after(created),
      due_on: rng.chance(0.6) ? this.#after(created).slice(0, 10) : null,
      assignee,
      assigned_by: assignee === null ? null : this.#user(),
      created_by: this.#user(),
      followers: this.#some(this.#users, 0, 4),
      num_likes: likes.length,
      likes,
      stories: this.#stories(created, 0, 3),
      projects: [project],
      memberships: [
        { project, section: { gid: this.#ids.gid(), resource_type: 'section', name: title(rng) } },
      ],
      tags: this.#some(this.#projects, 0, 1).map((tag) => ({ ...tag, resource_type: 'tag' })),
      custom_fields: this.#customFieldValues(),
      permalink_url: `https://app.asana.com/1/${this.#workspace.gid}/task/${gid}`,
    };
  }

  team(): JsonRecord {
    const { rng } = this;
    const gid = this.#ids.gid();
    return {
      gid,
      resource_type: 'team',
      name: containerName(rng),
      description: prose(rng, 6, 30),
      organization: this.#workspace,
      visibility: rng.pick(['secret', 'request_to_join', 'public']),
      permalink_url: `https://app.asana.com/1/${this.#workspace.gid}/team/${gid}`,
    };
  }

  message(): JsonRecord {
    const { rng } = this;
    const created = this.#time();
    const likes = this.#likes(rng.int(0, 4));
    return {
      gid: this.#ids.gid(),
      resource_type: 'message',
      // Messages carry a title and the objects they were sent to (Asana's export notes).
      title: title(rng),
      text: prose(rng, 20, 120),
      created_at: new Date(created).toISOString(),
      modified_at: this.#after(created),
      created_by: this.#user(),
      followers: this.#some(this.#users, 1, 6),
      parents: [rng.chance(0.5) ? rng.pick(this.#projects) : rng.pick(this.#teams)],
      num_likes: likes.length,
      likes,
      stories: this.#stories(created, 0, 2),
    };
  }

  portfolio(): JsonRecord {
    const { rng } = this;
    return {
      ...rng.pick(this.#portfolios),
      owner: this.#user(),
      color: rng.pick(COLORS),
      public: rng.chance(0.5),
      created_at: new Date(this.#time()).toISOString(),
      workspace: this.#workspace,
    };
  }

  project(): JsonRecord {
    const { rng } = this;
    const created = this.#time();
    return {
      ...rng.pick(this.#projects),
      notes: prose(rng, 5, 40),
      owner: this.#user(),
      team: rng.pick(this.#teams),
      archived: rng.chance(0.1),
      color: rng.pick(COLORS),
      created_at: new Date(created).toISOString(),
      modified_at: this.#after(created),
      due_on: rng.chance(0.5) ? this.#after(created).slice(0, 10) : null,
      default_view: rng.pick(['list', 'board', 'calendar', 'timeline']),
    };
  }

  section(): JsonRecord {
    const { rng } = this;
    return {
      gid: this.#ids.gid(),
      resource_type: 'section',
      name: title(rng),
      project: rng.pick(this.#projects),
      created_at: new Date(this.#time()).toISOString(),
    };
  }

  link(type: string, fromName: string, from: Ref[], toName: string, to: Ref[]): JsonRecord {
    return {
      resource_type: type,
      [fromName]: this.rng.pick(from),
      [toName]: this.rng.pick(to),
    };
  }

  allocation(): JsonRecord {
    const { rng } = this;
    const start = this.#time();
    return {
      gid: this.#ids.gid(),
      resource_type: 'allocation',
      assignee: this.#user(),
      parent: rng.pick(this.#projects),
      start_date: new Date(start).toISOString().slice(0, 10),
      end_date: this.#after(start).slice(0, 10),
      effort: { type: 'hours', value: rng.int(1, 160) },
      created_by: this.#user(),
    };
  }

  timeTrackingEntry(): JsonRecord {
    const { rng } = this;
    const entered = this.#time();
    return {
      gid: this.#ids.gid(),
      resource_type: 'time_tracking_entry',
      duration_minutes: rng.int(5, 480),
      entered_on: new Date(entered).toISOString().slice(0, 10),
      created_at: new Date(entered).toISOString(),
      created_by: this.#user(),
      task: this.#recentTask(),
    };
  }

  user(): JsonRecord {
    const { rng } = this;
    const user = rng.pick(this.#users);
    const [first = 'user'] = user.name.toLowerCase().split(' ');
    return { ...user, email: `${first}.${user.gid.slice(-4)}@example.com`, photo: null };
  }

  story(): JsonRecord {
    const { rng } = this;
    return {
      gid: this.#ids.gid(),
      resource_type: 'story',
      resource_subtype: rng.pick([
        'comment_added',
        'assigned',
        'marked_complete',
        'due_date_changed',
      ]),
      text: prose(rng, 4, 50),
      created_at: new Date(this.#time()).toISOString(),
      created_by: this.#user(),
      target: this.#recentTask(),
    };
  }

  tag(): JsonRecord {
    const { rng } = this;
    return {
      gid: this.#ids.gid(),
      resource_type: 'tag',
      name: rng.pick(['blocked', 'needs review', 'customer', 'q3', 'bug', 'design', 'legal']),
      color: rng.pick(COLORS),
      created_at: new Date(this.#time()).toISOString(),
    };
  }

  attachment(): JsonRecord {
    const { rng } = this;
    const gid = this.#ids.gid();
    return {
      gid,
      resource_type: 'attachment',
      name: `${title(rng).toLowerCase().replaceAll(' ', '-')}.${rng.pick(['pdf', 'png', 'docx', 'csv'])}`,
      size: rng.int(1_000, 9_000_000),
      host: 'asana',
      parent: this.#recentTask(),
      created_at: new Date(this.#time()).toISOString(),
    };
  }

  customField(): JsonRecord {
    const { rng } = this;
    return {
      gid: this.#ids.gid(),
      resource_type: 'custom_field',
      name: containerName(rng),
      resource_subtype: rng.pick(['text', 'number', 'enum', 'date', 'people']),
      description: prose(rng, 3, 15),
      is_global_to_workspace: rng.chance(0.3),
    };
  }

  #pool(size: number, resourceType: string, name: () => string): Ref[] {
    return Array.from({ length: size }, () => ({
      gid: this.#ids.gid(),
      resource_type: resourceType,
      name: name(),
    }));
  }

  /** Each custom field at most once, in the workspace's order, as Asana lists them. */
  #customFieldValues(): Json[] {
    const entries: Json[] = [];
    CUSTOM_FIELDS.forEach((field, index) => {
      if (!this.rng.chance(0.5)) return;
      entries.push({
        gid: this.#customFieldGids[index] as string,
        resource_type: 'custom_field',
        name: field.name,
        resource_subtype: 'enum',
        display_value: this.rng.pick(field.values),
      });
    });
    return entries;
  }

  /** Asana's Like objects: a gid of the like's own and the user who liked. */
  #likes(count: number): Json[] {
    return Array.from({ length: count }, () => ({ gid: this.#ids.gid(), user: this.#user() }));
  }

  /**
   * The stories an export includes with a task or message: comments mostly, and some changes, so
   * that `commented_on_by.any` (comments only) and a story's author differ now and then.
   */
  #stories(after: number, min: number, max: number): Json[] {
    const { rng } = this;
    return Array.from({ length: rng.int(min, max) }, () => ({
      gid: this.#ids.gid(),
      resource_type: 'story',
      resource_subtype: rng.chance(0.7)
        ? 'comment_added'
        : rng.pick(['assigned', 'marked_complete']),
      created_at: this.#after(after),
      created_by: this.#user(),
      text: prose(rng, 2, 16),
    }));
  }

  #user(): Ref {
    return this.rng.pick(this.#users);
  }

  #some(pool: readonly Ref[], min: number, max: number): Ref[] {
    return Array.from({ length: this.rng.int(min, max) }, () => this.rng.pick(pool));
  }

  /** Later records point at tasks seen earlier, as comments and time entries do. */
  #remember(task: Ref): void {
    if (this.#tasks.length < 500) this.#tasks.push(task);
    else this.#tasks[this.rng.int(0, 499)] = task;
  }

  #recentTask(): Ref {
    if (this.#tasks.length === 0) {
      this.#remember({ gid: this.#ids.gid(), resource_type: 'task', name: title(this.rng) });
    }
    return this.rng.pick(this.#tasks);
  }

  #time(): number {
    return EPOCH + Math.floor(this.rng.next() * THREE_YEARS_MS);
  }

  #after(time: number): string {
    return new Date(time + this.rng.int(60_000, 90 * 24 * 3600 * 1000)).toISOString();
  }
}
