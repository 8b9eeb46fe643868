import type { INodeProperties } from 'n8n-workflow';
import { DEFAULT_BINARY_PROPERTY, DEFAULT_MAX_RECORDS, MAX_MAX_RECORDS } from '../constants';
import { compareFields } from './compareDescription';
import { filterOptions } from './filters';
import { BEFORE_VERSION_1_2, kindFields } from './kinds';
import { parentLocators, targetLocators } from './locators';
import { requestTimeoutOption } from './requestTimeout';
import { placeFields } from './storePlace';

const forOperations = (...operation: string[]) => ({ show: { resource: ['export'], operation } });
const forCreate = (show: Record<string, Array<string | boolean>>) => ({
  show: { resource: ['export'], operation: ['create'], ...show },
});
/** Create shows it with and without waiting, each time with its own description. */
const timeoutOption: INodeProperties = {
  displayName: 'Timeout (Minutes)',
  name: 'timeout',
  type: 'number',
  typeOptions: { minValue: 1, maxValue: 10_080 },
  default: 360,
};

/** Download waits for the export to be finished and its link to come, then downloads. */
const downloadTimeoutOption: INodeProperties = {
  ...timeoutOption,
  description:
    'How long the download may take in all, waiting first if the export is not finished yet. The export stays at Asana after a timeout: run Download again.',
};

/** How slow a download may be before it is treated as broken and resumed. */
const stallOptions: INodeProperties[] = [
  {
    displayName: 'Stall Timeout (Seconds)',
    name: 'stallTimeout',
    type: 'number',
    typeOptions: { minValue: 1, maxValue: 3600 },
    default: 60,
    description:
      'A download slower than the minimum speed for this long, or silent for this long, is treated as broken and started again',
  },
  {
    displayName: 'Minimum Speed (Bytes per Second)',
    name: 'minSpeed',
    type: 'number',
    typeOptions: { minValue: 0 },
    default: 1024,
    description: 'Bytes per second a download must keep up over the stall timeout. 0 turns it off.',
  },
];

/** Download and Create (with download) each show it, under their own conditions. */
const binaryPropertyField: INodeProperties = {
  displayName: 'Put Output File in Field',
  name: 'binaryPropertyName',
  type: 'string',
  default: DEFAULT_BINARY_PROPERTY,
  required: true,
  hint: 'The name of the output binary field to put the file in',
};

const downloading = {
  show: { resource: ['export'], operation: ['download'], splitIntoItems: [false] },
};

const creatingWithDownload = forCreate({ waitForCompletion: [true], download: [true] });

/**
 * Store In and its fields, for Download and for Create with download: the same fields under
 * each operation's own conditions.
 */
function storeFields(show: Record<string, Array<string | boolean>>): INodeProperties[] {
  return [
    {
      displayName: 'Store In',
      name: 'storeIn',
      type: 'options',
      default: 'binary',
      options: [
        {
          name: 'Binary Data',
          value: 'binary',
          description: 'Output the file as binary data, for the next node',
        },
        {
          name: 'S3-Compatible',
          value: 's3',
          description:
            'Stream it into Amazon S3, Cloudflare R2, MinIO, Ceph or Google Cloud Storage, never through n8n’s binary data',
        },
        {
          name: 'Azure Blob',
          value: 'azure',
          description:
            'Stream it into an Azure Blob Storage container, never through n8n’s binary data',
        },
      ],
      description:
        'Where the verified file goes. In a bucket or container it appears only once verified, with its manifest beside it; there is no size limit.',
      displayOptions: { show },
    },
    ...placeFields(
      show,
      'Folder for the exports. Each goes to PREFIX/KIND/TARGET/TIMESTAMP/, and PREFIX/KIND/TARGET/latest.JSON names the newest.',
    ),
    {
      displayName: 'Storage Options',
      name: 'storageOptions',
      type: 'collection',
      placeholder: 'Add option',
      default: {},
      displayOptions: { show: { ...show, storeIn: ['s3', 'azure'] } },
      options: [
        {
          displayName: 'Encryption Scope',
          name: 'encryptionScope',
          type: 'string',
          default: '',
          description: 'Azure only: an encryption scope of the storage account',
        },
        {
          displayName: 'KMS Key ID',
          name: 'kmsKeyId',
          type: 'string',
          default: '',
          description: 'S3 only, with SSE-KMS: the key’s ID, alias/NAME or ARN',
        },
        {
          displayName: 'Layout',
          name: 'layout',
          type: 'string',
          default: '{kind}/{target}/{timestamp}',
          description:
            'The folder below the prefix, with {kind}, {target}, {timestamp}, {date} and {export}',
        },
        {
          displayName: 'Retention Days',
          name: 'retentionDays',
          type: 'number',
          typeOptions: { minValue: 1 },
          default: 30,
          description: 'With Retention Mode: how many days the stored export stays write-once',
        },
        {
          displayName: 'Retention Mode',
          name: 'retentionMode',
          type: 'options',
          default: 'governance',
          options: [
            { name: 'Governance', value: 'governance' },
            { name: 'Compliance', value: 'compliance' },
          ],
          description:
            'Keep the export and its manifest write-once for Retention Days (S3 Object Lock, Azure immutability). Compliance: nobody can remove them before.',
        },
        {
          displayName: 'Server-Side Encryption',
          name: 'serverSideEncryption',
          type: 'options',
          default: 'aws:kms',
          options: [
            { name: 'SSE-KMS (aws:Kms)', value: 'aws:kms' },
            { name: 'SSE-S3 (AES256)', value: 'AES256' },
          ],
          description: 'S3 only',
        },
        {
          displayName: 'Storage Class',
          name: 'storageClass',
          type: 'string',
          default: '',
          placeholder: 'STANDARD_IA',
          description:
            'S3 storage class (STANDARD_IA, GLACIER_IR…) or Azure access tier (Hot, Cool, Cold, Archive)',
        },
      ],
    },
  ];
}

