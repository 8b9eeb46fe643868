import { WHO_MAY_EXPORT } from '@asana-exports/core/protocol';
import type { INodeProperties } from 'n8n-workflow';

/**
 * Node version 1.1 renamed the kinds in plain words and made graph the default: it is the one
 * export any user of an Enterprise organization may run. Version 1 keeps organization as its
 * default, because n8n saves no parameter that equals its default: a version 1 node saved
 * without `kind` must go on creating organization exports. Values stay those of version 1.
 */
export const VERSION_1 = { '@version': [1] };
export const FROM_VERSION_1_1 = { '@version': [{ _cnd: { gte: 1.1 } }] };
/**
 * Node version 1.2 made the organization, the workspace and the parent pick-lists
 * (`resourceLocator`, descriptions/locators.ts): their saved values are objects there, so the
 * gid fields typed by hand stay for versions 1 and 1.1, whose workflows hold strings.
 */
export const BEFORE_VERSION_1_2 = { '@version': [{ _cnd: { lt: 1.2 } }] };
export const FROM_VERSION_1_2 = { '@version': [{ _cnd: { gte: 1.2 } }] };

const show = { resource: ['export'], operation: ['create', 'download', 'getStatus'] };

/** The kinds, in plain words: Create's Export Kind, and Compare's Kind for Latest vs Previous. */
export const EXPORT_KIND_OPTIONS: INodeProperties['options'] = [
  {
    name: 'Organization',
    value: 'organization',
    description: `The whole organization as one gzip JSON file; it can take hours. Who may run it: ${WHO_MAY_EXPORT.organization}.`,
  },
  {
    name: 'Project, Portfolio, Team or Goal (Graph)',
    value: 'graph',
    description: `One project, portfolio, team or goal with everything under it (tasks, subtasks, sections, subprojects…) as gzip JSON Lines, one record per line. Who may run it: ${WHO_MAY_EXPORT.graph}.`,
  },
  {
    name: 'Resources (Tasks, Teams, Messages)',
    value: 'resource',
    description: `The tasks, teams or messages of a whole workspace, with the fields and filters you choose, as gzip JSON Lines; one at a time per workspace. Who may run it: ${WHO_MAY_EXPORT.resource}.`,
  },
];

export const kindFields: INodeProperties[] = [
  {
    displayName: 'Export Kind',
    name: 'kind',
    type: 'options',
    displayOptions: { show: { ...show, ...VERSION_1 } },
    options: EXPORT_KIND_OPTIONS,
    default: 'organization',
  },
  {
    displayName: 'Export Kind',
    name: 'kind',
    type: 'options',
    displayOptions: { show: { ...show, ...FROM_VERSION_1_1 } },
    options: EXPORT_KIND_OPTIONS,
    default: 'graph',
    description: 'What to export, and so who may run it',
  },
];
