/**
 * Azure sessions that outlast an hour. `azure/login` with OIDC leaves the Azure CLI a token that
 * lasts about an hour and cannot be renewed without a new GitHub ID token, so a long export would
 * fail to upload. When the job may mint ID tokens (`permissions: id-token: write` sets
 * ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN), the core gets this getter instead: with
 * AZURE_CLIENT_ID and AZURE_TENANT_ID set, @azure/identity's ClientAssertionCredential calls it
 * for every Storage token it needs, each time with a fresh GitHub ID token.
 */
import * as core from '@actions/core';

/** The audience Microsoft Entra ID expects of a GitHub token in a federated credential. */
export const AZURE_FEDERATED_AUDIENCE = 'api://AzureADTokenExchange';

export function githubIdTokenAssertion(
  env: Readonly<Record<string, string | undefined>>,
  getIdToken: (audience: string) => Promise<string> = (audience) => core.getIDToken(audience),
): (() => Promise<string>) | undefined {
  const url = env.ACTIONS_ID_TOKEN_REQUEST_URL?.trim();
  const token = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN?.trim();
  if (!url || !token) return undefined;
  // getIDToken masks each token it returns before anything can print it.
  return () => getIdToken(AZURE_FEDERATED_AUDIENCE);
}
