/**
 * Where in a bucket or container one export goes: its folder (`<prefix><layout>/`), the export
 * and its manifest inside it, and `latest.json` per target, which says which export of that
 * target is the newest complete one (the freshness check reads it).
 */
import { InputError } from './errors.js';
import { type ExportKind, isExportGid } from './kinds.js';
import type { Manifest } from './manifest.js';
import { TOOL_NAME } from './version.js';

/** The default folder below the prefix: one per kind, target and export, sortable by time. */
export const DEFAULT_LAYOUT = '{kind}/{target}/{timestamp}';

const PLACEHOLDERS = ['kind', 'target', 'timestamp', 'date', 'export'] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];

const LAYOUT_HINT = `Write the folder below the prefix with ${PLACEHOLDERS.map((name) => `{${name}}`).join(', ')} and plain text, such as ${DEFAULT_LAYOUT} (the default).`;

export interface LayoutValues {
  readonly kind: ExportKind;
  /** The organization, workspace or parent gid the export was made of. */
  readonly target: string;
  /** The export's gid (the job's for resource and graph exports resumed without it). */
  readonly exportGid: string;
  /** When the export finished, ms since the epoch. */
  readonly finishedAt: number;
}

export interface ObjectKeys {
  readonly folder: string;
  readonly file: string;
  readonly manifest: string;
  readonly latest: string;
}

/**
 * Checks a layout template before anything is sent: only known placeholders, no empty, `.` or
 * `..` segment, no control character. `{timestamp}` or `{export}` must be in it, so no two
 * exports share a folder.
 */
export function checkLayout(input: string, layout: string): string {
  const template = layout.trim().replace(/^\/+|\/+$/g, '');
  const unknown = [...template.matchAll(/\{([^}]*)\}/g)]
    .map((match) => match[1] ?? '')
    .filter((name) => !(PLACEHOLDERS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new InputError(input, `{${unknown[0]?.slice(0, 40)}} is not a placeholder`, LAYOUT_HINT);
  }
  if (!template.includes('{timestamp}') && !template.includes('{export}')) {
    throw new InputError(
      input,
      'it has neither {timestamp} nor {export}, so every export would go to the same folder',
      LAYOUT_HINT,
    );
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point.
  if (/[\u0000-\u001f\u007f\\{}]/.test(template.replace(/\{[a-z]+\}/g, ''))) {
    throw new InputError(
      input,
      'it holds a control character, a backslash or a stray brace',
      LAYOUT_HINT,
    );
  }
  for (const segment of template.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') {
      throw new InputError(input, 'it holds an empty, "." or ".." segment', LAYOUT_HINT);
    }
  }
  return template;
}

/** The keys of one export's objects. `prefix` is normalised (`checkPrefix`), `layout` checked. */
export function objectKeys(
  prefix: string,
  layout: string,
  values: LayoutValues,
  fileName: string,
  manifestName: string,
): ObjectKeys {
  if (!isExportGid(values.target) || !isExportGid(values.exportGid)) {
    throw new RangeError('objectKeys needs validated gids');
  }
  const time = new Date(values.finishedAt).toISOString();
  const filled: Record<Placeholder, string> = {
    kind: values.kind,
    target: values.target,
    // ISO 8601 basic format: sorts by time and has no `:`, which some tools cannot take.
    timestamp: time.replace(/[-:]|\.\d{3}/g, ''),
    date: time.slice(0, 10),
    export: values.exportGid,
  };
  const folder = `${prefix}${layout.replace(/\{([a-z]+)\}/g, (_, name: Placeholder) => filled[name])}/`;
  return {
    folder,
    file: `${folder}${fileName}`,
    manifest: `${folder}${manifestName}`,
    latest: latestKey(prefix, values.kind, values.target),
  };
}

/**
 * Where `latest.json` of one target lives, whatever the layout: the freshness check finds it from
 * the prefix, the kind and the target alone. `target` must be a validated gid.
 */
export function latestKey(prefix: string, kind: ExportKind, target: string): string {
  if (!isExportGid(target)) throw new RangeError('latestKey needs a validated gid');
  return `${prefix}${kind}/${target}/latest.json`;
}

/**
 * Where a front end records, beside `latest.json`, the export a run left running at Asana (timed
 * out, cancelled), for the next run to resume. `target` must be a validated gid.
 */
export function pendingKey(prefix: string, kind: ExportKind, target: string): string {
  if (!isExportGid(target)) throw new RangeError('pendingKey needs a validated gid');
  return `${prefix}${kind}/${target}/pending.json`;
}

/** Which gid an export's folder is named after: what it was made of, else its own. */
export function layoutTarget(manifest: Pick<Manifest, 'target'>, fallback: string): string {
  const { organization, workspace, parent } = manifest.target;
  return organization ?? workspace ?? parent ?? fallback;
}

export const LATEST_VERSION = 1;

/** `latest.json`: the newest complete export of one target, written after its manifest. */
export interface LatestPointer {
  readonly latestVersion: typeof LATEST_VERSION;
  readonly tool: string;
  readonly kind: ExportKind;
  readonly target: string;
  readonly exportGid: string | undefined;
  readonly completedAt: string | undefined;
  readonly storedAt: string;
  readonly object: {
    readonly key: string;
    readonly bytes: number;
    readonly sha256: string;
    readonly versionId: string | undefined;
  };
  readonly manifest: { readonly key: string };
  readonly encrypted: boolean;
  readonly records: number;
}

/**
 * Whether `latest.json` should now point at `candidate`: unless the one stored names an export
 * that completed later (a resumed older export finishing after a newer one must not win). What
 * is stored is outside text: anything unreadable is replaced.
 */
export function supersedes(candidate: LatestPointer, storedText: string | undefined): boolean {
  if (storedText === undefined) return true;
  let stored: unknown;
  try {
    stored = JSON.parse(storedText);
  } catch {
    return true;
  }
  const completedAt = (stored as { completedAt?: unknown } | null)?.completedAt;
  if (typeof completedAt !== 'string' || candidate.completedAt === undefined) return true;
  const theirs = Date.parse(completedAt);
  const ours = Date.parse(candidate.completedAt);
  return !(Number.isFinite(theirs) && Number.isFinite(ours) && theirs > ours);
}

export function latestPointer(args: {
  readonly manifest: Manifest;
  readonly target: string;
  readonly keys: ObjectKeys;
  readonly storedAt: number;
  readonly versionId: string | undefined;
}): LatestPointer {
  const { manifest } = args;
  const stored = manifest.encryption?.file ?? manifest.file;
  return {
    latestVersion: LATEST_VERSION,
    tool: TOOL_NAME,
    kind: manifest.kind,
    target: args.target,
    exportGid: manifest.exportGid,
    completedAt: manifest.completedAt,
    storedAt: new Date(args.storedAt).toISOString(),
    object: {
      key: args.keys.file,
      bytes: stored.bytes,
      sha256: stored.sha256,
      versionId: args.versionId,
    },
    manifest: { key: args.keys.manifest },
    encrypted: manifest.encryption !== undefined,
    records: manifest.records.total,
  };
}
