import { readFileSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { parseAgeRecipients } from '../protocol/age-keys.js';
import type { AgeRecipient } from '../protocol/age-x25519.js';
import { validateBaseUrl } from '../protocol/base-url.js';
import { type ChangeLimit, parseChangeLimits } from '../protocol/diff-thresholds.js';
import { InputError } from '../protocol/errors.js';
import { EXPORT_KINDS, type ExportKind } from '../protocol/kinds.js';
import {
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_STALL_POLICY,
  type StallPolicy,
  validateRequestTimeout,
  validateStallPolicy,
} from '../protocol/limits.js';
import { DEFAULT_MEMORY_LIMIT, type MemoryLimit, parseMemoryLimit } from '../protocol/load-plan.js';
import { type ExportRequestInput, quoteUserValue, validateExportGid } from '../protocol/params.js';
import {
  DEFAULT_POLL_POLICY,
  type PollPolicy,
  parseDuration,
  validatePollPolicy,
} from '../protocol/polling.js';
import { splitList, spreadResourceLists } from '../protocol/resource-lists.js';
import { checkSinceApplies, resolveSince, withModifiedAfter } from '../protocol/since.js';
import { printable } from '../protocol/text.js';
import { DESTINATION_FLAGS, type DestinationArgs, destinationArgs } from './destination-args.js';

export const COMMANDS = [
  'run',
  'create',
  'status',
  'download',
  'verify',
  'diff',
  'check',
  'load',
] as const;
export type Command = (typeof COMMANDS)[number];

type Options = NonNullable<ParseArgsConfig['options']>;

const COMMON: Options = {
  'base-url': { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
};
const EXPORT_TARGET: Options = {
  kind: { type: 'string' },
  organization: { type: 'string' },
  workspace: { type: 'string' },
  parent: { type: 'string' },
  'resource-types': { type: 'string' },
  fields: { type: 'string' },
  filter: { type: 'string', multiple: true },
  parameters: { type: 'string' },
  since: { type: 'string' },
};
const EXISTING: Options = { kind: { type: 'string' }, gid: { type: 'string' } };
/** For every command that talks to Asana. */
const NETWORK: Options = { 'request-timeout': { type: 'string' } };
const WAITING: Options = {
  out: { type: 'string', short: 'o' },
  timeout: { type: 'string' },
  'poll-interval': { type: 'string' },
  'poll-max-interval': { type: 'string' },
  'stall-timeout': { type: 'string' },
  'min-speed': { type: 'string' },
  'skip-json-check': { type: 'boolean' },
  'encrypt-to': { type: 'string', multiple: true },
  'encrypt-to-file': { type: 'string', multiple: true },
  ...DESTINATION_FLAGS,
};

const OPTIONS_BY_COMMAND: Record<Command, Options> = {
  run: { ...COMMON, ...NETWORK, ...EXPORT_TARGET, ...WAITING, resume: { type: 'string' } },
  // `create` waits too, but only while another export of the workspace runs.
  create: { ...COMMON, ...NETWORK, ...EXPORT_TARGET, timeout: { type: 'string' } },
  status: { ...COMMON, ...NETWORK, ...EXISTING },
  download: { ...COMMON, ...NETWORK, ...EXISTING, ...WAITING },
  verify: {
    ...COMMON,
    manifest: { type: 'string' },
    'skip-json-check': { type: 'boolean' },
    identity: { type: 'string', short: 'i', multiple: true },
  },
  diff: {
    ...COMMON,
    'old-manifest': { type: 'string' },
    'new-manifest': { type: 'string' },
    identity: { type: 'string', short: 'i', multiple: true },
    format: { type: 'string' },
    report: { type: 'string' },
    'fail-on': { type: 'string', multiple: true },
    'temp-dir': { type: 'string' },
    // Two exports stored in object storage: two keys, or a target's latest and the one before.
    ...NETWORK,
    kind: { type: 'string' },
    target: { type: 'string' },
    ...DESTINATION_FLAGS,
  },
  load: {
    ...COMMON,
    duckdb: { type: 'string' },
    parquet: { type: 'string' },
    'memory-limit': { type: 'string' },
    identity: { type: 'string', short: 'i', multiple: true },
    force: { type: 'boolean' },
  },
  check: {
    ...COMMON,
    ...NETWORK,
    'max-age': { type: 'string' },
    kind: { type: 'string' },
    target: { type: 'string' },
    ...DESTINATION_FLAGS,
  },
};

export interface CommonArgs {
  readonly baseUrl: string | undefined;
  readonly verbose: boolean;
  readonly quiet: boolean;
  /** How long an answer may take to start (`--request-timeout`). */
  readonly requestTimeoutMs: number;
}

export type ParsedCommand =
  | { readonly command: 'help'; readonly topic: Command | undefined }
  | { readonly command: 'version' }
  | (CommonArgs & {
      readonly command: 'create';
      readonly request: ExportRequestInput;
      readonly poll: PollPolicy;
    })
  | (CommonArgs & { readonly command: 'status'; readonly kind: ExportKind; readonly gid: string })
  | (CommonArgs &
      WaitArgs & {
        readonly command: 'run';
        readonly request: ExportRequestInput | undefined;
        readonly resume: { kind: ExportKind; gid: string } | undefined;
      })
  | (CommonArgs &
      WaitArgs & { readonly command: 'download'; readonly kind: ExportKind; readonly gid: string })
  | (CommonArgs & {
      readonly command: 'verify';
      readonly file: string;
      readonly manifest: string | undefined;
      readonly validateJson: boolean;
      readonly identities: readonly string[];
    })
  | (CommonArgs & { readonly command: 'diff' } & DiffArgs)
  | (CommonArgs & { readonly command: 'check' } & CheckArgs)
  | (CommonArgs & { readonly command: 'load' } & LoadArgs);

export interface LoadArgs {
  readonly exports: readonly string[];
  readonly duckdb: string;
  readonly parquetDir: string | undefined;
  readonly force: boolean;
  readonly memoryLimit: MemoryLimit;
  /** `--memory-limit` as typed (or the default), for the summary line. */
  readonly memoryLimitText: string;
  readonly identities: readonly string[];
}

export interface CheckArgs {
  /** A folder of downloaded exports, or a destination (`--to`) with a kind and a target. */
  readonly place:
    | { readonly folder: string; readonly kind: ExportKind | undefined }
    | { readonly destination: DestinationArgs; readonly kind: ExportKind; readonly target: string };
  readonly maxAgeMs: number;
  /** `--max-age` as typed, for the reason line. */
  readonly maxAgeText: string;
}

/** Where `diff` finds the two exports: two files, or a bucket or container (`--to`). */
export type DiffSource =
  | { readonly type: 'files'; readonly old: string; readonly new: string }
  | {
      readonly type: 'store';
      readonly destination: DestinationArgs;
      /** Two keys as typed (checked against the prefix later), or a target's latest pair. */
      readonly which:
        | { readonly keys: { readonly old: string; readonly new: string } }
        | { readonly latestOf: { readonly kind: ExportKind; readonly target: string } };
    };

export interface DiffArgs {
  readonly source: DiffSource;
  readonly oldManifest: string | undefined;
  readonly newManifest: string | undefined;
  readonly identities: readonly string[];
  /** What goes to stdout. */
  readonly format: 'json' | 'markdown';
  /** A file to write the JSON report to as well (never over an existing one). */
  readonly reportFile: string | undefined;
  readonly limits: readonly ChangeLimit[];
  readonly tempDir: string | undefined;
}

export interface WaitArgs {
  /** `--out` exactly as typed, for the resume command printed on failure. */
  readonly outDir: string;
  readonly poll: PollPolicy;
  readonly stall: StallPolicy;
  readonly validateJson: boolean;
  /** `--encrypt-to` and `--encrypt-to-file`, read and checked; undefined when neither is given. */
  readonly encryptTo: readonly AgeRecipient[] | undefined;
  /** Those options as typed, for the resume command printed on failure. */
  readonly encryptToWords: readonly string[];
  /** `--to` and its options: object storage instead of the folder `outDir`. */
  readonly destination: DestinationArgs | undefined;
}

/** Parses `argv` (without node and the script) into a command, or throws InputError. */
export function parseCommandLine(argv: readonly string[]): ParsedCommand {
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-V' || first === 'version') return { command: 'version' };
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    return { command: 'help', topic: isCommand(topic) ? topic : undefined };
  }
  if (!isCommand(first)) {
    throw new InputError(
      'command',
      `"${first}" is not a command`,
      `Use one of: ${COMMANDS.join(', ')}.`,
    );
  }
  const { values, positionals } = parseOptions(first, rest);
  if (values.help === true) return { command: 'help', topic: first };

  const requestTimeout = stringValue(values, 'request-timeout');
  const common: CommonArgs = {
    baseUrl: optionalBaseUrl(values['base-url']),
    verbose: values.verbose === true,
    quiet: values.quiet === true,
    requestTimeoutMs:
      requestTimeout === undefined
        ? DEFAULT_REQUEST_TIMEOUT_MS
        : validateRequestTimeout(
            '--request-timeout',
            parseDuration('--request-timeout', requestTimeout),
          ),
  };
  switch (first) {
    case 'verify':
      return { ...common, command: 'verify', ...verifyArgs(values, positionals) };
    case 'diff':
      return { ...common, command: 'diff', ...diffArgs(values, positionals) };
    case 'check':
      return { ...common, command: 'check', ...checkArgs(values, positionals) };
    case 'load':
      return { ...common, command: 'load', ...loadArgs(values, positionals) };
    case 'create':
      return {
        ...common,
        command: 'create',
        request: exportRequestInput(values),
        poll: pollPolicy(values),
      };
    case 'status':
      return { ...common, command: 'status', ...existingExport(values) };
    case 'download':
      return { ...common, ...waitArgs(values), command: 'download', ...existingExport(values) };
    case 'run': {
      const resume = values.resume;
      if (typeof resume === 'string') {
        const extra = Object.keys(EXPORT_TARGET).find(
          (name) => name !== 'kind' && values[name] !== undefined,
        );
        if (extra) {
          throw new InputError(
            `--${extra}`,
            'cannot be combined with --resume',
            'A resumed export keeps the parameters it was created with; drop this option.',
          );
        }
        return {
          ...common,
          ...waitArgs(values),
          command: 'run',
          request: undefined,
          resume: { kind: requireKind(values.kind), gid: validateExportGid('--resume', resume) },
        };
      }
      return {
        ...common,
        ...waitArgs(values),
        command: 'run',
        request: exportRequestInput(values),
        resume: undefined,
      };
    }
  }
}

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

function parseOptions(
  command: Command,
  args: readonly string[],
): { values: Values; positionals: string[] } {
  try {
    return parseArgs({
      args: [...args],
      options: OPTIONS_BY_COMMAND[command],
      strict: true,
      // Only `verify` (the file), `diff` (two files), `check` (a folder), `load` (exports) take operands.
      allowPositionals:
        command === 'verify' || command === 'diff' || command === 'check' || command === 'load',
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const option = /'(-{1,2}[\w-]+)/.exec(message)?.[1] ?? 'arguments';
    throw new InputError(
      option,
      message.replace(/\. To specify.*$/s, ''),
      `Run \`asana-export ${command} --help\` for the options of ${command}.`,
    );
  }
}

function verifyArgs(values: Values, positionals: readonly string[]) {
  const [file, ...extra] = positionals;
  if (file === undefined) {
    throw new InputError('file', 'is required', 'Run `asana-export verify <file.jsonl.gz>`.');
  }
  if (extra.length > 0) {
    throw new InputError(
      'file',
      `expected one file, got ${positionals.length}`,
      'Verify one file per run.',
    );
  }
  return {
    file,
    manifest: stringValue(values, 'manifest'),
    validateJson: values['skip-json-check'] !== true,
    identities: stringValues(values, 'identity'),
  };
}

function diffArgs(values: Values, positionals: readonly string[]): DiffArgs {
  const source = diffSource(values, positionals);
  const format = stringValue(values, 'format') ?? 'json';
  if (format !== 'json' && format !== 'markdown') {
    throw new InputError(
      '--format',
      `${quoteUserValue(format)} is not a format`,
      'Use json or markdown.',
    );
  }
  return {
    source,
    oldManifest: stringValue(values, 'old-manifest'),
    newManifest: stringValue(values, 'new-manifest'),
    identities: stringValues(values, 'identity'),
    format,
    reportFile: stringValue(values, 'report'),
    limits: parseChangeLimits('--fail-on', stringValues(values, 'fail-on')),
    tempDir: stringValue(values, 'temp-dir'),
  };
}

function diffSource(values: Values, positionals: readonly string[]): DiffSource {
  const destination = destinationArgs(values);
  const kindValue = values.kind === undefined ? undefined : requireKind(values.kind);
  const target = stringValue(values, 'target');
  if (destination === undefined) {
    const stray =
      kindValue !== undefined ? '--kind' : target !== undefined ? '--target' : undefined;
    if (stray !== undefined) {
      throw new InputError(
        stray,
        'only goes with --to',
        'Two files are compared as they are; --kind and --target find the latest two exports of a target in object storage (--to).',
      );
    }
    if (positionals.length !== 2) {
      throw new InputError(
        positionals.length < 2 ? (positionals.length === 0 ? 'OLD' : 'NEW') : 'arguments',
        positionals.length < 2 ? 'is required' : `expected two files, got ${positionals.length}`,
        'Run `asana-export diff OLD.jsonl.gz NEW.jsonl.gz`: the older export first.',
      );
    }
    return { type: 'files', old: positionals[0] as string, new: positionals[1] as string };
  }
  for (const option of ['old-manifest', 'new-manifest']) {
    if (values[option] !== undefined) {
      throw new InputError(
        `--${option}`,
        'cannot be combined with --to',
        'The manifest stored beside each export is read and checked: drop it.',
      );
    }
  }
  if (positionals.length === 2) {
    if (kindValue !== undefined || target !== undefined) {
      throw new InputError(
        kindValue !== undefined ? '--kind' : '--target',
        'cannot be combined with two keys',
        'Compare two keys (OLD NEW), or the latest two exports of a target (--kind, --target): not both.',
      );
    }
    const [old, now] = positionals as [string, string];
    return { type: 'store', destination, which: { keys: { old, new: now } } };
  }
  if (positionals.length !== 0) {
    throw new InputError(
      'arguments',
      `expected two keys, got ${positionals.length}`,
      'With --to, give the keys of two stored exports (OLD NEW), or --kind and --target for the latest two.',
    );
  }
  if (kindValue === undefined || target === undefined) {
    throw new InputError(
      kindValue === undefined ? '--kind' : '--target',
      'is required with --to (or give two keys)',
      'A destination holds a latest.json per kind and target: pass --kind and --target (the organization, workspace or parent gid) to compare its latest export with the one before.',
    );
  }
  return {
    type: 'store',
    destination,
    which: { latestOf: { kind: kindValue, target: validateExportGid('--target', target) } },
  };
}

function loadArgs(values: Values, positionals: readonly string[]): LoadArgs {
  if (positionals.length === 0) {
    throw new InputError(
      'EXPORT',
      'is required',
      'Run `asana-export load EXPORT.jsonl.gz... --duckdb FILE`: one or more downloaded exports.',
    );
  }
  const duckdb = stringValue(values, 'duckdb');
  if (duckdb === undefined || duckdb === '') {
    throw new InputError(
      '--duckdb',
      'is required',
      'Name the DuckDB database file to load into, e.g. --duckdb asana.duckdb (created, or merged into when it exists).',
    );
  }
  const parquetDir = stringValue(values, 'parquet');
  const force = values.force === true;
  if (force && parquetDir === undefined) {
    throw new InputError(
      '--force',
      'only goes with --parquet',
      'A database is never replaced, only merged into: drop --force.',
    );
  }
  const memoryLimitText = stringValue(values, 'memory-limit') ?? DEFAULT_MEMORY_LIMIT;
  return {
    exports: positionals,
    duckdb,
    parquetDir,
    force,
    memoryLimit: parseMemoryLimit('--memory-limit', memoryLimitText),
    memoryLimitText,
    identities: stringValues(values, 'identity'),
  };
}

function checkArgs(values: Values, positionals: readonly string[]): CheckArgs {
  const maxAge = stringValue(values, 'max-age');
  if (maxAge === undefined) {
    throw new InputError(
      '--max-age',
      'is required',
      'Say how old the last export may be, e.g. --max-age 26h for a nightly backup (a day and some slack).',
    );
  }
  const maxAgeMs = parseDuration('--max-age', maxAge);
  const destination = destinationArgs(values);
  const kindValue = values.kind === undefined ? undefined : requireKind(values.kind);
  if (positionals.length > 1) {
    throw new InputError(
      'FOLDER',
      `expected one folder, got ${positionals.length}`,
      'Check one place per run.',
    );
  }
  if (destination === undefined) {
    if (values.target !== undefined) {
      throw new InputError(
        '--target',
        'only goes with --to',
        'A folder is checked by its manifests; drop --target.',
      );
    }
    const [folder = '.'] = positionals;
    return { place: { folder, kind: kindValue }, maxAgeMs, maxAgeText: `--max-age ${maxAge}` };
  }
  if (positionals.length > 0) {
    throw new InputError(
      'FOLDER',
      'cannot be combined with --to',
      'Check a folder or a destination, not both.',
    );
  }
  const target = stringValue(values, 'target');
  if (kindValue === undefined || target === undefined) {
    throw new InputError(
      kindValue === undefined ? '--kind' : '--target',
      'is required with --to',
      'A destination holds a latest.json per kind and target: pass --kind and --target (the organization, workspace or parent gid).',
    );
  }
  return {
    place: { destination, kind: kindValue, target: validateExportGid('--target', target) },
    maxAgeMs,
    maxAgeText: `--max-age ${maxAge}`,
  };
}

function isCommand(value: string | undefined): value is Command {
  return (COMMANDS as readonly string[]).includes(value ?? '');
}

function stringValue(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

function stringValues(values: Values, name: string): string[] {
  const value = values[name];
  return Array.isArray(value) ? value.filter((item) => typeof item === 'string') : [];
}

function requireKind(value: unknown): ExportKind {
  if (typeof value !== 'string') {
    throw new InputError('--kind', 'is required', `Use one of: ${EXPORT_KINDS.join(', ')}.`);
  }
  if (!(EXPORT_KINDS as readonly string[]).includes(value)) {
    throw new InputError(
      '--kind',
      `"${value}" is not an export kind`,
      `Use one of: ${EXPORT_KINDS.join(', ')}.`,
    );
  }
  return value as ExportKind;
}

function existingExport(values: Values): { kind: ExportKind; gid: string } {
  const kind = requireKind(values.kind);
  const gid = stringValue(values, 'gid');
  if (gid === undefined) {
    const what =
      kind === 'organization' ? 'the organization export gid' : 'the job gid that create printed';
    throw new InputError('--gid', 'is required', `Pass ${what}.`);
  }
  return { kind, gid: validateExportGid('--gid', gid) };
}

function optionalBaseUrl(value: unknown): string | undefined {
  return typeof value === 'string' ? validateBaseUrl('--base-url', value) : undefined;
}

function waitArgs(values: Values): WaitArgs {
  return {
    outDir: stringValue(values, 'out') ?? '.',
    poll: pollPolicy(values),
    stall: stallPolicy(values),
    validateJson: values['skip-json-check'] !== true,
    ...encryptionArgs(values),
    destination: destinationArgs(values),
  };
}

/**
 * The recipients of `--encrypt-to` (repeatable, each a key or a comma-separated list) and
 * `--encrypt-to-file` (repeatable, files as for `age -R`), read and checked here, before
 * anything is sent: a bad key found after hours of waiting would be too late.
 */
function encryptionArgs(values: Values): Pick<WaitArgs, 'encryptTo' | 'encryptToWords'> {
  const inline = stringValues(values, 'encrypt-to');
  const files = stringValues(values, 'encrypt-to-file');
  if (inline.length === 0 && files.length === 0) {
    return { encryptTo: undefined, encryptToWords: [] };
  }
  const recipients: AgeRecipient[] = [];
  const words: string[] = [];
  for (const value of inline) {
    recipients.push(...parseAgeRecipients('--encrypt-to', value));
    words.push('--encrypt-to', value);
  }
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new InputError(
        '--encrypt-to-file',
        `cannot read ${printable(file, 300)} (${(error as { code?: string }).code ?? 'error'})`,
        'Pass a file of age public keys (age1...), one per line, as for `age -R`.',
      );
    }
    recipients.push(...parseAgeRecipients('--encrypt-to-file', text));
    words.push('--encrypt-to-file', file);
  }
  const unique = [
    ...new Map(recipients.map((recipient) => [recipient.publicKey, recipient])).values(),
  ];
  return { encryptTo: unique, encryptToWords: words };
}

function stallPolicy(values: Values): StallPolicy {
  const window = stringValue(values, 'stall-timeout');
  const speed = stringValue(values, 'min-speed');
  if (speed !== undefined && !/^\d+$/.test(speed.trim())) {
    throw new InputError(
      '--min-speed',
      `${quoteUserValue(speed)} is not a number of bytes per second`,
      'Write a whole number, e.g. --min-speed 1024 (0 turns the minimum off).',
    );
  }
  return validateStallPolicy(
    {
      windowMs:
        window === undefined
          ? DEFAULT_STALL_POLICY.windowMs
          : parseDuration('--stall-timeout', window),
      minBytesPerSecond:
        speed === undefined ? DEFAULT_STALL_POLICY.minBytesPerSecond : Number(speed.trim()),
    },
    { windowMs: '--stall-timeout', minBytesPerSecond: '--min-speed' },
  );
}

/** The poll policy from whichever of `--timeout` and the poll intervals the command takes. */
function pollPolicy(values: Values): PollPolicy {
  const duration = (name: string, fallback: number) => {
    const value = stringValue(values, name);
    return value === undefined ? fallback : parseDuration(`--${name}`, value);
  };
  return validatePollPolicy(
    {
      ...DEFAULT_POLL_POLICY,
      initialIntervalMs: duration('poll-interval', DEFAULT_POLL_POLICY.initialIntervalMs),
      maxIntervalMs: duration('poll-max-interval', DEFAULT_POLL_POLICY.maxIntervalMs),
      timeoutMs: duration('timeout', DEFAULT_POLL_POLICY.timeoutMs),
    },
    {
      initialIntervalMs: '--poll-interval',
      maxIntervalMs: '--poll-max-interval',
      timeoutMs: '--timeout',
    },
  );
}

/** The export's parameters as raw input; `validateExportRequest` checks them before any request. */
function exportRequestInput(values: Values): ExportRequestInput {
  const kind = requireKind(values.kind);
  const input: { -readonly [K in keyof ExportRequestInput]: ExportRequestInput[K] } = { kind };
  for (const name of ['organization', 'workspace', 'parent'] as const) {
    const value = stringValue(values, name);
    if (value !== undefined) input[name] = value;
  }
  const parameters = stringValue(values, 'parameters');
  const shortcut = ['resource-types', 'fields', 'filter'].filter(
    (name) => values[name] !== undefined,
  );
  if (parameters !== undefined) {
    if (shortcut.length > 0) {
      throw new InputError(
        `--${shortcut[0]}`,
        'cannot be combined with --parameters',
        'Put everything in --parameters, or use --resource-types/--fields/--filter alone.',
      );
    }
    input.resources = parseParameters(parameters);
  } else if (kind === 'resource' || shortcut.length > 0) {
    input.resources = resourcesFromShortcuts(values);
  }
  const since = stringValue(values, 'since');
  if (since === undefined) return input;
  checkSinceApplies('--since', input);
  return withModifiedAfter(input, resolveSince('--since', since, Date.now()));
}

/** `--parameters` takes Asana's own `export_request_parameters` array, inline or as `@file.json`. */
function parseParameters(raw: string): ExportRequestInput['resources'] {
  let text = raw;
  if (raw.startsWith('@')) {
    try {
      text = readFileSync(raw.slice(1), 'utf8');
    } catch (error) {
      throw new InputError(
        '--parameters',
        `cannot read ${raw.slice(1)} (${(error as { code?: string }).code ?? 'error'})`,
      );
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InputError(
      '--parameters',
      'is not valid JSON',
      'Pass a JSON array such as [{"resource_type":"task","fields":["gid","name"]}], or @file.json.',
    );
  }
  if (!Array.isArray(parsed)) {
    throw new InputError(
      '--parameters',
      'must be a JSON array of {resource_type, fields, filters}',
    );
  }
  return parsed.map((entry: unknown, index) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new InputError(
        `--parameters[${index}]`,
        'must be an object with resource_type, fields and filters',
      );
    }
    const { resource_type, fields, filters } = entry as Record<string, unknown>;
    if (
      fields !== undefined &&
      !(Array.isArray(fields) && fields.every((f) => typeof f === 'string'))
    ) {
      throw new InputError(`--parameters[${index}].fields`, 'must be an array of field names');
    }
    if (
      filters !== undefined &&
      (typeof filters !== 'object' || filters === null || Array.isArray(filters))
    ) {
      throw new InputError(
        `--parameters[${index}].filters`,
        'must be an object such as {"modified_at.after": "2024-01-01"}',
      );
    }
    return {
      ...(typeof resource_type === 'string' ? { resourceType: resource_type } : {}),
      ...(fields ? { fields: fields as string[] } : {}),
      ...(filters ? { filters: filters as Record<string, unknown> } : {}),
    };
  });
}

/**
 * `--resource-types task,message --fields gid,name --filter modified_at.after=2024-01-01`: one
 * entry per type, each with the fields and the filters that type accepts.
 */
function resourcesFromShortcuts(values: Values): ExportRequestInput['resources'] {
  const filters = (Array.isArray(values.filter) ? values.filter : []).map((raw) => {
    const text = String(raw);
    const equals = text.indexOf('=');
    if (equals <= 0) {
      throw new InputError(
        '--filter',
        `"${text}" is not name=value`,
        'Write e.g. --filter modified_at.after=2024-01-01 or --filter assignee.any=123,456.',
      );
    }
    return { name: text.slice(0, equals), value: text.slice(equals + 1) };
  });
  const fields = stringValue(values, 'fields');
  return spreadResourceLists(
    {
      types: splitList(stringValue(values, 'resource-types') ?? ''),
      fields: fields === undefined ? undefined : splitList(fields),
      filters: groupFilters(filters),
    },
    { types: '--resource-types', filters: '--filter' },
  );
}

/** A filter given twice is one list: `--filter assignee.any=1 --filter assignee.any=2`. */
function groupFilters(filters: readonly { name: string; value: string }[]): Record<string, string> {
  const grouped: Record<string, string> = {};
  for (const { name, value } of filters) {
    grouped[name] = grouped[name] === undefined ? value : `${grouped[name]},${value}`;
  }
  return grouped;
}
