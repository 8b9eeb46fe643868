import type { ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

/**
 * A SAS token for one Azure Blob Storage container, for Store In (Create, Download): the narrowest
 * credential Azure has (one container, chosen permissions, an expiry), and the only one the node
 * takes, so no account key is ever stored in n8n.
 */
export class AsanaExportsAzureBlobApi implements ICredentialType {
  name = 'asanaExportsAzureBlobApi';

  displayName = 'Asana Exports: Azure Blob Storage API';

  icon: Icon = {
    light: 'file:../icons/asana-exports.svg',
    dark: 'file:../icons/asana-exports.dark.svg',
  };

  documentationUrl =
    'https://github.com/asana-exports/asana-exports/blob/main/packages/n8n-node/docs/credentials.md';

  properties: INodeProperties[] = [
    {
      displayName: 'Storage Account',
      name: 'account',
      type: 'string',
      required: true,
      default: '',
      placeholder: 'mybackups',
    },
    {
      displayName: 'SAS Token',
      name: 'sasToken',
      type: 'string',
      typeOptions: { password: true },
      required: true,
      default: '',
      description:
        'A container SAS with read, create, write and delete permissions (az storage container generate-sas --permissions rcwd), and list for Compare’s Latest vs Previous (rcwdl)',
    },
    {
      displayName: 'Blob Endpoint',
      name: 'blobEndpoint',
      type: 'string',
      default: '',
      placeholder: 'https://mybackups.blob.core.windows.net',
      description: 'Empty: https://ACCOUNT.blob.core.windows.net',
    },
  ];
}
