/**
 * The three export kinds Asana offers, and the one vocabulary of progress they share.
 * Organization exports report a `state`, jobs (resource and graph exports) a `status`;
 * both collapse into an `Outcome` so the polling loop does not care which kind it waits for.
 */

export const EXPORT_KINDS = ['organization', 'resource', 'graph'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export type Outcome = 'waiting' | 'done' | 'failed';

export function isExportKind(value: string): value is ExportKind {
  return (EXPORT_KINDS as readonly string[]).includes(value);
}

/** Final states only: everything else, including states Asana may add later, means "keep waiting". */
const FINAL_STATES: Readonly<Record<ExportKind, { done: string; failed: string }>> = {
  organization: { done: 'finished', failed: 'error' },
  resource: { done: 'succeeded', failed: 'failed' },
  graph: { done: 'succeeded', failed: 'failed' },
};

/**
 * Maps Asana's raw `state` / `status` onto an outcome. An unknown value maps to `waiting` rather than
 * failing: the overall timeout bounds the wait, and callers always keep and show the raw value.
 */
export function normalizeState(kind: ExportKind, rawState: string): Outcome {
  const state = rawState.trim().toLowerCase();
  const final = FINAL_STATES[kind];
  if (state === final.done) return 'done';
  if (state === final.failed) return 'failed';
  return 'waiting';
}

/** The file format Asana produces for a kind: organization → 'json' (`.json.gz`), others → 'jsonl' (`.jsonl.gz`). */
export function fileFormat(kind: ExportKind): 'json' | 'jsonl' {
  return kind === 'organization' ? 'json' : 'jsonl';
}

/** The file name extension Asana uses for a kind's export, for naming downloads. */
export function fileExtension(kind: ExportKind): '.json.gz' | '.jsonl.gz' {
  return kind === 'organization' ? '.json.gz' : '.jsonl.gz';
}

/**
 * Where a finished export's outcome also depends on its link: Asana's description allows a
 * `finished` or `succeeded` answer without `download_url` (a create answered from the 4-hour
 * graph-export cache could be one), and there is nothing to download until a link comes, so such
 * an export is still waited for, within the run's timeout, rather than refused.
 */
export function outcomeOf(kind: ExportKind, rawState: string, hasDownloadUrl: boolean): Outcome {
  const outcome = normalizeState(kind, rawState);
  return outcome === 'done' && !hasDownloadUrl ? 'waiting' : outcome;
}

const GID_PATTERN = /^[0-9]{1,32}$/;

/**
 * A gid the user typed for what to export (organization, workspace, parent). The ones Asana hands
 * out are decimal strings: anything else is a typo, found before any request.
 */
export function isGid(value: string): boolean {
  return GID_PATTERN.test(value);
}

const EXPORT_GID_PATTERN = /^[0-9A-Za-z_][0-9A-Za-z_-]{0,63}$/;

/**
 * A gid of an export or job, as Asana's answers give it (and users paste it back to resume).
 * Asana's OpenAPI description types gids as plain strings, so any safe identifier is accepted:
 * letters, digits, `_` and `-` (not first), at most 64. It becomes part of a URL path and of file
 * names, so nothing that could act as a path (`/`, `..`), an option (`-x`) or a control sequence
 * passes.
 */
export function isExportGid(value: string): boolean {
  return EXPORT_GID_PATTERN.test(value);
}
