import { createReadStream } from 'node:fs';
import { createSha256 } from '../protocol/hash.js';
import type { RecordCounts } from '../protocol/records.js';
import { GzipVerifier, type VerifyOptions } from './gzip-verifier.js';

export interface FileVerification {
  readonly bytes: number;
  readonly sha256: string;
  readonly records: RecordCounts;
}

/** Verifies a file already on disk in one streaming pass: gzip check, record count, SHA-256. */
export async function verifyGzipFile(
  path: string,
  options: VerifyOptions,
): Promise<FileVerification> {
  const verifier = new GzipVerifier(options);
  const hash = createSha256();
  let bytes = 0;
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
      const data = chunk as Uint8Array;
      hash.update(data);
      bytes += data.byteLength;
      await verifier.write(data);
    }
    return { bytes, sha256: hash.digest(), records: await verifier.end() };
  } finally {
    verifier.destroy();
  }
}
