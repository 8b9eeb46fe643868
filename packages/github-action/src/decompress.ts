import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

/**
 * Writes the uncompressed copy of a verified `.gz` beside it (`x.jsonl.gz` → `x.jsonl`) and
 * returns its path. Never overwrites: the directory is the run's own.
 */
export async function decompressBeside(gzPath: string): Promise<string> {
  if (!gzPath.endsWith('.gz')) throw new Error(`${gzPath} is not a .gz file`);
  const target = gzPath.slice(0, -'.gz'.length);
  await pipeline(
    createReadStream(gzPath),
    createGunzip(),
    createWriteStream(target, { flags: 'wx', highWaterMark: 1024 * 1024 }),
  );
  return target;
}
