/**
 * CRC-64/NVME, the checksum Azure Blob takes in `x-ms-content-crc64` (8 bytes, little-endian,
 * base64). Written out here so the test checks Azurite against an independent implementation.
 */
const POLY_REFLECTED = 0x9a6c9329ac4bc9b5n;
const MASK = 0xffffffffffffffffn;

const TABLE = Array.from({ length: 256 }, (_, index) => {
  let crc = BigInt(index);
  for (let bit = 0; bit < 8; bit++) crc = crc & 1n ? (crc >> 1n) ^ POLY_REFLECTED : crc >> 1n;
  return crc;
});

export function crc64Nvme(bytes: Uint8Array): bigint {
  let crc = MASK;
  for (const byte of bytes) crc = (TABLE[Number((crc ^ BigInt(byte)) & 0xffn)] ?? 0n) ^ (crc >> 8n);
  return crc ^ MASK;
}

/** The 8 bytes the header and the SDK's `transactionalContentCrc64` carry. */
export function crc64Bytes(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, crc64Nvme(bytes), true);
  return out;
}
