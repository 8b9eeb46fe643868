import {
  type AgeRecipient,
  DEFAULT_DOWNLOAD_POLICY,
  DEFAULT_POLL_POLICY,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_STALL_POLICY,
  type DownloadPolicy,
  type ExportKind,
  type ExportRef,
  type ExportRequest,
  type ExportRequestInput,
  InputError,
  isExportKind,
  type PollPolicy,
  parseAgeRecipients,
  printable,
  validateExportGid,
  validateExportRequest,
  validatePollPolicy,
  validateRequestTimeout,
  validateStallPolicy,
} from '@asana-exports/core/protocol';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { DEFAULT_BINARY_PROPERTY, DEFAULT_MAX_RECORDS, MAX_MAX_RECORDS } from './constants';
import { toInstant } from './dates';
import { PARENT_URL_REGEX } from './descriptions/locators';

/** The node's filter names and Asana's. */
export const FILTER_NAMES: Readonly<Record<string, string>> = {
  createdAfter: 'created_at.after',
  createdBefore: 'created_at.before',
  modifiedAfter: 'modified_at.after',
  modifiedBefore: 'modified_at.before',
  createdBy: 'created_by.any',
  followers: 'followers.any',
  likedBy: 'liked_by.any',
  commentedOnBy: 'commented_on_by.any',
  assignedBy: 'assigned_by.any',
  assignee: 'assignee.any',
};

interface ResourceEntry {
  resourceType?: string;
  fields?: string;
  filters?: IDataObject;
}

/**
 * Reads the Create operation's parameters into the core's request and validates it there, so the
 * node, the CLI and the action reject the same mistakes with the same words.
 */
export function readExportRequest(context: IExecuteFunctions, itemIndex: number): ExportRequest {
  const kind = readKind(context, itemIndex);
  const input: ExportRequestInput = { kind };
  switch (kind) {
    case 'organization':
      input.organization = readLocatedGid(
        'organization',
        getParameter(context, 'organization', itemIndex),
      );
      break;
    case 'resource':
      input.workspace = readLocatedGid('workspace', getParameter(context, 'workspace', itemIndex));
      input.resources = readResources(context, itemIndex);
      break;
    case 'graph':
      input.parent = readLocatedGid('parent', getParameter(context, 'parent', itemIndex));
      break;
  }
  return validateExportRequest(input);
}

/** Get Status and Download: which export, by the gid Asana polls it with. */
export function readExportRef(context: IExecuteFunctions, itemIndex: number): ExportRef {
  const kind = readKind(context, itemIndex);
  const gid = validateExportGid('gid', context.getNodeParameter('gid', itemIndex, '') as unknown);
  return { kind, gid };
}

export function readKind(context: IExecuteFunctions, itemIndex: number): ExportKind {
  const kind = String(context.getNodeParameter('kind', itemIndex, '')).trim();
  if (!isExportKind(kind)) {
    throw new InputError(
      'kind',
      `"${kind}" is not an export kind; expected organization, resource or graph`,
    );
  }
  return kind;
}

function readResources(
  context: IExecuteFunctions,
  itemIndex: number,
): NonNullable<ExportRequestInput['resources']> {
  const collection = context.getNodeParameter('resources', itemIndex, {}) as {
    resource?: ResourceEntry[];
  };
  const timeZone = context.getTimezone();
  return (collection.resource ?? []).map((entry) => ({
    resourceType: entry.resourceType,
    fields: splitList(entry.fields),
    filters: readFilters(entry.filters ?? {}, timeZone),
  }));
}

/** Filters left empty in the UI are dropped; dates are placed in the workflow's time zone. */
export function readFilters(filters: IDataObject, timeZone: string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(filters)) {
    if (value === undefined || value === null || value === '') continue;
    const asanaName = FILTER_NAMES[name] ?? name;
    result[asanaName] = asanaName.endsWith('.any') ? value : toInstant(value, timeZone);
  }
  return result;
}

