import type { INodeProperties } from 'n8n-workflow';
import { EXPORT_KIND_OPTIONS } from './kinds';
import { requestTimeoutOption } from './requestTimeout';
import { placeFields } from './storePlace';

const comparing = { show: { resource: ['export'], operation: ['compare'] } };
const fromBinary = { show: { ...comparing.show, storeIn: ['binary'] } };
const fromStore = { show: { ...comparing.show, storeIn: ['s3', 'azure'] } };
const byKeys = { show: { ...fromStore.show, compareObjects: ['keys'] } };
const latest = { show: { ...fromStore.show, compareObjects: ['latest'] } };

/**
 * Compare: two binary fields of the item, or two exports in a bucket or container (two keys, or
 * a target's latest against the one before it), and what to do when the changes cross a limit.
 * Compare From is named storeIn, as Download's Store In, so that the storage credentials and
 * openDestination serve both; Binary Fields, its default, is what Compare read before it.
 */
export const compareFields: INodeProperties[] = [
  {
    displayName: 'Compare From',
    name: 'storeIn',
    type: 'options',
    default: 'binary',
    options: [
      {
        name: 'Binary Fields',
        value: 'binary',
        description: 'Two binary fields of the input item',
      },
      {
        name: 'S3-Compatible',
        value: 's3',
        description:
          'Two exports the node stored in an S3-compatible bucket, streamed from it (never into n8n’s binary data)',
      },
      {
        name: 'Azure Blob',
        value: 'azure',
        description: 'Two exports the node stored in an Azure Blob container, streamed from it',
      },
    ],
    displayOptions: comparing,
  },
  ...placeFields(
    comparing.show,
    'The Prefix the exports were stored with. Keys outside it are refused; Latest vs Previous reads PREFIX/KIND/TARGET/latest.JSON.',
  ),
  {
    displayName: 'Compare',
    name: 'compareObjects',
    type: 'options',
    default: 'keys',
    options: [
      {
        name: 'Two Object Keys',
        value: 'keys',
        description: 'The keys of the older and the newer export (storedIn.key of Download)',
      },
      {
        name: 'Latest vs Previous',
        value: 'latest',
        description: 'The export latest.JSON names for a target, against the one stored before it',
      },
    ],
    displayOptions: fromStore,
  },
  {
    displayName: 'Old Object Key',
    name: 'oldObjectKey',
    type: 'string',
    required: true,
    default: '',
    placeholder: 'asana/graph/1234/20260101T020000Z/asana-graph-export-5678.jsonl.gz',
    hint: 'The key of the older export, prefix included; its manifest beside it is read and checked',
    displayOptions: byKeys,
  },
  {
    displayName: 'New Object Key',
    name: 'newObjectKey',
    type: 'string',
    required: true,
    default: '',
    placeholder: 'asana/graph/1234/20260102T020000Z/asana-graph-export-5679.jsonl.gz',
    hint: 'The key of the newer export of the same kind and target',
    displayOptions: byKeys,
  },
  {
    displayName: 'Kind',
    name: 'compareKind',
    type: 'options',
    default: 'graph',
    options: EXPORT_KIND_OPTIONS,
    displayOptions: latest,
  },
  {
    displayName: 'Target',
    name: 'compareTarget',
    type: 'string',
    required: true,
    default: '',
    placeholder: '1201234567890123',
    hint: 'The gid of the organization, workspace or parent the exports were made of',
    displayOptions: latest,
  },
  {
    displayName: 'Storage Options',
    name: 'storageOptions',
    type: 'collection',
    placeholder: 'Add option',
    default: {},
    displayOptions: latest,
    options: [
      {
        displayName: 'Layout',
        name: 'layout',
        type: 'string',
        default: '{kind}/{target}/{timestamp}',
        description:
          'The Layout the exports were stored with: where the exports before the latest are looked for',
      },
    ],
  },
  {
    displayName: 'Old Export Field',
    name: 'oldBinaryPropertyName',
    type: 'string',
    default: 'old',
    required: true,
    hint: 'The binary field of the input item holding the older export (.jsonl.gz or .json.gz)',
    displayOptions: fromBinary,
  },
  {
    displayName: 'New Export Field',
    name: 'newBinaryPropertyName',
    type: 'string',
    default: 'new',
    required: true,
    hint: 'The binary field holding the newer export of the same kind and target',
    displayOptions: fromBinary,
  },
  {
    displayName: 'Fail On',
    name: 'failOn',
    type: 'string',
    default: '',
    placeholder: 'removed>5%, changed>20%',
    description:
      'Limits on the changes, comma-separated, as the CLI’s --fail-on: added, removed or changed (optionally of one type, task.removed), > or >=, a count or a percentage of the older export’s records. Empty: no limit.',
    displayOptions: comparing,
  },
  {
    displayName: 'When a Limit Is Crossed',
    name: 'whenCrossed',
    type: 'options',
    default: 'fail',
    options: [
      {
        name: 'Fail the Node',
        value: 'fail',
        description: 'Stop with an error naming the limits crossed',
      },
      {
        name: 'Report in the Output',
        value: 'report',
        description:
          'Output the report with the limits crossed in "crossed", for an If node to route (to Slack, email…)',
      },
    ],
    displayOptions: comparing,
  },
  {
    displayName: 'Options',
    name: 'options',
    type: 'collection',
    placeholder: 'Add option',
    default: {},
    displayOptions: comparing,
    options: [
      {
        displayName: 'Include Markdown',
        name: 'includeMarkdown',
        type: 'boolean',
        default: false,
        description:
          'Whether to add the report as Markdown in "markdown" (a summary table, the fields changed most, examples), for a message or a ticket',
      },
      {
        displayName: 'New Manifest',
        name: 'newManifest',
        type: 'json',
        default: '',
        placeholder: "{{ $('Download new').item.json }}",
        description:
          'Binary Fields only: the manifest Create or Download output with the newer export. With it, the file is checked against it (size, SHA-256, records), a different target is refused, and the report gives its export gid and completion time.',
      },
      {
        displayName: 'Old Manifest',
        name: 'oldManifest',
        type: 'json',
        default: '',
        placeholder: "{{ $('Download old').item.json }}",
        description:
          'Binary Fields only: the manifest Create or Download output with the older export, checked and used as New Manifest is',
      },
      {
        ...requestTimeoutOption,
        description:
          'From a bucket or container: how long to wait for the store’s answer, and within an export for its next bytes, before the request is retried or the comparison fails',
      },
    ],
  },
];
