import type { ICredentialType, Icon, INodeProperties } from 'n8n-workflow';

/**
 * An access key for Amazon S3 or an S3-compatible store (Cloudflare R2, MinIO, Ceph, Google Cloud
 * Storage with HMAC keys), for Store In (Create, Download). The node signs its requests itself
 * (SigV4): the key never leaves n8n, and only the store's own endpoint is ever sent a signature.
 */
export class AsanaExportsS3Api implements ICredentialType {
  name = 'asanaExportsS3Api';

  displayName = 'Asana Exports: S3-Compatible Storage API';

  icon: Icon = {
    light: 'file:../icons/asana-exports.svg',
    dark: 'file:../icons/asana-exports.dark.svg',
  };

  documentationUrl =
    'https://github.com/asana-exports/asana-exports/blob/main/packages/n8n-node/docs/credentials.md';

  properties: INodeProperties[] = [
    {
      displayName: 'Endpoint',
      name: 'endpoint',
      type: 'string',
      default: '',
      placeholder: 'https://<account id>.r2.cloudflarestorage.com',
      description:
        'The store’s endpoint. Empty: Amazon S3 in the region below. Google Cloud Storage: https://storage.googleapis.com.',
    },
    {
      displayName: 'Region',
      name: 'region',
      type: 'string',
      default: 'us-east-1',
      description: 'The bucket’s region (auto for Cloudflare R2 and Google Cloud Storage)',
    },
    {
      displayName: 'Access Key ID',
      name: 'accessKeyId',
      type: 'string',
      required: true,
      default: '',
    },
    {
      displayName: 'Secret Access Key',
      name: 'secretAccessKey',
      type: 'string',
      typeOptions: { password: true },
      required: true,
      default: '',
    },
    {
      displayName: 'Session Token',
      name: 'sessionToken',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      description: 'For temporary credentials only',
    },
    {
      displayName: 'Force Path Style',
      name: 'forcePathStyle',
      type: 'boolean',
      default: false,
      description:
        'Whether to put the bucket in the path rather than the host name (always done with an endpoint)',
    },
  ];
}
