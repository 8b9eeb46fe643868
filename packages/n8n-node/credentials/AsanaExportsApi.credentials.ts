import type {
  IAuthenticateGeneric,
  ICredentialTestRequest,
  ICredentialType,
  Icon,
  INodeProperties,
} from 'n8n-workflow';

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
      displayName: 'Base URL',
      name: 'baseUrl',
      type: 'string',
      default: 'https://app.asana.com/api/1.0',
      description:
        "The Asana API's base URL. Change it only for a proxy in front of Asana or for a local stand-in used in tests.",
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

  // Asana answers 401 to a mistyped, expired or revoked token and 200 with the token's user otherwise.
  test: ICredentialTestRequest = {
    request: {
      baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
      url: '/users/me',
      method: 'GET',
    },
    rules: [
      {
        type: 'responseCode',
        properties: {
          value: 401,
          message: 'Asana rejected the token: it may be mistyped, expired or revoked.',
        },
      },
    ],
  };
}
