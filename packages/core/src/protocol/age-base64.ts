/**
 * The base64 of age's header: RFC 4648's standard alphabet without `=` padding, and canonical
 * only. age's spec makes decoders reject any other encoding of the same bytes, so that a header
 * has exactly one spelling and its MAC covers what was meant.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

export function encodeBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] ?? 0;
    const b = bytes[i + 1] ?? 0;
    const c = bytes[i + 2] ?? 0;
    const left = bytes.length - i;
    text += ALPHABET[a >>> 2];
    text += ALPHABET[((a & 3) << 4) | (b >>> 4)];
    if (left > 1) text += ALPHABET[((b & 15) << 2) | (c >>> 6)];
    if (left > 2) text += ALPHABET[c & 63];
  }
  return text;
}

/** The bytes, or undefined when `text` is not canonical unpadded base64. */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (text.length % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let accumulator = 0;
  let bits = 0;
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? (VALUES[code] ?? -1) : -1;
    if (value < 0) return undefined;
    accumulator = ((accumulator << 6) | value) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (accumulator >>> bits) & 0xff;
    }
  }
  // Canonical: the bits left over after the last whole byte are zero.
  if ((accumulator & ((1 << bits) - 1)) !== 0) return undefined;
  return out;
}
