/** Parsers for the CLI's human-friendly values. Each throws a message fit for the terminal. */

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

const DURATION_UNITS: Record<string, number> = { '': 1, ms: 1, s: 1000, m: 60_000 };

/** `123456`, `256KB`, `10MB`, `1GB` (binary multiples, so `1GB` is 1024³ bytes). */
export function parseSize(text: string, name = 'size'): number {
  return parseQuantity(text, SIZE_UNITS, name, '10MB, 1GB or 123456');
}

/** `1500ms`, `5s`, `2m`; a bare number is milliseconds. */
export function parseDuration(text: string): number {
  return parseQuantity(text, DURATION_UNITS, 'duration', '1500ms, 5s or 2m');
}

export function parseInteger(text: string, name: string): number {
  if (!/^\d+$/.test(text))
    throw new Error(`--${name} must be a non-negative integer, got "${text}"`);
  return Number(text);
}

function parseQuantity(
  text: string,
  units: Record<string, number>,
  name: string,
  examples: string,
): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const multiplier = match === null ? undefined : units[(match[2] ?? '').toLowerCase()];
  if (match === null || multiplier === undefined) {
    throw new Error(`--${name} must look like ${examples}, got "${text}"`);
  }
  return Math.round(Number(match[1]) * multiplier);
}
