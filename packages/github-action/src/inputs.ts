/**
 * Reads the step's inputs and checks every one of them before any request is sent. Each mistake
 * becomes an `InputError` that names the input as the workflow file spells it (`filters`,
 * `timeout-minutes`...). The export parameters themselves are validated by the core, once.
 */

import {
  type AgeRecipient,
  type ChangeLimit,
  checkSinceApplies,
  type DestinationInputs,
  type DestinationOption,
  type ExportKind,
  type ExportRef,
  type ExportRequest,
  type ExportRequestInput,
  InputError,
  isExportKind,
  type PollPolicy,
  parseAgeRecipients,
  parseChangeLimits,
  parseDuration,
  quoteUserValue,
  readDestinationInputs,
  resolveSince,
  type StallPolicy,
  splitList,
  spreadResourceLists,
  validateBaseUrl,
  validateExportGid,
  validateExportRequest,
  validateToken,
  withModifiedAfter,
} from '@asana-exports/core/node';
import { parse as parseYaml } from 'yaml';
import type { FullEvery } from './chain.js';
import {
  type InputReader,
  optionalInteger,
  readArtifactName,
  readBoolean,
  readPollPolicy,
  readRequestTimeout,
  readStallPolicy,
} from './input-values.js';

export type { InputReader } from './input-values.js';

export type SinceInput =
  /** A fixed watermark: an ISO date, or now minus a duration, already in ISO form. */
  | { readonly type: 'fixed'; readonly after: string; readonly text: string }
  /** The watermark of the last successful run, looked up through the GitHub API. */
  | { readonly type: 'last-run' };

export interface ActionInputs {
  readonly token: string;
  /** What to run: a new export (with a fixed `since` applied) or the export to resume. */
  readonly start: { readonly request: ExportRequest } | { readonly resume: ExportRef };
  /** The new export without `since`: the key of the state kept between runs. */
  readonly baseRequest: ExportRequest | undefined;
  /** The raw export request, so that a watermark found later can be applied and re-validated. */
  readonly requestInput: ExportRequestInput | undefined;
  readonly since: SinceInput | undefined;
  readonly artifactName: string | undefined;
  readonly retentionDays: number | undefined;
  readonly decompress: boolean;
  readonly poll: PollPolicy;
  readonly requestTimeoutMs: number;
  readonly stall: StallPolicy;
  readonly baseUrl: string | undefined;
  readonly githubToken: string | undefined;
  readonly keepLast: number | undefined;
  /** `full-every`: when an incremental chain starts over with a full export. */
  readonly fullEvery: FullEvery | undefined;
  /** Pick up the export a timed-out run of this step left running (`resume-pending`). */
  readonly resumePending: boolean;
  /**
   * Whether this step keeps state between runs: only `since: last-run`, `keep-last` and
   * `full-every` need it; other runs store no state artifact and read none.
   */
  readonly keepsState: boolean;
  /** `encrypt-to`: the export is stored as age ciphertext to these recipients. */
  readonly encryptTo: readonly AgeRecipient[] | undefined;
  /** `allow-public-unencrypted`: store plaintext even in a public repository's artifacts. */
  readonly allowPublicUnencrypted: boolean;
  /** `destination` and its options: the user's object storage instead of an artifact. */
  readonly destination: DestinationInputs | undefined;
  /** `compare: last-run`: a change report against the export of the last run of this step. */
  readonly compare: CompareInputs | undefined;
  /** `parquet`: the export's tables as Parquet files beside it, in the artifact or destination. */
  readonly parquet: boolean;
}

export interface CompareInputs {
  /** `fail-on`: the step fails when the report crosses one (the export is still stored). */
  readonly failOn: readonly ChangeLimit[];
  /** `warn-on`: a warning annotation when the report crosses one. */
  readonly warnOn: readonly ChangeLimit[];
}

/** What the action calls each destination option (the CLI's `--to` is `destination`). */
export const DESTINATION_INPUTS: Readonly<Record<DestinationOption, string>> = {
  to: 'destination',
  layout: 'destination-layout',
  'storage-class': 'storage-class',
  // `retention-days` is the artifact's: the object's retention has its own names.
  'retention-mode': 'object-retention-mode',
  'retention-days': 'object-retention-days',
  's3-region': 's3-region',
  's3-endpoint': 's3-endpoint',
  's3-path-style': 's3-path-style',
  sse: 'sse',
  'sse-kms-key-id': 'sse-kms-key-id',
  'azure-endpoint': 'azure-endpoint',
  'azure-encryption-scope': 'azure-encryption-scope',
};

/**
 * Inputs about artifacts and the state kept in them, which a destination does not use yet:
 * refused rather than ignored, so that nobody believes a chain is kept when it is not.
 * (`since: last-run` and `compare: last-run` work with one: they read the destination's record.)
 */
