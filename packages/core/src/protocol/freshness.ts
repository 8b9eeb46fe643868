/**
 * The freshness check (`asana-export check`, the action's `check-only`): is the newest verified
 * export of a place (a folder of manifests, a destination's `latest.json`) younger than the limit
 * the user set? A backup that "silently didn't run for 62 days" is found by this, not on the day
 * it is needed. Pure: the callers read the place, this decides and words the one-line reason.
 */
import * as z from 'zod/mini';
import { formatDuration } from './format.js';
import { EXPORT_KINDS, type ExportKind } from './kinds.js';
import { LATEST_VERSION } from './object-layout.js';
import { printable } from './text.js';

/** A date this far ahead of the clock is a clock problem or a forgery, not a fresh export. */
const FUTURE_SLACK_MS = 5 * 60_000;

/** The newest verified export of a place, as its manifest or `latest.json` describes it. */
export interface LastExport {
  /** Where it is: a file name or an object key (printable). */
  readonly where: string;
  readonly kind: ExportKind;
  readonly exportGid: string | undefined;
  /** When Asana completed it: the age of the data. */
  readonly completedAt: string | undefined;
  /** When it was downloaded or stored: used when Asana gave no completion time. */
  readonly storedAt: string;
  readonly records: number;
}

export interface FreshnessVerdict {
  readonly fresh: boolean;
  /** How old the last export is, when there is one with a usable date. */
  readonly ageMs: number | undefined;
  /** One line: what was found, how old, against which limit. */
  readonly reason: string;
}

export function judgeFreshness(args: {
  readonly last: LastExport | undefined;
  readonly place: string;
  readonly now: number;
  readonly maxAgeMs: number;
  /** How the limit is named to the user, e.g. `--max-age 26h`. */
  readonly limitText: string;
}): FreshnessVerdict {
  const { last, place, now, maxAgeMs, limitText } = args;
  if (last === undefined) {
    return { fresh: false, ageMs: undefined, reason: `no verified export found in ${place}` };
  }
  const date = last.completedAt ?? last.storedAt;
  const at = Date.parse(date);
  const what = `the last verified ${last.kind} export${last.exportGid ? ` ${last.exportGid}` : ''} (${last.where}, ${last.completedAt ? 'completed' : 'stored'} ${printable(date, 40)})`;
  if (!Number.isFinite(at)) {
    return { fresh: false, ageMs: undefined, reason: `${what} has no date that can be read` };
  }
  if (at > now + FUTURE_SLACK_MS) {
    return {
      fresh: false,
      ageMs: undefined,
      reason: `${what} is dated in the future: check this machine's clock, or who wrote it`,
    };
  }
  const ageMs = Math.max(0, now - at);
  const age = formatDuration(ageMs);
  return ageMs <= maxAgeMs
    ? { fresh: true, ageMs, reason: `${what} is ${age} old, within ${limitText}` }
    : { fresh: false, ageMs, reason: `${what} is ${age} old, older than ${limitText}` };
}

/** Of several exports (the manifests of a folder), the one completed last. */
export function newestExport(exports: readonly LastExport[]): LastExport | undefined {
  let newest: LastExport | undefined;
  let newestAt = Number.NEGATIVE_INFINITY;
  for (const candidate of exports) {
    const at = Date.parse(candidate.completedAt ?? candidate.storedAt);
    if (Number.isFinite(at) && at > newestAt) {
      newest = candidate;
      newestAt = at;
    }
  }
  return newest;
}

const pointerSchema = z.object({
  latestVersion: z.literal(LATEST_VERSION),
  kind: z.enum(EXPORT_KINDS),
  exportGid: z.optional(z.string()),
  completedAt: z.optional(z.string()),
  storedAt: z.string(),
  object: z.object({ key: z.string() }),
  records: z.number(),
});

export interface ParsedPointer {
  readonly ok: true;
  readonly last: LastExport;
  /** The key of the export it names, as stored: outside text, to check before use. */
  readonly objectKey: string;
}

/**
 * `latest.json` as read back from a store: outside text, so every field used is checked and
 * anything else is a one-line reason, not a crash.
 */
export function parseLatestPointer(text: string): ParsedPointer | { ok: false; problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'is not JSON' };
  }
  const result = pointerSchema.safeParse(json);
  if (!result.success) {
    const fields = result.error.issues.map((issue) => issue.path.join('.') || '(root)');
    return {
      ok: false,
      problem: `is not a latest.json of asana-exports (invalid: ${[...new Set(fields)].join(', ')})`,
    };
  }
  const pointer = result.data;
  return {
    ok: true,
    objectKey: pointer.object.key,
    last: {
      where: printable(pointer.object.key, 300),
      kind: pointer.kind,
      exportGid: pointer.exportGid === undefined ? undefined : printable(pointer.exportGid, 64),
      completedAt: pointer.completedAt,
      storedAt: pointer.storedAt,
      records: pointer.records,
    },
  };
}
