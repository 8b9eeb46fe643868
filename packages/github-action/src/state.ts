/**
 * The small file the action stores in an artifact with a stable name when a step keeps state
 * (`since: last-run`, `keep-last`, `full-every`), so that a later run of the same workflow finds
 * it: the watermark for the next increment, the chain it belongs to, the export artifact that
 * `keep-last` may delete with it, or the export a timed-out run left running at Asana.
 *
 * Read back only from trusted runs (trust.ts), and even then checked field by field: a state
 * file names artifact ids that a later run deletes.
 */

import {
  type ExportKind,
  isExportGid,
  isExportKind,
  type Manifest,
  parseManifest,
} from '@asana-exports/core/node';

export const STATE_FILE_NAME = 'asana-exports-state.json';
export const STATE_VERSION = 2;

/** Where one export stands in its chain: a full export (index 0) and the increments after it. */
export interface ChainLink {
  /** The gid (organization export or job) of the chain's full export: the chain's name. */
  readonly id: string;
  /** 0 for the full export, then 1, 2... for each increment on top of it. */
  readonly index: number;
  /** When the chain's full export was taken (its watermark): `full-every: 7d` counts from it. */
  readonly fullAt: string;
  /** The artifact holding the chain's full export, once stored: what a restore starts from. */
  readonly fullArtifact?: string;
}

/** A run that stored its export. */
export interface StoredState {
  readonly stateVersion: typeof STATE_VERSION;
  readonly type: 'stored';
  /**
   * Everything modified after this instant is in this run's export or a later one: Asana's
   * `created_at` of the export (Asana's own clock, the one `modified_at` is compared against),
   * or the step's start when Asana gave none. Never later than the export's snapshot.
   */
  readonly watermark: string;
  readonly chain: ChainLink;
  readonly exportArtifact: { readonly id: number; readonly name: string };
  readonly manifest: Manifest;
}

/** A run that ended (timed out, cancelled) while its export went on at Asana. */
export interface PendingState {
  readonly stateVersion: typeof STATE_VERSION;
  readonly type: 'pending';
  readonly pending: {
    /** The gid to poll: the organization export's, or the job's. */
    readonly kind: ExportKind;
    readonly gid: string;
    /** When the run that created it started: Asana keeps files for 30 days. */
    readonly requestedAt: string;
    /** The `modified_at.after` it was created with; absent for a full export. */
    readonly modifiedAfter?: string;
  };
  /** The chain it will join once stored (for a full export, its own gid names the chain). */
  readonly chain: ChainLink;
  /**
   * The export definition it was created for (`stateArtifactName`): a destination's
   * `pending.json`, one per target, is shared by every definition of that target, unlike a state
   * artifact, whose name says it.
   */
  readonly definition?: string;
}

export type StateFile = StoredState | PendingState;

/**
 * The watermark a stored export gives the next increment: when Asana created it (a record
 * modified after that may be missing from it), else when the step that stored it started.
 * Undefined when neither is known (an export read back from a destination without `createdAt`).
 */
export function watermarkOf(
  manifest: Manifest,
  stepStartedAt: Date | undefined,
): string | undefined {
  return manifest.createdAt ?? stepStartedAt?.toISOString();
}

export function storedState(
  manifest: Manifest,
  chain: ChainLink,
  exportArtifact: { id: number; name: string },
  stepStartedAt: Date,
): StoredState {
  return {
    stateVersion: STATE_VERSION,
    type: 'stored',
    watermark: watermarkOf(manifest, stepStartedAt) as string,
    chain,
    exportArtifact: { id: exportArtifact.id, name: exportArtifact.name },
    manifest,
  };
}

