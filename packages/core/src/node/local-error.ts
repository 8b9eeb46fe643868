import { LocalFileError, type LocalOperation } from '../protocol/errors.js';
import { printable } from '../protocol/text.js';

/**
 * A file system error as the error users see: `ENOSPC` while writing becomes "Cannot write …:
 * the disk is full (ENOSPC)" with what to do, instead of an "unexpected error". Anything without
 * a system error code is not the disk's fault and is passed on unchanged.
 */
export function asLocalError(error: unknown, operation: LocalOperation, path: string): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^E[A-Z0-9]+$/.test(code)) return error;
  return new LocalFileError({ operation, path: printable(path, 300), code, cause: error });
}

/** Runs a file operation, turning its system errors into `LocalFileError`s. */
export async function onDisk<T>(
  operation: LocalOperation,
  path: string,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw asLocalError(error, operation, path);
  }
}
