import type { INodeProperties } from 'n8n-workflow';
import { FROM_VERSION_1_2 } from './kinds';

/**
 * From node version 1.2, the organization, the workspace and the graph export's parent are
 * picked from Asana's lists ("From list", the `listSearch` methods of listSearch.ts), typed as
 * a gid ("By ID") or, for the parent, pasted as an Asana link ("By URL"). params.ts reads the
 * three modes into a gid, in one place, before the core validates it like any typed gid.
 */

/** The `listSearch` methods the "From list" modes call, by name. */
export const LIST_METHODS = {
  organizations: 'searchOrganizations',
  workspaces: 'searchWorkspaces',
  parents: 'searchParents',
} as const;

/** What the editor accepts "By ID": the core's `isGid` (decimal digits) in n8n's regex form. */
const GID_REGEX = '^\\s*[0-9]{1,32}\\s*$';

/**
 * Asana links to a project, portfolio, goal or team, whose gid is the first group: today's
 * `/1/{workspace}/project/{gid}…` (also portfolio, goal, team) and the older `/0/{project}/…`,
 * `/0/portfolio/{gid}/…`, `/0/goal/{gid}`, `/0/team/{gid}/…`. A task's link, `/0/{project}/{task}`,
 * names its project first, which is what a graph export of that project wants.
 */
export const PARENT_URL_REGEX =
  '^\\s*https://app\\.asana\\.com/(?:1/[0-9]+/(?:project|portfolio|goal|team)|0(?:/(?:portfolio|goal|team))?)/([0-9]{1,32})(?:[/?#].*)?$';

const forCreate = (kind: string) => ({
  show: { resource: ['export'], operation: ['create'], kind: [kind], ...FROM_VERSION_1_2 },
});

/** Organization and resource exports: placed where the typed gids of versions 1 and 1.1 are. */
export const targetLocators: INodeProperties[] = [
  {
    displayName: 'Organization',
    name: 'organization',
    type: 'resourceLocator',
    required: true,
    default: { mode: 'list', value: '' },
    description: 'The organization to export: Asana lists the organizations among your workspaces',
    displayOptions: forCreate('organization'),
    modes: [
      {
        displayName: 'From List',
        name: 'list',
        type: 'list',
        placeholder: 'Select an organization...',
        typeOptions: { searchListMethod: LIST_METHODS.organizations, searchable: true },
      },
      {
        displayName: 'By ID',
        name: 'id',
        type: 'string',
        placeholder: 'e.g. 1234567890123456',
        validation: [
          {
            type: 'regex',
            properties: {
              regex: GID_REGEX,
              errorMessage: 'Not a gid: the numeric id of the organization (its workspace gid)',
            },
          },
        ],
      },
    ],
  },
  {
    displayName: 'Workspace',
    name: 'workspace',
    type: 'resourceLocator',
    required: true,
    default: { mode: 'list', value: '' },
    description: 'The workspace whose tasks, teams or messages to export',
    displayOptions: forCreate('resource'),
    modes: [
      {
        displayName: 'From List',
        name: 'list',
        type: 'list',
        placeholder: 'Select a workspace...',
        typeOptions: { searchListMethod: LIST_METHODS.workspaces, searchable: true },
      },
      {
        displayName: 'By ID',
        name: 'id',
        type: 'string',
        placeholder: 'e.g. 1234567890123456',
        validation: [
          {
            type: 'regex',
            properties: {
              regex: GID_REGEX,
              errorMessage: 'Not a gid: the numeric id of the workspace',
            },
          },
        ],
      },
    ],
  },
];

/** Graph exports: the workspace to list parents from, then the parent. */
export const parentLocators: INodeProperties[] = [
  {
    // Only to list the parents in it: the graph export itself takes the parent alone.
    displayName: 'Workspace',
    name: 'workspace',
    type: 'resourceLocator',
    default: { mode: 'list', value: '' },
    description: 'Where to list parents from; not needed for a parent given by ID or URL',
    displayOptions: forCreate('graph'),
    modes: [
      {
        displayName: 'From List',
        name: 'list',
        type: 'list',
        placeholder: 'Select a workspace...',
        typeOptions: { searchListMethod: LIST_METHODS.workspaces, searchable: true },
      },
      {
        displayName: 'By ID',
        name: 'id',
        type: 'string',
        placeholder: 'e.g. 1234567890123456',
        validation: [
          {
            type: 'regex',
            properties: {
              regex: GID_REGEX,
              errorMessage: 'Not a gid: the numeric id of the workspace',
            },
          },
        ],
      },
    ],
  },
  {
    displayName: 'Parent',
    name: 'parent',
    type: 'resourceLocator',
    required: true,
    default: { mode: 'list', value: '' },
    description:
      'The project, portfolio, team or goal to export with its hierarchy. The list shows those of the workspace above.',
    displayOptions: forCreate('graph'),
    modes: [
      {
        displayName: 'From List',
        name: 'list',
        type: 'list',
        placeholder: 'Select a project, portfolio, team or goal...',
        typeOptions: { searchListMethod: LIST_METHODS.parents, searchable: true },
      },
      {
        displayName: 'By URL',
        name: 'url',
        type: 'string',
        placeholder: 'e.g. https://app.asana.com/1/1234567890123456/project/1234567890123457',
        extractValue: { type: 'regex', regex: PARENT_URL_REGEX },
        validation: [
          {
            type: 'regex',
            properties: {
              regex: PARENT_URL_REGEX,
              errorMessage: 'Not an Asana link to a project, portfolio, team or goal',
            },
          },
        ],
      },
      {
        displayName: 'By ID',
        name: 'id',
        type: 'string',
        placeholder: 'e.g. 1234567890123456',
        validation: [
          {
            type: 'regex',
            properties: {
              regex: GID_REGEX,
              errorMessage: 'Not a gid: the numeric id of the project, portfolio, team or goal',
            },
          },
        ],
      },
    ],
  },
];
