// node:crypto is the one Node module the protocol core may use: n8n's community-node rules allow it.
import { createHash } from 'node:crypto';

export interface Sha256 {
  update(chunk: Uint8Array): void;
  /** Lower-case hex. */
  digest(): string;
}

export function createSha256(): Sha256 {
  const hash = createHash('sha256');
  return {
    update: (chunk) => {
      hash.update(chunk);
    },
    digest: () => hash.digest('hex'),
  };
}

/** Base64 MD5, as S3's and Azure's `Content-MD5` take it: the store checks every part by it. */
export function md5Base64(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('base64');
}
