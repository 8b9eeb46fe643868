import { resumeAdvice } from '@asana-exports/core/protocol';
import {
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
  NodeConnectionTypes,
  NodeOperationError,
} from 'n8n-workflow';
import { compare } from './actions/compare';
import { create } from './actions/create';
import { download } from './actions/download';
import { getStatus } from './actions/getStatus';
import { exportFields, exportOperations } from './descriptions/exportDescription';
import { isToolNode, TOOL_OPERATIONS, withToolFields } from './descriptions/tool';
import { toNodeError } from './errors';
import { searchOrganizations, searchParents, searchWorkspaces } from './listSearch';
import { checkAzureBlobCredential, checkS3Credential } from './storageCredentialTests';
import { createRuntime, type Runtime } from './transport/runtime';

type Operation = (
  context: IExecuteFunctions,
  runtime: Runtime,
  itemIndex: number,
) => Promise<INodeExecutionData[]>;

const operations: Readonly<Record<string, Operation>> = { create, download, getStatus };
/** The operations that talk to Asana; Compare reads binary data or a bucket, never Asana. */
const ASANA_OPERATIONS = Object.keys(operations);

export class AsanaExport implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Asana Export',
    name: 'asanaExport',
    icon: {
      light: 'file:../../icons/asana-exports.svg',
      dark: 'file:../../icons/asana-exports.dark.svg',
    },
    group: ['input'],
    // 1.1: plain-word kinds with graph as the default (see descriptions/kinds.ts); 1.2: the
    // organization, workspace and parent picked from Asana's lists (descriptions/locators.ts).
    version: [1, 1.1, 1.2],
    defaultVersion: 1.2,
    subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
    description:
      "Create, wait for, download and compare Asana's organization, resource and graph exports as binary data",
    defaults: {
      name: 'Asana Export',
    },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    credentials: [
      {
        name: 'asanaExportsApi',
        required: true,
        displayOptions: { show: { authentication: ['accessToken'], operation: ASANA_OPERATIONS } },
      },
      {
        name: 'asanaExportsOAuth2Api',
        required: true,
        displayOptions: { show: { authentication: ['oAuth2'], operation: ASANA_OPERATIONS } },
      },
      {
        name: 'asanaExportsS3Api',
        required: true,
        testedBy: 'checkS3Credential',
        displayOptions: { show: { operation: ['create', 'download', 'compare'], storeIn: ['s3'] } },
      },
      {
        name: 'asanaExportsAzureBlobApi',
        required: true,
        testedBy: 'checkAzureBlobCredential',
        displayOptions: {
          show: { operation: ['create', 'download', 'compare'], storeIn: ['azure'] },
        },
      },
    ],
    // As an AI agent's tool: Create without waiting and Get Status only (see descriptions/tool.ts).
    properties: withToolFields([
      {
        displayName: 'Authentication',
        name: 'authentication',
        type: 'options',
        options: [
          { name: 'Access Token', value: 'accessToken' },
          { name: 'OAuth2', value: 'oAuth2' },
        ],
        default: 'accessToken',
        displayOptions: { show: { operation: ASANA_OPERATIONS } },
        description:
          'Organization and resource exports need a service account token (Access Token)',
      },
      {
        displayName: 'Resource',
        name: 'resource',
        type: 'options',
        noDataExpression: true,
        options: [{ name: 'Export', value: 'export' }],
        default: 'export',
      },
      ...exportOperations,
      ...exportFields,
    ]),
  };

  methods = {
    credentialTest: { checkS3Credential, checkAzureBlobCredential },
    listSearch: { searchOrganizations, searchWorkspaces, searchParents },
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const items = this.getInputData();
    const returnData: INodeExecutionData[] = [];
    let runtime: Runtime | undefined;

    for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
      try {
        const name = this.getNodeParameter('operation', itemIndex) as string;
        if (isToolNode(this.getNode()) && !TOOL_OPERATIONS.includes(name)) {
          throw new NodeOperationError(
            this.getNode(),
            `The operation "${name}" is not offered to an AI agent: only Create (without waiting) and Get Status are`,
            {
              itemIndex,
              description:
                'Download and Compare need a workflow: Create → Wait → Get Status → Download (see the node’s README)',
            },
          );
        }
        if (name === 'compare') {
          returnData.push(...(await compare(this, itemIndex)));
          continue;
        }
        const operation = operations[name];
        if (operation === undefined) {
          throw new NodeOperationError(this.getNode(), `The operation "${name}" is not known`, {
            itemIndex,
          });
        }
        runtime ??= await createRuntime(this);
        runtime.seen.kind = undefined;
        runtime.seen.gid = undefined;
        returnData.push(...(await operation(this, runtime, itemIndex)));
      } catch (error) {
        const resume = runtime === undefined ? undefined : resumeAdvice(error, runtime.seen);
        const nodeError = toNodeError(this.getNode(), error, itemIndex, resume);
        if (this.continueOnFail()) {
          const item: INodeExecutionData = {
            json: { error: nodeError.message, description: nodeError.description ?? null },
            pairedItem: { item: itemIndex },
          };
          // With "Continue (using error output)", n8n sends an item to the error output only if
          // it carries the error (or its json holds nothing but error/message/details, which
          // `description` rules out): without it, a failed export went down the success branch.
          // n8n then shows the item as { error } with the error, description included, beside.
          if (this.getNode().onError === 'continueErrorOutput') item.error = nodeError;
          returnData.push(item);
          continue;
        }
        throw nodeError;
      }
    }
    return [returnData];
  }
}