/** How the downloaded file is stored: the same options after Create (with Wait) and for Download. */
const storedFileOptions: INodeProperties[] = [
  {
    displayName: 'Decompress',
    name: 'decompress',
    type: 'boolean',
    default: false,
    description:
      'Whether to store the decompressed file (JSON or JSON Lines) instead of Asana’s gzip file',
  },
  {
    displayName: 'File Name',
    name: 'fileName',
    type: 'string',
    default: '',
    placeholder: 'asana-export.jsonl.gz',
    description:
      'Name of the stored file. Empty: the name of Asana’s file, with the export gid. With Encrypt To, .age is added.',
  },
  {
    displayName: 'Encrypt To (Age Recipients)',
    name: 'encryptTo',
    type: 'string',
    typeOptions: { rows: 3 },
    default: '',
    placeholder: 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p',
    description:
      'Public keys (age1..., as age-keygen prints them), one per line or separated by commas. Only whoever holds a matching private key (AGE-SECRET-KEY-1..., made with age-keygen -o key.txt and kept outside n8n) can read the export: never put that key here. The output file is then age ciphertext of Asana’s gzip file, named .age; decrypt it with age -d -i key.txt file.jsonl.gz.age | zcat. The file is verified (gzip, records, size, SHA-256) before it is encrypted, and the manifest gives both hashes and these public keys. Not with Decompress.',
  },
];

export const exportOperations: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['export'] } },
    options: [
      {
        name: 'Compare',
        value: 'compare',
        action: 'Compare two exports',
        description:
          'Compare two exports of the same kind and target from the item’s binary data: what was added, removed and changed',
      },
      {
        name: 'Create',
        value: 'create',
        action: 'Create an export',
        description: 'Start an export, and optionally wait for it and download it in the same step',
      },
      {
        name: 'Download',
        value: 'download',
        action: 'Download an export',
        description: 'Download a finished export by its gid, as binary data or as items',
      },
      {
        name: 'Get Status',
        value: 'getStatus',
        action: 'Get the status of an export',
        description: 'Read the state of an export by its gid',
      },
    ],
    default: 'create',
  },
];

