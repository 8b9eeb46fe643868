import type { INodeProperties } from 'n8n-workflow';

const comparing = { show: { resource: ['export'], operation: ['compare'] } };

/** Compare: two binary fields of the item, and what to do when the changes cross a limit. */
export const compareFields: INodeProperties[] = [
  {
    displayName: 'Old Export Field',
    name: 'oldBinaryPropertyName',
    type: 'string',
    default: 'old',
    required: true,
    hint: 'The binary field of the input item holding the older export (.jsonl.gz or .json.gz)',
    displayOptions: comparing,
  },
  {
    displayName: 'New Export Field',
    name: 'newBinaryPropertyName',
    type: 'string',
    default: 'new',
    required: true,
    hint: 'The binary field holding the newer export of the same kind and target',
    displayOptions: comparing,
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
          'The manifest Create or Download output with the newer export. With it, the file is checked against it (size, SHA-256, records), a different target is refused, and the report gives its export gid and completion time.',
      },
      {
        displayName: 'Old Manifest',
        name: 'oldManifest',
        type: 'json',
        default: '',
        placeholder: "{{ $('Download old').item.json }}",
        description:
          'The manifest Create or Download output with the older export, checked and used as New Manifest is',
      },
    ],
  },
];
