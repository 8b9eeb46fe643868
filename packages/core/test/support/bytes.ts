const encoder = new TextEncoder();

/** Text as UTF-8 and byte values, back to back: `joinedBytes('{"a":"', [0xff], '"}')`. */
export function joinedBytes(...parts: (string | readonly number[])[]): Uint8Array {
  const encoded = parts.map((part) =>
    typeof part === 'string' ? encoder.encode(part) : Uint8Array.from(part),
  );
  const out = new Uint8Array(encoded.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of encoded) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
