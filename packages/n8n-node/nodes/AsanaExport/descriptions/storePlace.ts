import type { INodeProperties } from 'n8n-workflow';

/**
 * The bucket or container a store is reached in, and the prefix below it, under `show` and the
 * store Store In (or Compare From) names: the same fields wherever the node writes or reads a
 * store; only what the prefix means there is said apart.
 */
export function placeFields(
  show: Record<string, Array<string | boolean>>,
  prefixDescription: string,
): INodeProperties[] {
  return [
    {
      displayName: 'Bucket',
      name: 'bucket',
      type: 'string',
      required: true,
      default: '',
      placeholder: 'acme-backups',
      displayOptions: { show: { ...show, storeIn: ['s3'] } },
    },
    {
      displayName: 'Container',
      name: 'container',
      type: 'string',
      required: true,
      default: '',
      placeholder: 'backups',
      displayOptions: { show: { ...show, storeIn: ['azure'] } },
    },
    {
      displayName: 'Prefix',
      name: 'prefix',
      type: 'string',
      default: '',
      placeholder: 'asana/',
      description: prefixDescription,
      displayOptions: { show: { ...show, storeIn: ['s3', 'azure'] } },
    },
  ];
}