export const exportFields: INodeProperties[] = [
  ...kindFields,
  ...compareFields,
  {
    displayName: 'Organization GID',
    name: 'organization',
    type: 'string',
    required: true,
    default: '',
    placeholder: '1234567890123456',
    description: "The organization's workspace gid",
    displayOptions: {
      show: { ...forCreate({ kind: ['organization'] }).show, ...BEFORE_VERSION_1_2 },
    },
  },
  {
    displayName: 'Workspace GID',
    name: 'workspace',
    type: 'string',
    required: true,
    default: '',
    placeholder: '1234567890123456',
    description: 'The workspace whose tasks, teams or messages to export',
    displayOptions: { show: { ...forCreate({ kind: ['resource'] }).show, ...BEFORE_VERSION_1_2 } },
  },
  ...targetLocators,
  {
    displayName: 'Resource Types',
    name: 'resources',
    type: 'fixedCollection',
    typeOptions: { multipleValues: true },
    placeholder: 'Add Resource Type',
    default: {},
    description:
      'What to export: tasks, teams or messages, each with its fields and filters. Entries are combined with OR: two entries of one type may return a record twice.',
    displayOptions: forCreate({ kind: ['resource'] }),
    options: [
      {
        displayName: 'Resource Type',
        name: 'resource',
        values: [
          {
            displayName: 'Type',
            name: 'resourceType',
            type: 'options',
            options: [
              { name: 'Message', value: 'message' },
              { name: 'Task', value: 'task' },
              { name: 'Team', value: 'team' },
            ],
            default: 'task',
          },
          {
            displayName: 'Fields',
            name: 'fields',
            type: 'string',
            default: '',
            placeholder: 'gid, name, assignee.gid',
            description:
              'Comma-separated fields to include, as in opt_fields. Empty: Asana’s default fields.',
          },
          {
            displayName: 'Filters',
            name: 'filters',
            type: 'collection',
            placeholder: 'Add Filter',
            default: {},
            description: 'Only for tasks and messages: teams take no filters',
            options: filterOptions,
          },
        ],
      },
    ],
  },
  {
    displayName: 'Parent GID',
    name: 'parent',
    type: 'string',
    required: true,
    default: '',
    placeholder: '1234567890123456',
    description: 'The goal, project, portfolio or team to export with its hierarchy',
    displayOptions: { show: { ...forCreate({ kind: ['graph'] }).show, ...BEFORE_VERSION_1_2 } },
  },
  ...parentLocators,
  {
    displayName: 'Export or Job GID',
    name: 'gid',
    type: 'string',
    required: true,
    default: '',
    placeholder: '1234567890123456',
    description:
      'For an organization export, its gid; for resource and graph exports, the job gid. Create outputs it as "gid".',
    displayOptions: forOperations('download', 'getStatus'),
  },
  {
    displayName: 'Wait for Completion',
    name: 'waitForCompletion',
    type: 'boolean',
    default: true,
    description:
      'Whether to wait until Asana has finished the export, polling less and less often, up to the timeout',
    displayOptions: forCreate({}),
  },
  {
    displayName: 'Download',
    name: 'download',
    type: 'boolean',
    default: true,
    description:
      'Whether to download the finished export in the same step, as binary data or into a bucket or container',
    displayOptions: forCreate({ waitForCompletion: [true] }),
  },
  {
    displayName: 'Split Into Items',
    name: 'splitIntoItems',
    type: 'boolean',
    default: false,
    description:
      'Whether to output one item per record instead of the file. For small exports only: every record is kept in memory.',
    displayOptions: forOperations('download'),
  },
  {
    displayName: 'Max Records',
    name: 'maxRecords',
    type: 'number',
    typeOptions: { minValue: 1, maxValue: MAX_MAX_RECORDS },
    default: DEFAULT_MAX_RECORDS,
    description: 'Fail rather than output more items than this',
    displayOptions: {
      show: { resource: ['export'], operation: ['download'], splitIntoItems: [true] },
    },
  },
  ...storeFields(downloading.show),
  ...storeFields(creatingWithDownload.show),
  {
    ...binaryPropertyField,
    displayOptions: { show: { ...downloading.show, storeIn: ['binary'] } },
  },
  {
    ...binaryPropertyField,
    displayOptions: { show: { ...creatingWithDownload.show, storeIn: ['binary'] } },
  },
  {
    displayName: 'Options',
    name: 'options',
    type: 'collection',
    placeholder: 'Add option',
    default: {},
    displayOptions: forCreate({ waitForCompletion: [true] }),
    options: [
      ...storedFileOptions,
      {
        ...timeoutOption,
        description:
          'How long the whole export may take: waiting for a running export of the same workspace to end, for Asana to finish this one, and the download. The export goes on after a timeout: download it later by its gid.',
      },
      requestTimeoutOption,
      ...stallOptions,
    ],
  },
  {
    displayName: 'Options',
    name: 'options',
    type: 'collection',
    placeholder: 'Add option',
    default: {},
    displayOptions: forCreate({ waitForCompletion: [false] }),
    options: [
      {
        ...timeoutOption,
        description:
          'Asana runs one resource export per workspace at a time: how long to wait for a running one to end before giving up',
      },
      requestTimeoutOption,
    ],
  },
  {
    displayName: 'Options',
    name: 'options',
    type: 'collection',
    placeholder: 'Add option',
    default: {},
    displayOptions: forOperations('getStatus'),
    options: [
      {
        displayName: 'Include Download Link',
        name: 'includeDownloadLink',
        type: 'boolean',
        default: false,
        description:
          "Whether to output a finished export's presigned link as downloadUrl, for a node that streams it elsewhere (past n8n's binary data limits). The link is a credential valid for minutes: it is kept in the execution's data, so do not share that.",
      },
      requestTimeoutOption,
    ],
  },
  {
    displayName: 'Options',
    name: 'options',
    type: 'collection',
    placeholder: 'Add option',
    default: {},
    displayOptions: downloading,
    options: [...storedFileOptions, downloadTimeoutOption, requestTimeoutOption, ...stallOptions],
  },
  {
    displayName: 'Options',
    name: 'options',
    type: 'collection',
    placeholder: 'Add option',
    default: {},
    displayOptions: {
      show: { resource: ['export'], operation: ['download'], splitIntoItems: [true] },
    },
    options: [downloadTimeoutOption, requestTimeoutOption, ...stallOptions],
  },
];
