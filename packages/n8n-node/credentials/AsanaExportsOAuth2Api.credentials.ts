import type { ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

/**
 * Asana OAuth2 (authorization code). Asana's OAuth scopes do not cover the export endpoints, so an
 * app needs full permissions; organization and resource exports need a service account token
 * instead (the Asana Exports API credential).
 */
export class AsanaExportsOAuth2Api implements ICredentialType {
  name = 'asanaExportsOAuth2Api';

  extends = ['oAuth2Api'];

  displayName = 'Asana Exports OAuth2 API';

  icon: Icon = {
    light: 'file:../icons/asana-exports.svg',
    dark: 'file:../icons/asana-exports.dark.svg',
  };

  documentationUrl =
    'https://github.com/asana-exports/asana-exports/blob/main/packages/n8n-node/docs/credentials.md';

  properties: INodeProperties[] = [
    {
      displayName: 'Grant Type',
      name: 'grantType',
      type: 'hidden',
      default: 'authorizationCode',
    },
    {
      displayName: 'Authorization URL',
      name: 'authUrl',
      type: 'hidden',
      default: 'https://app.asana.com/-/oauth_authorize',
      required: true,
    },
    {
      displayName: 'Access Token URL',
      name: 'accessTokenUrl',
      type: 'hidden',
      default: 'https://app.asana.com/-/oauth_token',
      required: true,
    },
    {
      displayName: 'Scope',
      name: 'scope',
      type: 'hidden',
      default: '',
    },
    {
      displayName: 'Auth URI Query Parameters',
      name: 'authQueryParameters',
      type: 'hidden',
      default: '',
    },
    {
      displayName: 'Authentication',
      name: 'authentication',
      type: 'hidden',
      default: 'body',
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
}
