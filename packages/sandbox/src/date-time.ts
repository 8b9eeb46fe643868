/**
 * RFC 3339 `date-time`, the format Asana's OpenAPI description gives the date filters of
 * resource exports (`created_at.after` and the like). Nothing looser: not a plain date (the
 * description documents none), not whatever `Date.parse` happens to read (`"1"`, `"January 1,
 * 2024"`), so a client that sends those learns it from the sandbox as it would from Asana.
 */

// full-date "T" partial-time time-offset (RFC 3339 §5.6); "T" and "Z" may be lower case (§5.6 NOTE).
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** The instant in milliseconds since the epoch, or undefined when `text` is no RFC 3339 date-time. */
export function parseDateTime(text: string): number | undefined {
  const match = DATE_TIME.exec(text);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const fraction = match[7] === undefined ? 0 : Number(`0${match[7]}`);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  // Second 60 is a leap second (§5.7).
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  let offsetMinutes = 0;
  if (match[8] === undefined) {
    const offsetHour = Number(match[10]);
    const offsetMinute = Number(match[11]);
    if (offsetHour > 23 || offsetMinute > 59) return undefined;
    offsetMinutes = (match[9] === '-' ? -1 : 1) * (offsetHour * 60 + offsetMinute);
  }
  // Second 60 (a leap second) carries into the next minute.
  const utc = utcMs(year, month - 1, day, hour, minute, second) + Math.floor(fraction * 1000);
  return utc - offsetMinutes * 60_000;
}

function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one.
  return new Date(utcMs(year, month, 0, 0, 0, 0)).getUTCDate();
}

/** Date.UTC without its mapping of years 0-99 to 1900-1999. */
function utcMs(year: number, month: number, day: number, h: number, m: number, s: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month, day);
  date.setUTCHours(h, m, s, 0);
  return date.getTime();
}
