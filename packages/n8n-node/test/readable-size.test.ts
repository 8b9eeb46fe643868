import { NodeOperationError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { toNodeError } from '../nodes/AsanaExport/errors';
import {
  assertReadableByNextNode,
  DATABASE_MODE_READABLE_BYTES,
  UnreadableBinaryError,
} from '../nodes/AsanaExport/transport/readableSize';
import { bufferConstants } from './support/files.mts';

const stored = (id: string, bytes: number) => ({
  data: '',
  mimeType: 'application/gzip',
  id,
  bytes,
});

describe('a stored file the next node must be able to read', () => {
  it('is limited by the hex text node-postgres reads a bytea as, on this Node', () => {
    // `\x` plus two characters a byte must fit in one string.
    expect(2 + 2 * DATABASE_MODE_READABLE_BYTES).toBe(bufferConstants.MAX_STRING_LENGTH);
  });

  it('passes in database mode up to the limit, and in other modes at any size', () => {
    expect(() =>
      assertReadableByNextNode(stored('database:a', DATABASE_MODE_READABLE_BYTES)),
    ).not.toThrow();
    expect(() => assertReadableByNextNode(stored('filesystem-v2:a', 2 ** 40))).not.toThrow();
    expect(() => assertReadableByNextNode(stored('s3:a', 2 ** 40))).not.toThrow();
  });

  it('fails one byte past it in database mode, saying how to move such exports', () => {
    const bytes = DATABASE_MODE_READABLE_BYTES + 1;
    let thrown: unknown;
    try {
      assertReadableByNextNode(stored('database:a', bytes));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UnreadableBinaryError);
    const nodeError = toNodeError({ name: 'Asana Export' } as never, thrown, 3);
    expect(nodeError).toBeInstanceOf(NodeOperationError);
    expect(nodeError.message).toContain(`${bytes}-byte export`);
    expect(nodeError.description).toMatch(/next node's execution hanging/);
    expect(nodeError.description).toMatch(/N8N_BINARY_DATA_STORAGE_PATH/);
    expect(nodeError.description).toMatch(/Include Download Link/);
  });
});
