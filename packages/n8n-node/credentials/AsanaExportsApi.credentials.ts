import type {
  IAuthenticateGeneric,
  ICredentialTestRequest,
  ICredentialType,
  Icon,
  INodeProperties,
} from 'n8n-workflow';
import { tokenTest } from './tokenTest';

/**
 * A personal access token or a service account token. Exports need the right kind of account:
 * organization and resource exports take a service account of an Enterprise(+) organization.
 */
export class AsanaExportsApi implements ICredentialType {
  name = 'asanaExportsApi';

  displayName = 'Asana Exports API';

  icon: Icon = {
    light: 'file:../icons/asana-exports.svg',
    dark: 'file:../icons/asana-exports.dark.svg',
  };

  documentationUrl =
    'https://github.com/asana-exports/asana-exports/blob/main/packages/n8n-node/docs/credentials.md';

  properties: INodeProperties[] = [
    {
      displayName: 'Access Token',
      name: 'accessToken',
      type: 'string',
      typeOptions: { password: true },
      required: true,
      default: '',
      description:
        'A personal access token, or a service account token (Admin Console → Apps → Service accounts). Organization and resource exports need a service account.',
    },
    {
      // Hidden: only tests (and a proxy in front of Asana) need another address. n8n uses the
      // value a credential was imported or created with (n8n import:credentials, the public
      // API); the editor does not show it. See docs/credentials.md.
      displayName: 'Base URL',
      name: 'baseUrl',
      type: 'hidden',
      default: 'https://app.asana.com/api/1.0',
    },
  ];

  authenticate: IAuthenticateGeneric = {
    type: 'generic',
    properties: {
      headers: {
        Authorization: '=Bearer {{$credentials.accessToken}}',
      },
    },
  };

  // 200 for a good token, 401 for a bad one, 403 for a scoped one (see tokenTest.ts).
  test: ICredentialTestRequest = tokenTest;
}
