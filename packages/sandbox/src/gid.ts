import { randomInt } from 'node:crypto';

const issued = new Set<string>();

/**
 * A fresh 16-digit numeric gid, as Asana issues today. Random rather than sequential so that
 * several sandboxes in one test run never hand out the same gid.
 */
export function newGid(): string {
  for (;;) {
    const gid = `12${pad7(randomInt(10_000_000))}${pad7(randomInt(10_000_000))}`;
    if (!issued.has(gid)) {
      issued.add(gid);
      return gid;
    }
  }
}

export function isGid(value: unknown): value is string {
  return typeof value === 'string' && /^\d{1,19}$/.test(value);
}

function pad7(value: number): string {
  return String(value).padStart(7, '0');
}
