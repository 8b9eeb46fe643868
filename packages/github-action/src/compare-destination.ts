/**
 * `compare: last-run` with `destination`: once the new export is published and `latest.json`
 * names it, it is compared with the export the destination stored before it for the same kind
 * and target. The pair is the core's (`latestAndPrevious`, the rules of `asana-export diff --to`),
 * the diff is `diffStoredExports`; the JSON report is stored beside the export, write-once like
 * its manifest, since no artifact is made. As with artifacts, a comparison that cannot be made is
 * a warning (a first run is not even that), never a failed backup.
 */

import {
  CancelledError,
  crossedLimits,
  diffStoredExports,
  type ExportKind,
  InputError,
  latestAndPrevious,
  type Manifest,
  manifestKeyOf,
  type ObjectReader,
  type ObjectStore,
  printable,
  readStoredManifest,
  type StorePlace,
} from '@asana-exports/core/node';
import { type ComparisonOutcome, changesFileName } from './compare.js';
import type { CompareInputs } from './inputs.js';
import { sinceIn } from './since-destination.js';
import { explain } from './step-error.js';

export interface DestinationCompareRequest {
  readonly compare: CompareInputs;
  /** The store the export was just published to, still open. */
  readonly store: ObjectStore & ObjectReader;
  /** Where it is, for the diff, which reads both exports over a connection of its own. */
  readonly place: StorePlace;
  readonly prefix: string;
  readonly layout: string;
  readonly kind: ExportKind;
  readonly target: string;
  /** This run's export and its manifest; `latest.json` must name the export's key. */
  readonly manifest: Manifest;
  readonly exportKey: string;
  readonly latestUpdated: boolean;
  readonly tempDir: string;
  readonly signal: AbortSignal;
}

const COMPARING = 'the comparison with the export stored before this one';

export async function compareAtDestination(
  request: DestinationCompareRequest,
): Promise<ComparisonOutcome> {
  const skip = (reason: string): ComparisonOutcome => ({ type: 'skipped', reason, warn: true });
  if (!request.latestUpdated) {
    return skip(
      "latest.json names an export completed after this one (another run's): this one is not the latest to compare",
    );
  }
  const { signal } = request;
  let pair: Awaited<ReturnType<typeof latestAndPrevious>>;
  try {
    pair = await latestAndPrevious(
      request.store,
      {
        prefix: request.prefix,
        layout: request.layout,
        kind: request.kind,
        target: request.target,
        input: 'compare',
        placeInputs: 'destination, destination-layout and the export inputs',
        byKeys: 'Or compare two stored exports by key: asana-export diff --to DESTINATION OLD NEW',
      },
      signal,
    );
  } catch (error) {
    if (signal.aborted) throw new CancelledError(COMPARING, { cause: error });
    if (!(error instanceof InputError)) throw error;
    return skip(`the exports stored before this one cannot be listed: ${explain(error)}`);
  }
  if (pair.newKey !== request.exportKey) {
    return skip(
      `latest.json names ${printable(request.store.location(pair.newKey), 300)}, not this run's export`,
    );
  }
  if (pair.oldKey === undefined) {
    return {
      type: 'skipped',
      reason:
        'no earlier export of this target with a manifest is stored at the destination: this one is the base for the next',
      warn: false,
    };
  }
  const baseName = printable(request.store.location(pair.oldKey), 300);
  // As with artifacts: only two whole, readable exports are compared.
  const older = await readStoredManifest(request.store, manifestKeyOf(pair.oldKey), signal).catch(
    (error: unknown) => {
      if (signal.aborted) throw new CancelledError(COMPARING, { cause: error });
      return undefined;
    },
  );
  if (older?.encryption !== undefined) {
    return skip(`the export stored before this one (${baseName}) is encrypted`);
  }
  if (
    older !== undefined &&
    sinceIn(older) !== undefined &&
    sinceIn(request.manifest) === undefined
  ) {
    return skip(
      `the export stored before this one (${baseName}) is an increment (since), not a whole export`,
    );
  }
  let result: Awaited<ReturnType<typeof diffStoredExports>>;
  try {
    result = await diffStoredExports(
      { keys: { old: pair.oldKey, new: pair.newKey } },
      {
        store: request.place,
        layout: request.layout,
        identities: [],
        tempDir: request.tempDir,
        signal,
      },
    );
  } catch (error) {
    if (signal.aborted) throw new CancelledError(COMPARING, { cause: error });
    return skip(
      `the export stored before this one (${baseName}) cannot be compared: ${explain(error)}`,
    );
  }
  const { report } = result;
  // Named as the artifact's report is, beside the export's manifest.
  const reportKey = changesFileName(request.exportKey);
  try {
    await request.store.put(
      reportKey,
      new TextEncoder().encode(`${JSON.stringify(report, null, 2)}\n`),
      // Kept like the manifest: write-once, with the retention asked for.
      { contentType: 'application/json', retain: true, replace: false },
      signal,
    );
  } catch (error) {
    if (signal.aborted) throw new CancelledError(COMPARING, { cause: error });
    return skip(
      `the change report could not be stored as ${printable(reportKey, 300)}: ${explain(error)}`,
    );
  }
  return {
    type: 'compared',
    report,
    reportPath: undefined,
    reportName: reportKey,
    reportIn: 'destination',
    base: { name: baseName },
    failed: crossedLimits(report, request.compare.failOn),
    warned: crossedLimits(report, request.compare.warnOn),
    notes: result.warnings,
  };
}
