/**
 * `asana-export check`: exits 10 unless the newest verified export of a folder or destination is
 * younger than `--max-age`, with the reason in one line. Meant for a watchdog job of its own, so a
 * backup that stopped running is noticed the next morning rather than on the day it is needed.
 */
import { EnvHttpProxyAgent } from 'undici';
import { systemClock } from '../node/clock.js';
import { openStore } from '../node/destination-store.js';
import { type FoundExports, lastExportInFolder, lastExportInStore } from '../node/last-export.js';
import { formatDestination } from '../protocol/destination.js';
import { type FreshnessVerdict, judgeFreshness, type LastExport } from '../protocol/freshness.js';
import { latestKey } from '../protocol/object-layout.js';
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
    const dispatcher = new EnvHttpProxyAgent();
    try {
      const store = await openStore({
        destination,
        settings,
        names: { destination: '--to', region: '--s3-region', endpoint: '--s3-endpoint' },
        env,
        dispatcher,
        clock: systemClock,
        random: Math.random,
        requestTimeoutMs: args.requestTimeoutMs,
      });
      const key = latestKey(destination.prefix, place.kind, place.target);
      shown = printable(`${formatDestination({ ...destination, prefix: '' })}${key}`, 300);
      found = await lastExportInStore(store, key, signal);
    } finally {
      await dispatcher.close();
    }
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
