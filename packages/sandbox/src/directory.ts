/**
 * The workspaces a sandbox token sees, and the projects, portfolios, teams and goals in them:
 * what pick-lists offer (the n8n node's "From list"). Fixed names and gids, the same in every
 * run, so tests can name what they pick; one organization among personal workspaces, as a real
 * account has, and a few dozen projects in it, so that listing them takes several pages.
 */

export type ParentType = 'project' | 'portfolio' | 'team' | 'goal';

export interface Workspace {
  readonly gid: string;
  readonly name: string;
  readonly isOrganization: boolean;
}

export interface Listed {
  readonly gid: string;
  readonly name: string;
}

interface WorkspaceContents {
  readonly workspace: Workspace;
  readonly parents: Readonly<Record<ParentType, readonly Listed[]>>;
}

const TYPE_DIGIT: Readonly<Record<ParentType, number>> = {
  project: 1,
  portfolio: 2,
  team: 3,
  goal: 4,
};

const PROJECT_TOPICS = ['Website', 'Mobile App', 'Marketing', 'Hiring', 'Onboarding', 'Roadmap'];
const PROJECT_PERIODS = ['Q1', 'Q2', 'Q3', 'Q4', 'Launch', 'Retro'];

/** `11`, the workspace's number, the type's digit and a 12-digit index: 16 digits, like Asana's. */
function childGid(workspaceNumber: number, type: ParentType, index: number): string {
  return `11${workspaceNumber}${TYPE_DIGIT[type]}${String(index + 1).padStart(12, '0')}`;
}

function listed(workspaceNumber: number, type: ParentType, names: readonly string[]): Listed[] {
  return names.map((name, index) => ({ gid: childGid(workspaceNumber, type, index), name }));
}

function contents(
  workspaceNumber: number,
  name: string,
  isOrganization: boolean,
  names: Readonly<Record<ParentType, readonly string[]>>,
): WorkspaceContents {
  const workspace = { gid: `1100000000000${100 + workspaceNumber}`, name, isOrganization };
  return {
    workspace,
    parents: {
      project: listed(workspaceNumber, 'project', names.project),
      portfolio: listed(workspaceNumber, 'portfolio', names.portfolio),
      team: listed(workspaceNumber, 'team', names.team),
      goal: listed(workspaceNumber, 'goal', names.goal),
    },
  };
}

const DIRECTORY: readonly WorkspaceContents[] = [
  contents(1, 'Sandbox Corp', true, {
    // 36 projects: "Website Q1" … "Roadmap Retro".
    project: PROJECT_TOPICS.flatMap((topic) => PROJECT_PERIODS.map((p) => `${topic} ${p}`)),
    portfolio: ['Product Portfolio', 'Marketing Portfolio', 'Engineering Portfolio', 'Operations'],
    team: ['Engineering', 'Design', 'Marketing', 'Operations'],
    goal: ['Grow revenue 20%', 'Ship the mobile app', 'Hire 10 engineers', 'Cut churn in half'],
  }),
  contents(2, 'Personal Projects', false, {
    project: ['Reading List', 'Travel Plans', 'Garden'],
    portfolio: ['My Portfolio'],
    team: [],
    goal: ['Run a marathon'],
  }),
  contents(3, 'Design Agency', false, {
    project: ['Client Alpha', 'Client Beta'],
    portfolio: [],
    team: [],
    goal: [],
  }),
  contents(4, 'Open Source Club', false, {
    project: ['Website Redesign'],
    portfolio: [],
    team: [],
    goal: [],
  }),
];

export const WORKSPACES: readonly Workspace[] = DIRECTORY.map((entry) => entry.workspace);

export function findWorkspace(gid: string): Workspace | undefined {
  return WORKSPACES.find((workspace) => workspace.gid === gid);
}

/** The parents of `type` in a workspace; undefined for a workspace the token does not see. */
export function parentsOf(workspaceGid: string, type: ParentType): readonly Listed[] | undefined {
  return DIRECTORY.find((entry) => entry.workspace.gid === workspaceGid)?.parents[type];
}
