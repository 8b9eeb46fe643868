import { describe, expect, it } from 'vitest';
import { AZURE_FEDERATED_AUDIENCE, githubIdTokenAssertion } from '../src/azure-oidc.js';

describe('githubIdTokenAssertion', () => {
  const URL = 'https://pipelines.actions.githubusercontent.com/x/idtoken?api-version=2.0';
  it.each([
    [
      'both OIDC variables (id-token: write)',
      { ACTIONS_ID_TOKEN_REQUEST_URL: URL, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' },
      true,
    ],
    ['no request token', { ACTIONS_ID_TOKEN_REQUEST_URL: URL }, false],
    ['no request URL', { ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' }, false],
    [
      'blank values',
      { ACTIONS_ID_TOKEN_REQUEST_URL: ' ', ACTIONS_ID_TOKEN_REQUEST_TOKEN: ' ' },
      false,
    ],
    ['neither', {}, false],
  ])('%s: an assertion source is %s', (_, env, available) => {
    expect(githubIdTokenAssertion(env) !== undefined).toBe(available);
  });

  it('asks for a new ID token with Entra ID’s audience on every call', async () => {
    const audiences: string[] = [];
    const assertion = githubIdTokenAssertion(
      { ACTIONS_ID_TOKEN_REQUEST_URL: URL, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' },
      async (audience) => {
        audiences.push(audience);
        return `token-${audiences.length}`;
      },
    );
    expect(await assertion?.()).toBe('token-1');
    expect(await assertion?.()).toBe('token-2');
    expect(audiences).toEqual([AZURE_FEDERATED_AUDIENCE, AZURE_FEDERATED_AUDIENCE]);
  });
});
