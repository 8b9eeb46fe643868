import type { INodeProperties } from 'n8n-workflow';

/**
 * The node as an AI agent's tool. An agent gets only what it can use: Create, which returns at
 * once with the export's gid (never waiting: an export can take hours, and a tool call that
 * holds a worker that long times out or blocks the agent), and Get Status by that gid. Not
 * Download (a binary file an agent cannot read) nor Compare (two such files as input).
 *
 * n8n makes the tool by copying the node's description under the type `asanaExportTool`, and
 * `@tool` in displayOptions is true there only: the tool's panel shows its own operations and
 * nothing that waits, and `isToolNode` enforces the same at run time, whatever the parameters.
 * Conditions in the tool use `hide`, or `show` of `true`: an n8n without `@tool` shows the node
 * as it always was, and never the tool's own fields.
 */
export const TOOL_OPERATIONS: readonly string[] = ['create', 'getStatus'];

/** What the agent's model reads to decide when to call the tool (n8n's tool description). */
export const TOOL_DESCRIPTION =
  "Starts an Asana export (of an organization, of a workspace's resources, or of a project, portfolio, team or goal) or reads an export's status by its gid. Create returns at once with the new export's gid and state; Asana then takes minutes to hours to finish the export, so check it later with Get Status, not in a tight loop. Get Status returns at once with the state and done (true once the file is ready). The file itself is never returned: a workflow downloads it (Asana Export's Download, a binary file).";

const IN_TOOL = { '@tool': [true] };

/**
 * The tool's fields added to the node's, and the node's that the tool must not offer hidden in
 * it: the full operation list, Wait for Completion and everything shown only when waiting.
 */
export function withToolFields(properties: readonly INodeProperties[]): INodeProperties[] {
  const notWaiting = properties.find(
    (property) =>
      property.name === 'options' &&
      property.displayOptions?.show?.operation?.includes('create') === true &&
      property.displayOptions.show.waitForCompletion?.[0] === false,
  );
  if (notWaiting === undefined) throw new RangeError('Create has no options without waiting');
  const createShow = { ...notWaiting.displayOptions?.show };
  delete createShow.waitForCompletion;
  return [
    ...properties.map((property) => (offeredInTool(property) ? property : hiddenInTool(property))),
    toolDescriptionField,
    toolOperation,
    { ...notWaiting, displayOptions: { show: { ...createShow, ...IN_TOOL } } },
  ];
}

function offeredInTool(property: INodeProperties): boolean {
  if (property.name === 'operation' || property.name === 'waitForCompletion') return false;
  return property.displayOptions?.show?.waitForCompletion === undefined;
}

function hiddenInTool(property: INodeProperties): INodeProperties {
  const { displayOptions } = property;
  return {
    ...property,
    displayOptions: { ...displayOptions, hide: { ...displayOptions?.hide, ...IN_TOOL } },
  };
}

/**
 * n8n adds a Description field to every tool, defaulting to "Create an export in Asana Export";
 * one of the node's own, found by its name, is used instead: this one says how long it takes.
 */
const toolDescriptionField: INodeProperties = {
  displayName: 'Description',
  name: 'toolDescription',
  type: 'string',
  default: TOOL_DESCRIPTION,
  required: true,
  typeOptions: { rows: 4 },
  description:
    'Explain to the LLM what this tool does, a good, specific description would allow LLMs to produce expected results much more often',
  displayOptions: { show: IN_TOOL },
};

const toolOperation: INodeProperties = {
  displayName: 'Operation',
  name: 'operation',
  type: 'options',
  noDataExpression: true,
  displayOptions: { show: { resource: ['export'], ...IN_TOOL } },
  options: [
    {
      name: 'Create',
      value: 'create',
      action: 'Create an export',
      description: 'Start an export and return its gid at once, without waiting for it',
    },
    {
      name: 'Get Status',
      value: 'getStatus',
      action: 'Get the status of an export',
      description: 'Read the state of an export by its gid',
    },
  ],
  default: 'getStatus',
};

/** The same test as n8n's `@tool`: the tool is the node's type with `Tool` appended. */
export function isToolNode(node: { readonly type: string }): boolean {
  return node.type.endsWith('Tool');
}