const ARTIFACT_ONLY_INPUTS = [
  'artifact-name',
  'retention-days',
  'decompress',
  'keep-last',
  'full-every',
] as const;

/**
 * GitHub keeps artifacts up to 90 days in public repositories and up to 400 in private and
 * internal ones; the artifact service applies the repository's own limit, this only bounds the
 * input to what GitHub documents.
 */
const MAX_RETENTION_DAYS = 400;
const KEEP_LAST_MAX = 1000;

/** The inputs that describe a new export; a resumed export keeps the ones it was created with. */
const REQUEST_INPUTS = [
  'organization',
  'workspace',
  'parent',
  'resources',
  'fields',
  'filters',
  'since',
  'compare',
] as const;

/**
 * Reads and validates every input. `now` anchors durations such as `since: 24h`.
 * Throws `InputError` naming the first bad input.
 */
export function readInputs(read: InputReader, now: Date): ActionInputs {
  const get = (name: string) => read(name).trim();
  if (get('asana-token') === '') {
    throw new InputError(
      'asana-token',
      'missing',
      `Pass a service account token from a secret: asana-token: \${{ secrets.ASANA_TOKEN }}`,
    );
  }
  const token = validateToken('asana-token', get('asana-token'));

  const resume = readResume(get);
  let requestInput: ExportRequestInput | undefined;
  let baseRequest: ExportRequest | undefined;
  let start: ActionInputs['start'];
  let since: SinceInput | undefined;
  if (resume) {
    const extra = REQUEST_INPUTS.find((name) => get(name) !== '');
    if (extra) {
      throw new InputError(
        extra,
        `cannot be combined with ${resume.kind === 'organization' ? 'export-gid' : 'job-gid'}`,
        'A resumed export keeps the parameters it was created with; remove this input.',
      );
    }
    start = { resume };
  } else {
    requestInput = readRequestInput(get);
    baseRequest = validateRequest(requestInput, undefined);
    start = { request: baseRequest };
    since = readSince(get('since'), requestInput, now);
    if (since?.type === 'fixed') {
      start = { request: validateRequest(withModifiedAfter(requestInput, since.after), 'since') };
    }
  }

  // Before the artifact inputs' own rules, so that one given with a destination is named as
  // the conflict rather than asked to be completed (a github-token for keep-last...).
  const parquet = readBoolean(get, 'parquet', false);
  const destination = readDestination(get);
  const githubToken = get('github-token');
  const keepLast = optionalInteger(get, 'keep-last', 1, KEEP_LAST_MAX);
  const encryptText = get('encrypt-to');
  const compare = readCompare(get, since, encryptText !== '');
  // With a destination, since and compare read the bucket, not the GitHub API.
  const stateInput =
    since?.type === 'last-run' && destination === undefined
      ? 'since: last-run'
      : keepLast !== undefined
        ? 'keep-last'
        : compare !== undefined && destination === undefined
          ? 'compare: last-run'
          : undefined;
  if (githubToken === '' && stateInput !== undefined) {
    throw new InputError(
      'github-token',
      `missing; ${stateInput} reads the repository's artifacts through the GitHub API`,
      `Leave github-token at its default (\${{ github.token }}) and grant the job the permissions the README lists.`,
    );
  }

  const fullEvery = readFullEvery(get('full-every'), since);
  if (since?.type === 'last-run' && keepLast !== undefined && fullEvery === undefined) {
    throw new InputError(
      'full-every',
      'missing; keep-last with since: last-run keeps whole chains (a full export and its increments), and without full-every there is only one',
      'Add full-every (such as 7d, or 7 for every 7th run), so that a full export comes round again and older chains can be deleted.',
    );
  }
  const encryptTo = encryptText === '' ? undefined : parseAgeRecipients('encrypt-to', encryptText);
  if (parquet && encryptTo !== undefined) {
    throw new InputError(
      'parquet',
      'cannot be combined with encrypt-to: the Parquet tables would hold the export unencrypted',
      'Remove parquet; decrypt where the backup is restored and make the tables there: asana-export load FILE.age --identity key.txt --duckdb FILE --parquet DIR.',
    );
  }
  const decompress = readBoolean(get, 'decompress', false);
  if (decompress && encryptTo !== undefined) {
    throw new InputError(
      'decompress',
      'cannot be combined with encrypt-to: the artifact would hold the export unencrypted',
      'Remove decompress; decrypt and decompress where the backup is restored (age -d -i key.txt FILE.age | zcat).',
    );
  }
  const keepsState =
    destination === undefined &&
    (since?.type === 'last-run' ||
      keepLast !== undefined ||
      fullEvery !== undefined ||
      compare !== undefined);
  const resumePending = readBoolean(get, 'resume-pending', true);

  return {
    token,
    start,
    baseRequest,
    requestInput,
    since,
    artifactName: readArtifactName(get('artifact-name')),
    retentionDays: optionalInteger(get, 'retention-days', 1, MAX_RETENTION_DAYS),
    decompress,
    poll: readPollPolicy(get),
    requestTimeoutMs: readRequestTimeout(get),
    stall: readStallPolicy(get),
    baseUrl: get('base-url') === '' ? undefined : validateBaseUrl('base-url', get('base-url')),
    githubToken: githubToken === '' ? undefined : githubToken,
    keepLast,
    fullEvery,
    resumePending,
    keepsState: keepsState && resume === undefined,
    encryptTo,
    allowPublicUnencrypted: readBoolean(get, 'allow-public-unencrypted', false),
    destination,
    compare,
    parquet,
  };
}

