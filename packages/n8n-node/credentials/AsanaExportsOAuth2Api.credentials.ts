import type { ICredentialTestRequest, ICredentialType, Icon, INodeProperties } from 'n8n-workflow';
import { tokenTest } from './tokenTest';

/**
 * Asana OAuth2 (authorization code). Asana's OAuth scopes do not cover the export endpoints, so an
 * app needs full permissions; organization and resource exports need a service account token
 * instead (the Asana Exports API credential).
 */
export class AsanaExportsOAuth2Api implements ICredentialType {
  name = 'asanaExportsOAuth2Api';

  extends = ['oAuth2Api'];

  // n8n's hint drops the words API and OAuth2: "In Asana (Exports), use the URL above when
  // prompted to enter an OAuth callback or redirect URL", which is what Asana's developer
  // console asks. Plain "Asana OAuth2 API" would read as well but look like n8n's own.
  displayName = 'Asana (Exports) OAuth2 API';

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
      // Hidden: only tests (and a proxy in front of Asana) need another address. n8n uses the
      // value a credential was imported or created with (n8n import:credentials, the public
      // API); the editor does not show it. See docs/credentials.md.
      displayName: 'Base URL',
      name: 'baseUrl',
      type: 'hidden',
      default: 'https://app.asana.com/api/1.0',
    },
  ];

  test: ICredentialTestRequest = tokenTest;
}
