/**
 * The versions of the objects on the download host. Every export's object starts at version 1;
 * a `changeObject` fault replaces it by the next, as a re-upload to the same key would. Each
 * version's Last-Modified is later than its predecessor's by at least one second, the
 * resolution of HTTP dates, so a client comparing validators can always tell them apart.
 */
import { completedAt, type ExportRecord } from './state.js';

export interface ObjectVersion {
  version: number;
  lastModified: Date;
}

export class ObjectVersions {
  /** Objects replaced at least once, by export gid; the others are at version 1. */
  readonly #changed = new Map<string, { version: number; modifiedAt: number }>();

  current(record: ExportRecord, now: number): ObjectVersion {
    const changed = this.#changed.get(record.exportGid);
    if (changed !== undefined) {
      return { version: changed.version, lastModified: new Date(changed.modifiedAt) };
    }
    // Version 1 was written when the export finished.
    return { version: 1, lastModified: new Date(completedAt(record, now) ?? record.createdAt) };
  }

  /** Replaces the object by its next version, written now (or a second after the last one). */
  change(record: ExportRecord, now: number): ObjectVersion {
    const previous = this.current(record, now);
    const modifiedAt = Math.max(
      wholeSecond(now),
      wholeSecond(previous.lastModified.getTime()) + 1000,
    );
    const next = { version: previous.version + 1, modifiedAt };
    this.#changed.set(record.exportGid, next);
    return { version: next.version, lastModified: new Date(modifiedAt) };
  }
}

function wholeSecond(time: number): number {
  return Math.floor(time / 1000) * 1000;
}
