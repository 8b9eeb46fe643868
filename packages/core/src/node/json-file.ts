import { randomBytes } from 'node:crypto';
import { link, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../protocol/errors.js';
import { asLocalError } from './local-error.js';

/**
 * Writes JSON under a name that must not exist yet: written whole to a temporary file, then
 * linked into place, so readers never see half a manifest and nothing existing is replaced.
 */
export async function writeJsonFileExclusive(
  path: string,
  value: unknown,
  inputName = 'path',
): Promise<void> {
  const tempPath = join(
    dirname(path),
    `.${basename(path)}.${randomBytes(6).toString('hex')}.partial`,
  );
  try {
    await writeFile(tempPath, `${JSON.stringify(value, null, 2)}\n`, { flag: 'wx', flush: true });
    await link(tempPath, path);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'EEXIST') {
      throw new InputError(
        inputName,
        `${path} already exists`,
        'It is never overwritten: move it away or choose another output path.',
      );
    }
    throw asLocalError(error, 'write', path);
  } finally {
    await rm(tempPath, { force: true });
  }
}