/** Reads a state file written by an earlier run; throws a plain Error naming what is wrong. */
export function parseState(text: string, source: string): StateFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${source} is not JSON`);
  }
  if (!isObject(json)) throw new Error(`${source} is not an object`);
  if (json.stateVersion !== STATE_VERSION) {
    throw new Error(
      `${source} has stateVersion ${printableNumber(json.stateVersion)}; expected ${STATE_VERSION}`,
    );
  }
  const chain = readChain(json.chain, source);
  if (json.type === 'pending') {
    const pending = json.pending;
    if (!isObject(pending)) throw new Error(`${source} has no pending export`);
    const { kind, gid, requestedAt, modifiedAfter } = pending;
    if (typeof kind !== 'string' || !isExportKind(kind)) {
      throw new Error(`${source} names no export kind`);
    }
    if (typeof gid !== 'string' || !isExportGid(gid)) throw new Error(`${source} has no valid gid`);
    const { definition } = json;
    if (definition !== undefined && (typeof definition !== 'string' || definition.length > 200)) {
      throw new Error(`${source} names no valid export definition`);
    }
    return {
      stateVersion: STATE_VERSION,
      type: 'pending',
      pending: {
        kind,
        gid,
        requestedAt: readInstant(requestedAt, `${source} requestedAt`),
        ...(modifiedAfter === undefined
          ? {}
          : { modifiedAfter: readInstant(modifiedAfter, `${source} modifiedAfter`) }),
      },
      chain,
      ...(definition === undefined ? {} : { definition }),
    };
  }
  if (json.type !== 'stored') throw new Error(`${source} is neither a stored nor a pending state`);
  const artifact = json.exportArtifact;
  if (
    !isObject(artifact) ||
    !Number.isSafeInteger(artifact.id) ||
    (artifact.id as number) <= 0 ||
    typeof artifact.name !== 'string'
  ) {
    throw new Error(`${source} does not name its export artifact`);
  }
  return {
    stateVersion: STATE_VERSION,
    type: 'stored',
    watermark: readInstant(json.watermark, `${source} watermark`),
    chain,
    exportArtifact: { id: artifact.id as number, name: artifact.name },
    manifest: parseManifest(JSON.stringify(json.manifest), `${source} manifest`),
  };
}

/**
 * What a destination's `pending.json` holds once nothing is pending any more: its resumed export
 * failed for good. Overwritten rather than deleted, as `latest.json` is: writing is all a run
 * with a destination is allowed to do.
 */
export const NOTHING_PENDING = { stateVersion: STATE_VERSION, type: 'none' } as const;

/**
 * A destination's `pending.json`: the pending state a run left (`parseState`, so one reading of
 * it), or undefined for `NOTHING_PENDING`. Anything else throws a plain Error naming the problem.
 */
export function parsePendingRecord(text: string, source: string): PendingState | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${source} is not JSON`);
  }
  if (isObject(json) && json.type === NOTHING_PENDING.type) {
    if (json.stateVersion !== STATE_VERSION || Object.keys(json).length !== 2) {
      throw new Error(`${source} is not a record of asana-exports`);
    }
    return undefined;
  }
  const state = parseState(text, source);
  if (state.type !== 'pending') throw new Error(`${source} is not a pending state`);
  return state;
}

function readChain(value: unknown, source: string): ChainLink {
  if (!isObject(value)) throw new Error(`${source} names no chain`);
  const { id, index, fullAt } = value;
  if (typeof id !== 'string' || !isExportGid(id))
    throw new Error(`${source} has no valid chain id`);
  if (!Number.isSafeInteger(index) || (index as number) < 0) {
    throw new Error(`${source} has no valid chain index`);
  }
  const link = {
    id,
    index: index as number,
    fullAt: readInstant(fullAt, `${source} chain.fullAt`),
  };
  const { fullArtifact } = value;
  // Shown in the job summary (escaped there); a name, never used as a path.
  return typeof fullArtifact === 'string' && fullArtifact.length <= 200
    ? { ...link, fullArtifact }
    : link;
}

function readInstant(value: unknown, what: string): string {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
    throw new Error(`${what} is not a date`);
  }
  return new Date(value).toISOString();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A version read from outside is echoed only when it is a plain number. */
function printableNumber(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : 'missing or invalid';
}
