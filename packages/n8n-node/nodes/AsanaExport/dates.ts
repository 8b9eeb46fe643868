/**
 * n8n's date pickers give a wall time without a zone ("2024-01-31T00:00:00"), meant in the
 * workflow's time zone. Asana needs an instant, so such values are placed in that zone here;
 * anything else (an ISO string with a zone, a date) goes to the core's validation unchanged.
 */
const ZONELESS_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?$/;

export function toInstant(value: unknown, timeZone: string): unknown {
  if (isDateTimeLike(value)) return value.toISO();
  if (typeof value !== 'string') return value;
  const parts = ZONELESS_DATE_TIME.exec(value.trim());
  if (parts === null) return value;
  const [year, month, day, hour, minute, second] = parts
    .slice(1, 7)
    .map((part) => Number(part ?? 0));
  const millis = Number((parts[7] ?? '').padEnd(3, '0'));
  const wall = Date.UTC(
    year ?? 0,
    (month ?? 1) - 1,
    day ?? 1,
    hour ?? 0,
    minute ?? 0,
    second ?? 0,
    millis,
  );
  if (Number.isNaN(wall)) return value;
  // Two passes find the offset in force at that wall time, across daylight-saving changes.
  let instant = wall - offsetMinutes(wall, timeZone) * 60_000;
  instant = wall - offsetMinutes(instant, timeZone) * 60_000;
  return new Date(instant).toISOString();
}

/** Minutes east of UTC in force in `timeZone` at `utcMs`. */
export function offsetMinutes(utcMs: number, timeZone: string): number {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const part = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(format.formatToParts(new Date(utcMs)).find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60_000);
}

function isDateTimeLike(value: unknown): value is { toISO(): string } {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { toISO?: unknown }).toISO === 'function'
  );
}