/**
 * `compare: last-run` with `fail-on` and `warn-on`. Two whole exports are compared, so not with
 * increments (`since: last-run`), and not with `encrypt-to`: the step holds no identity to open
 * the last run's ciphertext, and should not.
 */
function readCompare(
  get: InputReader,
  since: SinceInput | undefined,
  encrypted: boolean,
): CompareInputs | undefined {
  const text = get('compare');
  const failOn = parseChangeLimits('fail-on', [get('fail-on')]);
  const warnOn = parseChangeLimits('warn-on', [get('warn-on')]);
  if (text === '' || text === 'false' || text === 'none') {
    const limit = get('fail-on') !== '' ? 'fail-on' : get('warn-on') !== '' ? 'warn-on' : '';
    if (limit !== '') {
      throw new InputError(
        limit,
        'applies only with compare: last-run (it is a limit on the change report)',
        'Add compare: last-run, or remove it.',
      );
    }
    return undefined;
  }
  if (text !== 'last-run') {
    throw new InputError(
      'compare',
      `${quoteUserValue(text)} is not a comparison; the one there is is last-run`,
      'Write compare: last-run, or remove it.',
    );
  }
  if (since?.type === 'last-run') {
    throw new InputError(
      'compare',
      'cannot be combined with since: last-run: each run then exports only what changed, so there are no two whole exports to compare',
      'Compare full exports (remove since), or compare a restored chain with asana-export diff.',
    );
  }
  if (encrypted) {
    throw new InputError(
      'compare',
      "cannot be combined with encrypt-to: the step holds no identity to decrypt the last run's export",
      'Compare where the identity is kept: asana-export diff OLD.age NEW.age --identity key.txt.',
    );
  }
  return { failOn, warnOn };
}

/** `since: last-run` and `compare: last-run` work with one: they read the destination's record. */
function readDestination(get: InputReader): DestinationInputs | undefined {
  const destination = readDestinationInputs(
    (option) => get(DESTINATION_INPUTS[option]),
    (option) => DESTINATION_INPUTS[option],
  );
  if (destination === undefined) return undefined;
  const artifactOnly = ARTIFACT_ONLY_INPUTS.find(
    (name) => get(name) !== '' && get(name) !== 'false',
  );
  if (artifactOnly !== undefined) {
    throw new InputError(
      artifactOnly,
      'cannot be combined with destination: it is about the workflow artifact, and with a destination no artifact is stored',
      'Remove it; the bucket or container keeps the exports (set its lifecycle rules for how long).',
    );
  }
  return destination;
}

/** `full-every: 7` (runs) or `full-every: 7d` (age of the chain's full export). */
function readFullEvery(text: string, since: SinceInput | undefined): FullEvery | undefined {
  if (text === '') return undefined;
  if (since?.type !== 'last-run') {
    throw new InputError(
      'full-every',
      'applies only with since: last-run (without it every run is a full export)',
      'Add since: last-run, or remove full-every.',
    );
  }
  if (/^\d+$/.test(text)) {
    const count = Number(text);
    if (count < 2 || count > 1000) {
      throw new InputError(
        'full-every',
        `${quoteUserValue(text)} runs is out of range; use 2 to 1000 (every Nth run is a full export)`,
      );
    }
    return { type: 'runs', count };
  }
  const ms = parseDuration('full-every', text);
  if (ms <= 0) throw new InputError('full-every', 'must be longer than 0, such as 7d');
  return { type: 'age', ms };
}

