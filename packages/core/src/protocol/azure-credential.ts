/**
 * Which credential reaches Azure Blob Storage, decided from the environment alone (pure, so
 * every combination is table-tested): a SAS token, else an account key, else Microsoft Entra
 * ID. Within Entra ID, a front end that can mint fresh federated tokens (the GitHub Action, from
 * the job's OIDC token) gets a client-assertion credential, so that each Storage token is
 * obtained with a new assertion and a run longer than `azure/login`'s one-hour session keeps
 * uploading; otherwise `@azure/identity`'s default chain.
 */
import { InputError } from './errors.js';

export type AzureCredentialChoice =
  | { readonly type: 'sas'; readonly token: string }
  | { readonly type: 'shared-key'; readonly accountKey: string }
  | {
      readonly type: 'client-assertion';
      readonly tenantId: string;
      readonly clientId: string;
      readonly authorityHost: string | undefined;
    }
  | { readonly type: 'default'; readonly authorityHost: string | undefined };

export interface AzureCredentialContext {
  /** Whether the front end can supply a fresh client assertion for each token request. */
  readonly assertionAvailable: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

export function chooseAzureCredential(
  env: Env,
  context: AzureCredentialContext,
): AzureCredentialChoice {
  const sas = present(env, 'AZURE_STORAGE_SAS_TOKEN');
  if (sas !== undefined) return { type: 'sas', token: checkSas('AZURE_STORAGE_SAS_TOKEN', sas) };
  const key = present(env, 'AZURE_STORAGE_KEY');
  if (key !== undefined) {
    return { type: 'shared-key', accountKey: checkAccountKey('AZURE_STORAGE_KEY', key) };
  }
  const authorityHost = authority(env);
  const tenantId = present(env, 'AZURE_TENANT_ID');
  const clientId = present(env, 'AZURE_CLIENT_ID');
  if (context.assertionAvailable && tenantId !== undefined && clientId !== undefined) {
    return {
      type: 'client-assertion',
      tenantId: checkId('AZURE_TENANT_ID', tenantId),
      clientId: checkId('AZURE_CLIENT_ID', clientId),
      authorityHost,
    };
  }
  return { type: 'default', authorityHost };
}

function present(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** A SAS is a query string of printable characters: anything else would corrupt the URL. */
function checkSas(input: string, value: string): string {
  const token = value.replace(/^\?/, '');
  if (!/^[\x21-\x7e]+$/.test(token) || !/(^|&)sig=/.test(token)) {
    throw new InputError(
      input,
      'is not a SAS token (a query string with sig=...)',
      'Copy the SAS token as the portal or az storage container generate-sas gives it.',
    );
  }
  return token;
}

function checkAccountKey(input: string, value: string): string {
  if (!/^[A-Za-z0-9+/]{20,}={0,2}$/.test(value)) {
    throw new InputError(
      input,
      'is not a storage account key (base64)',
      "Copy one of the account's access keys as the portal shows it.",
    );
  }
  return value;
}

/** A tenant or application (client) id: a GUID, or for a tenant its domain name. */
function checkId(input: string, value: string): string {
  if (!/^[A-Za-z0-9.-]{1,128}$/.test(value)) {
    throw new InputError(
      input,
      'is not a tenant or client id (a GUID)',
      `Set ${input} to the GUID the Azure portal shows on the app registration or managed identity's Overview page.`,
    );
  }
  return value;
}

/**
 * AZURE_AUTHORITY_HOST, the Azure SDKs' setting for a sovereign cloud's or a private Entra
 * endpoint: HTTPS only, as MSAL requires of an authority.
 */
function authority(env: Env): string | undefined {
  const value = present(env, 'AZURE_AUTHORITY_HOST');
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || url.protocol !== 'https:' || url.search !== '' || url.username !== '') {
    throw new InputError(
      'AZURE_AUTHORITY_HOST',
      'is not an https:// URL of a Microsoft Entra authority',
      "Set it to https://login.microsoftonline.us (or your cloud's authority), or unset it for the public cloud.",
    );
  }
  return url.href.replace(/\/$/, '');
}
