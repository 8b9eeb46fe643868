import { describe, expect, it } from 'vitest';
import { chooseAzureCredential } from '../../src/protocol/azure-credential.js';

const KEY = Buffer.alloc(64, 5).toString('base64');
const SAS = 'sv=2024-08-04&sp=rcw&sig=abc123';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
const IDS = { AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT };

describe('chooseAzureCredential', () => {
  it.each([
    [
      'a SAS first, whatever else is set',
      { AZURE_STORAGE_SAS_TOKEN: `?${SAS}`, AZURE_STORAGE_KEY: KEY, ...IDS },
      true,
      { type: 'sas', token: SAS },
    ],
    [
      'an account key without a SAS',
      { AZURE_STORAGE_KEY: ` ${KEY} `, ...IDS },
      true,
      { type: 'shared-key', accountKey: KEY },
    ],
    [
      'a client assertion with both ids and an assertion source',
      IDS,
      true,
      { type: 'client-assertion', tenantId: TENANT, clientId: CLIENT, authorityHost: undefined },
    ],
    [
      'the default chain without an assertion source (azure/login, az login)',
      IDS,
      false,
      { type: 'default', authorityHost: undefined },
    ],
    [
      'the default chain without a client id',
      { AZURE_TENANT_ID: TENANT },
      true,
      { type: 'default', authorityHost: undefined },
    ],
    [
      'the default chain without a tenant id',
      { AZURE_CLIENT_ID: CLIENT },
      true,
      { type: 'default', authorityHost: undefined },
    ],
    [
      'the default chain when the ids are blank',
      { AZURE_TENANT_ID: ' ', AZURE_CLIENT_ID: '' },
      true,
      { type: 'default', authorityHost: undefined },
    ],
    [
      'blank SAS and key count as unset',
      { AZURE_STORAGE_SAS_TOKEN: ' ', AZURE_STORAGE_KEY: '', ...IDS },
      true,
      { type: 'client-assertion', tenantId: TENANT, clientId: CLIENT, authorityHost: undefined },
    ],
    [
      'the authority host given, without its trailing slash',
      { ...IDS, AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us/' },
      true,
      {
        type: 'client-assertion',
        tenantId: TENANT,
        clientId: CLIENT,
        authorityHost: 'https://login.microsoftonline.us',
      },
    ],
    [
      'the authority host for the default chain too',
      { AZURE_AUTHORITY_HOST: 'https://127.0.0.1:8443' },
      false,
      { type: 'default', authorityHost: 'https://127.0.0.1:8443' },
    ],
  ] as const)('%s', (_, env, assertionAvailable, expected) => {
    expect(chooseAzureCredential(env, { assertionAvailable })).toEqual(expected);
  });

  it.each([
    [
      { AZURE_STORAGE_SAS_TOKEN: 'sv=2024&sp=r' },
      /Invalid AZURE_STORAGE_SAS_TOKEN: is not a SAS token/,
    ],
    [{ AZURE_STORAGE_SAS_TOKEN: 'sig=a b' }, /Invalid AZURE_STORAGE_SAS_TOKEN/],
    [
      { AZURE_STORAGE_KEY: 'not base64!' },
      /Invalid AZURE_STORAGE_KEY: is not a storage account key/,
    ],
    [{ ...IDS, AZURE_CLIENT_ID: 'a b' }, /Invalid AZURE_CLIENT_ID: is not a tenant or client id/],
    [{ ...IDS, AZURE_TENANT_ID: 'x/../y' }, /Invalid AZURE_TENANT_ID/],
    [
      { AZURE_AUTHORITY_HOST: 'http://login.microsoftonline.com' },
      /Invalid AZURE_AUTHORITY_HOST: is not an https:\/\/ URL/,
    ],
    [{ AZURE_AUTHORITY_HOST: 'login.microsoftonline.com' }, /Invalid AZURE_AUTHORITY_HOST/],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(() => chooseAzureCredential(env, { assertionAvailable: true })).toThrow(message);
  });

  it('checks the ids only when they are used', () => {
    expect(
      chooseAzureCredential(
        { AZURE_CLIENT_ID: 'a b', AZURE_TENANT_ID: TENANT },
        { assertionAvailable: false },
      ),
    ).toEqual({ type: 'default', authorityHost: undefined });
  });
});
