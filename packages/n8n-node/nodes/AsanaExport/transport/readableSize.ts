import type { IBinaryData } from 'n8n-workflow';

/**
 * The largest file that n8n's `database` binary data mode can hand back to the next node on
 * PostgreSQL, the database queue mode runs on. node-postgres reads a `bytea` column as hex text
 * (`\x` and two characters a byte), and V8's strings end at 2^29 − 24 characters: past
 * 268,435,443 bytes the read throws inside the driver and the next node's execution never ends
 * (measured with n8n 2.41.1: see the README's "Running at scale"). n8n's own cap
 * (N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE, 512 MiB by default) lets such files in.
 */
export const DATABASE_MODE_READABLE_BYTES = (0x1fffffe8 - 2) / 2;

/** A stored file that no later node could read back. */
export class UnreadableBinaryError extends Error {
  readonly bytes: number;

  constructor(bytes: number) {
    super(
      `n8n stored the ${bytes}-byte export in its database, which cannot hand more than ${DATABASE_MODE_READABLE_BYTES} bytes (256 MiB) to the next node`,
    );
    this.name = 'UnreadableBinaryError';
    this.bytes = bytes;
  }
}

/** Fails now, with what to change, rather than leave the next node hanging on the read. */
export function assertReadableByNextNode(binary: IBinaryData): void {
  const bytes = binary.bytes;
  if (binary.id?.startsWith('database:') && bytes !== undefined) {
    if (bytes > DATABASE_MODE_READABLE_BYTES) throw new UnreadableBinaryError(bytes);
  }
}
