import type { INodeProperties } from 'n8n-workflow';

const gidList = (displayName: string, name: string, who: string, note = ''): INodeProperties => ({
  displayName,
  name,
  type: 'string',
  default: '',
  placeholder: '1234567890123456, 2345678901234567',
  description: `Comma-separated gids of users: only records ${who}${note}`,
});

/** Asana's documented filters for task and message exports. Teams take none. */
export const filterOptions: INodeProperties[] = [
  gidList('Assigned By', 'assignedBy', 'assigned by one of them', ' (tasks only)'),
  gidList('Assignee', 'assignee', 'assigned to one of them', ' (tasks only)'),
  gidList('Commented On By', 'commentedOnBy', 'commented on by one of them'),
  {
    displayName: 'Created After',
    name: 'createdAfter',
    type: 'dateTime',
    default: '',
    description: "Only records created after this moment (in the workflow's time zone)",
  },
  {
    displayName: 'Created Before',
    name: 'createdBefore',
    type: 'dateTime',
    default: '',
    description: "Only records created before this moment (in the workflow's time zone)",
  },
  gidList('Created By', 'createdBy', 'created by one of them'),
  gidList('Followers', 'followers', 'followed by one of them'),
  gidList('Liked By', 'likedBy', 'liked by one of them'),
  {
    displayName: 'Modified After',
    name: 'modifiedAfter',
    type: 'dateTime',
    default: '',
    description: "Only records modified after this moment (in the workflow's time zone)",
  },
  {
    displayName: 'Modified Before',
    name: 'modifiedBefore',
    type: 'dateTime',
    default: '',
    description: "Only records modified before this moment (in the workflow's time zone)",
  },
];
