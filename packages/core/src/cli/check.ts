/**
 * `asana-export check`: exits 10 unless the newest verified export of a folder or destination is
 * younger than `--max-age`, with the reason in one line. Meant for a watchdog job of its own, so a
 * backup that stopped running is noticed the next morning rather than on the day it is needed.
 */
import { systemClock } from '../node/clock.js';
import {
  type FoundExports,
  lastExportAtDestination,
  lastExportInFolder,
} from '../node/last-export.js';
import { type FreshnessVerdict, judgeFreshness, type LastExport } from '../protocol/freshness.js';
import { printable } from '../protocol/text.js';
import type { CheckArgs } from './args.js';

export interface CheckReport {
  readonly fresh: boolean;
  readonly place: string;
  readonly maxAgeSeconds: number;
  readonly ageSeconds: number | undefined;
  readonly last: LastExport | undefined;
  readonly reason: string;
  readonly skipped: readonly string[];
}

export async function runCheck(
  args: CheckArgs & { readonly requestTimeoutMs: number },
  env: Readonly<Record<string, string | undefined>>,
  signal: AbortSignal,
): Promise<CheckReport> {
  const { place } = args;
  let found: FoundExports;
  let shown: string;
  if ('folder' in place) {
    shown = printable(place.folder, 300);
    found = await lastExportInFolder(place.folder, 'FOLDER', place.kind);
  } else {
    const { destination, settings } = place.destination;
    const atDestination = await lastExportAtDestination({
      store: {
        destination,
        settings,
        names: { destination: '--to', region: '--s3-region', endpoint: '--s3-endpoint' },
        env,
        requestTimeoutMs: args.requestTimeoutMs,
      },
      kind: place.kind,
      target: place.target,
      signal,
    });
    shown = atDestination.shown;
    found = atDestination;
  }
  const verdict: FreshnessVerdict = judgeFreshness({
    last: found.last,
    place: shown,
    now: systemClock.now(),
    maxAgeMs: args.maxAgeMs,
    limitText: args.maxAgeText,
  });
  return {
    fresh: verdict.fresh,
    place: shown,
    maxAgeSeconds: Math.round(args.maxAgeMs / 1000),
    ageSeconds: verdict.ageMs === undefined ? undefined : Math.round(verdict.ageMs / 1000),
    last: found.last,
    reason: verdict.reason,
    skipped: found.skipped,
  };
}
