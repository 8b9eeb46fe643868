/**
 * Bech32 (BIP 173) as age uses it for its keys: without BIP 173's 90-character limit, all upper
 * or all lower case, the checksum always over the lower-case string. Only the plain Bech32
 * checksum (constant 1), not Bech32m: age's keys use the former.
 */

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GENERATOR = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3] as const;
const CHECKSUM_LENGTH = 6;

export type Bech32Decoded =
  | { readonly ok: true; readonly hrp: string; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly problem: string };

/** `hrp` in lower case, `bytes` as 8-bit data. Upper case output for age's secret keys. */
export function encodeBech32(hrp: string, bytes: Uint8Array, upperCase = false): string {
  const prefix = hrp.toLowerCase();
  const data = convertBits(bytes, 8, 5, true) ?? [];
  const checksum = createChecksum(prefix, data);
  let text = `${prefix}1`;
  for (const value of [...data, ...checksum]) text += CHARSET[value];
  return upperCase ? text.toUpperCase() : text;
}

/**
 * Decodes a Bech32 string. Problems are phrased to complete "it ...", and never quote the
 * value: it may be a secret key typed into the wrong place.
 */
export function decodeBech32(text: string): Bech32Decoded {
  const lower = text.toLowerCase();
  if (text !== lower && text !== text.toUpperCase()) {
    return { ok: false, problem: 'mixes upper and lower case' };
  }
  const separator = lower.lastIndexOf('1');
  if (separator < 1) return { ok: false, problem: "has no '1' between its prefix and its data" };
  if (lower.length - separator - 1 < CHECKSUM_LENGTH) {
    return { ok: false, problem: 'is too short to carry a checksum' };
  }
  const hrp = lower.slice(0, separator);
  for (let i = 0; i < hrp.length; i++) {
    const code = hrp.charCodeAt(i);
    if (code < 33 || code > 126) return { ok: false, problem: 'has a character outside ASCII' };
  }
  const values: number[] = [];
  for (const character of lower.slice(separator + 1)) {
    const value = CHARSET.indexOf(character);
    if (value < 0) {
      return { ok: false, problem: 'has a character that is not in the Bech32 alphabet' };
    }
    values.push(value);
  }
  if (polymod([...expandHrp(hrp), ...values]) !== 1) {
    return { ok: false, problem: 'fails its checksum (a character is wrong, missing or extra)' };
  }
  const bits = convertBits(values.slice(0, -CHECKSUM_LENGTH), 5, 8, false);
  if (bits === undefined) return { ok: false, problem: 'has bad padding in its data' };
  return { ok: true, hrp, bytes: Uint8Array.from(bits) };
}

function polymod(values: readonly number[]): number {
  let checksum = 1;
  for (const value of values) {
    const top = checksum >>> 25;
    checksum = ((checksum & 0x1ffffff) << 5) ^ value;
    for (let i = 0; i < 5; i++) {
      if ((top >>> i) & 1) checksum ^= GENERATOR[i] ?? 0;
    }
  }
  return checksum;
}

function expandHrp(hrp: string): number[] {
  const high: number[] = [];
  const low: number[] = [];
  for (let i = 0; i < hrp.length; i++) {
    const code = hrp.charCodeAt(i);
    high.push(code >>> 5);
    low.push(code & 31);
  }
  return [...high, 0, ...low];
}

function createChecksum(hrp: string, data: readonly number[]): number[] {
  const value = polymod([...expandHrp(hrp), ...data, 0, 0, 0, 0, 0, 0]) ^ 1;
  const checksum: number[] = [];
  for (let i = 0; i < CHECKSUM_LENGTH; i++) checksum.push((value >>> (5 * (5 - i))) & 31);
  return checksum;
}

/** Regroups bits; without `pad`, leftover bits must be fewer than `from` and all zero. */
function convertBits(
  data: ArrayLike<number>,
  from: number,
  to: number,
  pad: boolean,
): number[] | undefined {
  let accumulator = 0;
  let bits = 0;
  const out: number[] = [];
  const mask = (1 << to) - 1;
  for (let i = 0; i < data.length; i++) {
    accumulator = (accumulator << from) | (data[i] ?? 0);
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push((accumulator >>> bits) & mask);
    }
    accumulator &= (1 << bits) - 1;
  }
  if (pad) {
    if (bits > 0) out.push((accumulator << (to - bits)) & mask);
  } else if (bits >= from || accumulator !== 0) {
    return undefined;
  }
  return out;
}
