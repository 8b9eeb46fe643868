import type { ICredentialTestRequest } from 'n8n-workflow';

/**
 * The credential test of both Asana credentials: GET /users/me. Asana has no endpoint that lists
 * a token's scopes, so this is the one place a scoped token shows: an OAuth app registered for
 * granular scopes gets 403 here unless it has users:read, and no scope covers the export
 * endpoints at all. A full-permission token, a personal access token and a service account token
 * get 200. A scoped token that has users:read passes, and fails at the first export instead.
 */
export const tokenTest: ICredentialTestRequest = {
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
    {
      type: 'responseCode',
      properties: {
        value: 403,
        message:
          'Asana refused to say whose token this is: it is a scoped token (an OAuth app with granular scopes). No scope covers exports: use a personal access token, a service account token, or an OAuth app with full permissions.',
      },
    },
  ],
};
