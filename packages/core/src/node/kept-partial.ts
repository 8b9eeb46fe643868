import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ExportRef } from '../protocol/requests.js';
import { defaultFileName } from '../protocol/run.js';
import { partialFilesFor } from './partial-files.js';

/**
 * How many bytes of an export a run kept in `outDir` for a resume (0 when none). An encrypted
 * run keeps none: its partial could not be replayed through the verifier without the identity.
 */
export async function keptPartialBytes(
  outDir: string,
  ref: ExportRef,
  options: { readonly encrypted?: boolean } = {},
): Promise<number> {
  if (options.encrypted === true) return 0;
  const files = partialFilesFor(join(resolve(outDir), defaultFileName(ref)));
  const [data, meta] = await Promise.all([
    stat(files.data).catch(() => undefined),
    stat(files.meta).catch(() => undefined),
  ]);
  return data !== undefined && meta !== undefined ? data.size : 0;
}