export function splitList(value: unknown): string[] {
  if (Array.isArray(value))
    return value
      .map(String)
      .map((item) => item.trim())
      .filter(Boolean);
  if (typeof value !== 'string') return [];
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function getParameter(context: IExecuteFunctions, name: string, itemIndex: number): unknown {
  return context.getNodeParameter(name, itemIndex, '') as unknown;
}

/**
 * The gid in an organization, workspace or parent parameter, for the core to validate like any
 * typed gid: a string or a number (versions 1 and 1.1, or an expression), or, from version 1.2, a
 * resource locator's value, whatever its mode: "From list" and "By ID" hold the gid, "By URL" an
 * Asana link that the mode's own regex (descriptions/locators.ts) reads the gid from. The
 * listSearch methods read the workspace they list from through this too.
 */
export function readLocatedGid(name: string, raw: unknown): string {
  const located = isLocator(raw);
  const value = located ? raw.value : raw;
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
  if (!located || raw.mode !== 'url' || text.trim() === '') return text;
  const match = new RegExp(PARENT_URL_REGEX).exec(text);
  if (match?.[1] === undefined) {
    throw new InputError(
      name,
      `${JSON.stringify(printable(text.trim(), 200))} is not an Asana link to a project, portfolio, team or goal`,
      'Paste the address Asana shows in the browser, such as https://app.asana.com/1/1234567890123456/project/1234567890123457, or pick the parent From List.',
    );
  }
  return match[1];
}

/** A resource locator's value as n8n saves it: `{ __rl: true, mode, value }`. */
function isLocator(value: unknown): value is { mode?: unknown; value?: unknown } {
  return typeof value === 'object' && value !== null && 'value' in value && 'mode' in value;
}

export interface FileOptions {
  readonly binaryPropertyName: string;
  readonly decompress: boolean;
  /** Empty: the name Asana's file would have. */
  readonly fileName: string;
  /** Store age ciphertext for these recipients instead of the file; undefined: as downloaded. */
  readonly encryptTo?: readonly AgeRecipient[] | undefined;
}

/** The option's name as the user sees it, in the core's "Invalid …" messages. */
export const ENCRYPT_TO_LABEL = 'Encrypt To (Age Recipients)';

export function readFileOptions(context: IExecuteFunctions, itemIndex: number): FileOptions {
  const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
  const binaryPropertyName = String(
    context.getNodeParameter('binaryPropertyName', itemIndex, DEFAULT_BINARY_PROPERTY),
  ).trim();
  if (binaryPropertyName === '') {
    throw new InputError(
      'binaryPropertyName',
      'empty; expected the name of the output field, such as data',
    );
  }
  const decompress = options.decompress === true;
  const encryptTo = readEncryptTo(options.encryptTo);
  if (encryptTo !== undefined && decompress) {
    throw new InputError(
      ENCRYPT_TO_LABEL,
      'cannot be combined with Decompress',
      'Turn Decompress off: what is encrypted is Asana’s gzip file, which the manifest’s SHA-256 describes, and `age -d -i key.txt FILE.age | zcat` decompresses it.',
    );
  }
  return {
    binaryPropertyName,
    decompress,
    fileName: typeof options.fileName === 'string' ? options.fileName.trim() : '',
    encryptTo,
  };
}

/**
 * The recipients, checked by the core's parser (the CLI's and the action's words) before any
 * request: a key with a typo must not cost an export. Empty: no encryption. An expression may
 * give an array of keys.
 */
function readEncryptTo(value: unknown): AgeRecipient[] | undefined {
  const text = Array.isArray(value) ? value.map(String).join('\n') : value;
  if (text === undefined || text === null || (typeof text === 'string' && text.trim() === '')) {
    return undefined;
  }
  if (typeof text !== 'string') {
    throw new InputError(
      ENCRYPT_TO_LABEL,
      `is a ${typeof text}, not text`,
      'Give age public keys (age1...), one per line or separated by commas.',
    );
  }
  return parseAgeRecipients(ENCRYPT_TO_LABEL, text);
}

export function readPollPolicy(context: IExecuteFunctions, itemIndex: number): PollPolicy {
  const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
  const minutes = options.timeout ?? DEFAULT_POLL_POLICY.timeoutMs / 60_000;
  return validatePollPolicy(
    { ...DEFAULT_POLL_POLICY, timeoutMs: Number(minutes) * 60_000 },
    { timeoutMs: 'Timeout (Minutes)' },
  );
}

export function readMaxRecords(context: IExecuteFunctions, itemIndex: number): number {
  const value = Number(context.getNodeParameter('maxRecords', itemIndex, DEFAULT_MAX_RECORDS));
  if (!Number.isInteger(value) || value < 1 || value > MAX_MAX_RECORDS) {
    throw new InputError(
      'maxRecords',
      `${value} is out of range; expected a whole number from 1 to ${MAX_MAX_RECORDS}`,
    );
  }
  return value;
}

/**
 * How slow a download may be, and how long an answer may take to start: the node's Request
 * Timeout, Stall Timeout and Minimum Speed options, checked like the CLI's and the action's.
 */
export function readDownloadPolicy(
  context: IExecuteFunctions,
  itemIndex: number,
  poll: PollPolicy,
): DownloadPolicy {
  const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
  const stall = validateStallPolicy(
    {
      windowMs:
        options.stallTimeout === undefined
          ? DEFAULT_STALL_POLICY.windowMs
          : Number(options.stallTimeout) * 1000,
      minBytesPerSecond:
        options.minSpeed === undefined
          ? DEFAULT_STALL_POLICY.minBytesPerSecond
          : Number(options.minSpeed),
    },
    { windowMs: 'Stall Timeout (Seconds)', minBytesPerSecond: 'Minimum Speed (Bytes per Second)' },
  );
  return { ...DEFAULT_DOWNLOAD_POLICY, linkWait: poll, stall };
}

export function readRequestTimeout(context: IExecuteFunctions, itemIndex: number): number {
  const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
  if (options.requestTimeout === undefined) return DEFAULT_REQUEST_TIMEOUT_MS;
  return validateRequestTimeout('Request Timeout (Seconds)', Number(options.requestTimeout) * 1000);
}
