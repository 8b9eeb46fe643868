/**
 * `resume-pending` with `destination`: the export a timed-out or cancelled run left running at
 * Asana is recorded in the store, `<prefix><kind>/<target>/pending.json` beside `latest.json`,
 * as a pending state (the one a state artifact holds, with the export definition it was made
 * for), and the next run of the same definition resumes it. What is resumed is decided as with
 * artifacts (`decidePending`: resume-pending, Asana's 30 days); what is stored is outside text,
 * read strictly, and anything unreadable starts a new export with a warning.
 */

import {
  checkObjectKey,
  type ExportRef,
  type ExportRequest,
  latestKey,
  manifestKeyOf,
  type ObjectReader,
  type ObjectStore,
  parseLatestPointer,
  pendingKey,
  printable,
  readStoredManifest,
} from '@asana-exports/core/node';
import { decidePending } from './chain.js';
import { chainGidOf } from './history.js';
import { requestSubject, stateArtifactName } from './names.js';
import { NOTHING_PENDING, type PendingState, parsePendingRecord } from './state.js';
import { explain } from './step-error.js';
import { stateFileOf } from './store-state.js';

export interface PendingPlace {
  readonly store: ObjectStore & ObjectReader;
  readonly prefix: string;
  /** The step's own request: pending records exist only for the exports a step creates. */
  readonly baseRequest: ExportRequest;
}

export type PendingDecision =
  | {
      readonly type: 'resume';
      readonly ref: ExportRef;
      readonly after: string | undefined;
      readonly pending: PendingState;
    }
  | { readonly type: 'none'; readonly warning?: string };

function keyOf(place: PendingPlace): string {
  return pendingKey(place.prefix, place.baseRequest.kind, requestSubject(place.baseRequest));
}

/** Whether this run resumes an export an earlier run of this step left running. */
export async function pendingAtDestination(
  place: PendingPlace,
  resumePending: boolean,
  nowMs: number,
  signal: AbortSignal,
): Promise<PendingDecision> {
  const { store } = place;
  const key = keyOf(place);
  const where = printable(store.location(key), 300);
  let pending: PendingState | undefined;
  try {
    const text = await store.readText(key, signal);
    pending = text === undefined ? undefined : parsePendingRecord(text, where);
  } catch (error) {
    if (signal.aborted) throw error;
    return {
      type: 'none',
      warning: `Started a new export: the record of an export left running could not be read (${explain(error)}).`,
    };
  }
  // Another definition of this target (other resources, fields or filters) is not ours to resume.
  if (pending === undefined || pending.definition !== stateArtifactName(place.baseRequest)) {
    return { type: 'none' };
  }
  if (await storedAlready(place, pending.pending.gid, signal)) return { type: 'none' };
  const decided = decidePending(pending.pending, resumePending, nowMs);
  if (decided.type === 'skip') {
    return { type: 'none', warning: `Started a new export: ${decided.reason}.` };
  }
  return { type: 'resume', ref: decided.ref, after: decided.after, pending };
}

/**
 * Whether `latest.json` names the export already: a resume that completed leaves `pending.json`
 * as it was, pointing at the export stored since, so no delete is needed. An unreadable
 * `latest.json` says nothing: the pending record is resumed.
 */
async function storedAlready(
  place: PendingPlace,
  gid: string,
  signal: AbortSignal,
): Promise<boolean> {
  const { store, prefix, baseRequest } = place;
  try {
    const text = await store.readText(
      latestKey(prefix, baseRequest.kind, requestSubject(baseRequest)),
      signal,
    );
    if (text === undefined) return false;
    const pointer = parseLatestPointer(text);
    if (!pointer.ok) return false;
    if (pointer.last.exportGid === gid) return true;
    const exportKey = checkObjectKey('destination', pointer.objectKey, prefix);
    const manifest = await readStoredManifest(store, manifestKeyOf(exportKey), signal);
    return manifest !== undefined && chainGidOf(manifest) === gid;
  } catch (error) {
    if (signal.aborted) throw error;
    return false;
  }
}

/**
 * After a run that ended while its export goes on at Asana: the record the next run resumes.
 * Bounded by the request timeout, whatever became of the run's own signal (a cancelled run still
 * records); a failure is a warning, returned, never the step's error.
 */
export async function recordPendingAtDestination(
  place: PendingPlace,
  pending: { readonly ref: ExportRef; readonly startedAt: Date; readonly modifiedAfter?: string },
  timeoutMs: number,
): Promise<{ readonly nextRun?: string; readonly warning?: string }> {
  const requestedAt = pending.startedAt.toISOString();
  const file = stateFileOf({
    kind: 'pending',
    ref: pending.ref,
    requestedAt,
    ...(pending.modifiedAfter === undefined ? {} : { modifiedAfter: pending.modifiedAfter }),
    chain: { id: pending.ref.gid, index: 0, fullAt: requestedAt },
    definition: stateArtifactName(place.baseRequest),
  });
  try {
    await write(place, file, timeoutMs);
    return {
      nextRun: 'The next run of this step resumes it (resume-pending: false starts a new one).',
    };
  } catch (error) {
    return {
      warning: `Could not record the pending export for the next run in ${printable(place.store.location(keyOf(place)), 300)}: ${explain(error)}`,
    };
  }
}

/** After a resumed export failed for good: the next run starts a new export. */
export async function forgetPendingAtDestination(
  place: PendingPlace,
  timeoutMs: number,
): Promise<string> {
  try {
    await write(place, NOTHING_PENDING, timeoutMs);
    return 'The next run of this step starts a new export.';
  } catch (error) {
    return `The next run would try this export again: set resume-pending: false, or replace ${printable(place.store.location(keyOf(place)), 300)} (${explain(error)})`;
  }
}

async function write(place: PendingPlace, value: unknown, timeoutMs: number): Promise<void> {
  await place.store.put(
    keyOf(place),
    new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`),
    { contentType: 'application/json', replace: true, retain: false },
    AbortSignal.timeout(timeoutMs),
  );
}