function readResume(get: InputReader): ExportRef | undefined {
  const exportGid = get('export-gid');
  const jobGid = get('job-gid');
  const kindText = get('kind');
  if (exportGid === '' && jobGid === '') return undefined;
  if (exportGid !== '' && jobGid !== '') {
    throw new InputError(
      'job-gid',
      'cannot be combined with export-gid',
      'Organization exports are resumed by export-gid, resource and graph exports by job-gid.',
    );
  }
  const kind = kindText === '' ? undefined : readKind(kindText);
  if (exportGid !== '') {
    if (kind !== undefined && kind !== 'organization') {
      throw new InputError(
        'export-gid',
        `${kind} exports are resumed by the job gid, not the export gid`,
        `Pass job-gid instead (the gid of the job that created the ${kind} export).`,
      );
    }
    return { kind: 'organization', gid: validateExportGid('export-gid', exportGid) };
  }
  if (kind === undefined) {
    throw new InputError(
      'kind',
      'missing; job-gid needs the kind of the job, resource or graph',
      'Set kind: resource or kind: graph.',
    );
  }
  if (kind === 'organization') {
    throw new InputError(
      'job-gid',
      'organization exports have no job',
      'Pass export-gid (the organization export gid) instead.',
    );
  }
  return { kind, gid: validateExportGid('job-gid', jobGid) };
}

function readKind(text: string): ExportKind {
  if (!isExportKind(text)) {
    throw new InputError(
      'kind',
      `${quoteUserValue(text)} is not an export kind; expected organization, resource or graph`,
    );
  }
  return text;
}

/** The raw request, for the core to validate. Filters are spread over the types that take them. */
export function readRequestInput(get: InputReader): ExportRequestInput {
  const kind = get('kind');
  const input: { -readonly [K in keyof ExportRequestInput]: ExportRequestInput[K] } = { kind };
  for (const name of ['organization', 'workspace', 'parent'] as const) {
    const value = get(name);
    if (value !== '') input[name] = value;
  }
  const typesText = get('resources');
  const fieldsText = get('fields');
  const filtersText = get('filters');
  if (kind !== 'resource') {
    const extra = [
      ['resources', typesText],
      ['fields', fieldsText],
      ['filters', filtersText],
    ].find(([, value]) => value !== '');
    if (extra?.[0] !== undefined && isExportKind(kind)) {
      throw new InputError(
        extra[0],
        `${kind} exports do not take ${extra[0]}; remove it (only resource exports do)`,
      );
    }
    return input;
  }

  input.resources = spreadResourceLists(
    {
      types: splitList(typesText),
      fields: fieldsText === '' ? undefined : splitList(fieldsText),
      filters: parseFilters(filtersText),
    },
    { types: 'resources', filters: 'filters' },
  );
  return input;
}

/**
 * `filters` is a YAML (or JSON) map of Asana filter names to values. Integers are read as
 * strings: gids have up to 16 digits and would lose some as JavaScript numbers.
 */
export function parseFilters(text: string): Record<string, unknown> {
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = parseYaml(text, { intAsBigInt: true, prettyErrors: false, uniqueKeys: true });
  } catch {
    throw new InputError(
      'filters',
      'is not valid YAML or JSON',
      'Write a map such as `modified_at.after: 2024-01-01` or {"assignee.any": ["1234567890123456"]}.',
    );
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InputError(
      'filters',
      'must be a map of filter names to values, such as `modified_at.after: 2024-01-01`',
    );
  }
  const filters: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(parsed)) {
    filters[name] = stringifyIntegers(value);
  }
  return filters;
}

function stringifyIntegers(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(stringifyIntegers);
  return value;
}

function readSince(text: string, input: ExportRequestInput, now: Date): SinceInput | undefined {
  if (text === '') return undefined;
  checkSinceApplies('since', input);
  if (text === 'last-run') return { type: 'last-run' };
  return { type: 'fixed', after: resolveSince('since', text, now.getTime()), text };
}

/**
 * Validates through the core, then renames the core's parameter paths
 * (`resources[0].filters.created_at.after`) to the action's inputs (`filters`).
 */
export function validateRequest(
  input: ExportRequestInput,
  watermarkInput: string | undefined,
): ExportRequest {
  try {
    return validateExportRequest(input);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const renamed = actionInputOf(error.input, watermarkInput);
    if (renamed === undefined) throw error;
    const problem = error.message.slice(`Invalid ${error.input}: `.length);
    throw new InputError(
      renamed.input,
      renamed.detail ? `${renamed.detail}: ${problem}` : problem,
      error.hint,
    );
  }
}

function actionInputOf(
  path: string,
  watermarkInput: string | undefined,
): { input: string; detail?: string } | undefined {
  const match = /^resources\[\d+\](?:\.(fields|filters|resource_type)(.*))?$/.exec(path);
  if (!match) return undefined;
  const [, part, rest = ''] = match;
  if (part === 'fields') return { input: 'fields' };
  if (part === 'filters') {
    const name = rest.replace(/^\./, '').replace(/\[\d+\]$/, '');
    if (watermarkInput && name.startsWith('modified_at.')) return { input: watermarkInput };
    return name === '' ? { input: 'filters' } : { input: 'filters', detail: name };
  }
  return { input: 'resources' };
}
