import { NodeOperationError } from 'n8n-workflow';
import { ASANA_BASE_URL_DEFAULT } from '../constants';
import type { CredentialType, RequestContext } from './apiTransport';

/** The credential's Base URL without trailing slashes: Asana's, a proxy's or a test stand-in's. */
export async function readBaseUrl(
  context: RequestContext,
  credentialType: CredentialType,
): Promise<string> {
  const credentials = await context.getCredentials<{ baseUrl?: string }>(credentialType);
  const raw = (credentials.baseUrl ?? '').trim() || ASANA_BASE_URL_DEFAULT;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new NodeOperationError(context.getNode(), `The credential's Base URL is not a URL`, {
      description: `Expected an address such as ${ASANA_BASE_URL_DEFAULT}.`,
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new NodeOperationError(context.getNode(), `The credential's Base URL must use https`, {
      description: `Expected an address such as ${ASANA_BASE_URL_DEFAULT}.`,
    });
  }
  return raw.replace(/\/+$/, '');
}
