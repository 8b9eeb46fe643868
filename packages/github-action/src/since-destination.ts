/**
 * `since: last-run` with `destination`: the watermark comes from the destination's own record,
 * the target's `latest.json` and the manifest stored beside the export it names, instead of a
 * state artifact. The watermark is the one a state would carry (`watermarkOf`); a latest export
 * of other parameters is another export definition, as a state of another name is with artifacts,
 * so this run is a full export then, and says why. Anything unreadable is a full export with a
 * warning: more records, none missed.
 */

import {
  checkObjectKey,
  type ExportRequest,
  type ExportRequestInput,
  latestKey,
  type Manifest,
  manifestKeyOf,
  type ObjectReader,
  type ObjectStore,
  parseLatestPointer,
  printable,
  readStoredManifest,
  toWireParameter,
  WATERMARK_FILTER,
  withModifiedAfter,
} from '@asana-exports/core/node';
import { validateRequest } from './inputs.js';
import { requestSubject, resourceDefinition } from './names.js';
import { watermarkOf } from './state.js';
import { explain } from './step-error.js';

export type DestinationSince =
  | {
      readonly type: 'incremental';
      readonly after: string;
      readonly request: ExportRequest;
      readonly base: string;
    }
  | { readonly type: 'full'; readonly reason: string; readonly warn: boolean };

export async function sinceAtDestination(args: {
  readonly store: ObjectStore & ObjectReader;
  readonly prefix: string;
  readonly baseRequest: ExportRequest;
  readonly requestInput: ExportRequestInput;
  readonly signal: AbortSignal;
}): Promise<DestinationSince> {
  const { store, baseRequest, signal } = args;
  const pointerKey = latestKey(args.prefix, baseRequest.kind, requestSubject(baseRequest));
  const where = printable(store.location(pointerKey), 300);
  const full = (reason: string): DestinationSince => ({ type: 'full', reason, warn: true });
  let manifest: Manifest | undefined;
  let exportKey: string;
  try {
    const text = await store.readText(pointerKey, signal);
    if (text === undefined) {
      return { type: 'full', reason: `no earlier export found (no ${where})`, warn: false };
    }
    const pointer = parseLatestPointer(text);
    if (!pointer.ok) return full(`${where} ${pointer.problem}`);
    exportKey = checkObjectKey('destination', pointer.objectKey, args.prefix);
    manifest = await readStoredManifest(store, manifestKeyOf(exportKey), signal);
  } catch (error) {
    if (signal.aborted) throw error;
    return full(`the latest export could not be read from ${where}: ${explain(error)}`);
  }
  const shown = printable(store.location(exportKey), 300);
  if (manifest === undefined) return full(`the latest export ${shown} has no manifest beside it`);
  const other = otherDefinition(manifest, args);
  if (other !== undefined) return full(`the latest export ${shown} ${other}`);
  // No fallback: the step that stored it is not known here, only its manifest.
  const after = watermarkOf(manifest, undefined);
  if (after === undefined) {
    return full(`the latest export ${shown} does not say when Asana created it`);
  }
  let request: ExportRequest;
  try {
    request = validateRequest(withModifiedAfter(args.requestInput, after), 'since');
  } catch (error) {
    // The date is the manifest's, outside text: a bad one is not this step's input error.
    return full(`the latest export ${shown} gives no usable watermark: ${explain(error)}`);
  }
  return { type: 'incremental', after, request, base: shown };
}

/** Why the stored export is not of this step's export definition; undefined when it is. */
function otherDefinition(
  manifest: Manifest,
  args: { readonly baseRequest: ExportRequest; readonly requestInput: ExportRequestInput },
): string | undefined {
  const { baseRequest } = args;
  if (manifest.kind !== baseRequest.kind) return `is a ${manifest.kind} export`;
  if (baseRequest.kind !== 'resource') return undefined;
  // An increment's parameters carry its watermark: compared with this run's at that watermark.
  const after = sinceIn(manifest);
  let expected: ExportRequest;
  try {
    expected =
      after !== undefined
        ? validateRequest(withModifiedAfter(args.requestInput, after), 'since')
        : baseRequest;
  } catch {
    return `holds a ${WATERMARK_FILTER} this step cannot have sent`;
  }
  if (expected.kind !== 'resource') return undefined;
  const ours = resourceDefinition(expected.parameters.map(toWireParameter));
  if (resourceDefinition(manifest.parameters ?? []) !== ours) {
    return 'was made with other resources, fields or filters than this step asks for';
  }
  return undefined;
}

/** The `modified_at.after` an export was made with (`since`): an increment's; else undefined. */
export function sinceIn(manifest: Manifest): string | undefined {
  const found = manifest.parameters
    ?.map((parameter) => parameter.filters?.[WATERMARK_FILTER])
    .find((value) => value !== undefined);
  return found === undefined ? undefined : String(found);
}
