import { AsanaExportError, parseEndpoint, parseRegion } from '@asana-exports/core/protocol';
import type { ICredentialsDecrypted, INodeCredentialTestResult } from 'n8n-workflow';

/**
 * What n8n's Test button can check of a storage credential without a bucket to write to: that
 * every field has a form the store would take. Whether it may write is proved where it counts,
 * by the node's first step (an upload started and aborted) before anything is asked of Asana.
 */
export async function checkS3Credential(
  credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
  const data = credential.data ?? {};
  return checked(() => {
    const endpoint = String(data.endpoint ?? '').trim();
    if (endpoint !== '') parseEndpoint('Endpoint', endpoint);
    parseRegion('Region', String(data.region ?? ''));
    if (!/^[\x21-\x7e]{3,128}$/.test(String(data.accessKeyId ?? '').trim())) {
      throw new Error('Access Key ID is missing or has spaces or control characters');
    }
    if (String(data.secretAccessKey ?? '') === '') throw new Error('Secret Access Key is missing');
  });
}

export async function checkAzureBlobCredential(
  credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
  const data = credential.data ?? {};
  return checked(() => {
    if (!/^[a-z0-9]{3,24}$/.test(String(data.account ?? '').trim())) {
      throw new Error('Storage Account must be 3 to 24 lower-case letters and digits');
    }
    const sas = String(data.sasToken ?? '')
      .trim()
      .replace(/^\?/, '');
    if (!/^[\x21-\x7e]+$/.test(sas) || !/(^|&)sig=/.test(sas)) {
      throw new Error('SAS Token is not a SAS (a query string with sig=...)');
    }
    const endpoint = String(data.blobEndpoint ?? '').trim();
    if (endpoint !== '') parseEndpoint('Blob Endpoint', endpoint);
  });
}

function checked(check: () => void): INodeCredentialTestResult {
  try {
    check();
  } catch (error) {
    const message =
      error instanceof AsanaExportError || error instanceof Error ? error.message : String(error);
    return { status: 'Error', message };
  }
  return {
    status: 'OK',
    message:
      'The fields have the right form. Whether this key may write to the bucket or container is checked by the node before each export.',
  };
}
