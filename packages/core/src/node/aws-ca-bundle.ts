/**
 * AWS_CA_BUNDLE, the AWS CLI's and SDKs' setting for a private certificate authority (an
 * S3-compatible store inside a company network, a TLS-inspecting proxy): the PEM file it names
 * is the trust for the S3 endpoint, replacing the default roots as the AWS CLI does.
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../protocol/errors.js';

const NAME = 'AWS_CA_BUNDLE';
/** A bundle of every public root is about 200 KiB: anything much larger is not a CA bundle. */
const MAX_BUNDLE_BYTES = 4 * 1024 * 1024;

/** The PEM text of AWS_CA_BUNDLE's file, or undefined when the variable is unset or empty. */
export async function readAwsCaBundle(
  env: Readonly<Record<string, string | undefined>>,
): Promise<string | undefined> {
  const path = env[NAME]?.trim();
  if (path === undefined || path === '') return undefined;
  let text: string;
  try {
    const bytes = await readFile(path);
    if (bytes.byteLength > MAX_BUNDLE_BYTES) throw Object.assign(new Error(), { code: 'EFBIG' });
    text = bytes.toString('utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new InputError(
      NAME,
      `the file it names cannot be read (${typeof code === 'string' ? code : 'unreadable'})`,
      'Set AWS_CA_BUNDLE to the path of a readable PEM file holding the CA certificate(s) of your S3 endpoint, or unset it to trust the default roots.',
    );
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new InputError(
      NAME,
      'the file it names holds no PEM certificate',
      'AWS_CA_BUNDLE must name a PEM file (lines between -----BEGIN CERTIFICATE----- and -----END CERTIFICATE-----); convert a DER file with openssl x509 -inform der -in ca.der -out ca.pem.',
    );
  }
  return text;
}
