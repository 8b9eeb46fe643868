import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Adds the first bytes (as latin1) of every file in `dir`, lock files aside, to `seen`: called
 * while a download runs, it shows what a reader of the folder could find on disk.
 */
export async function recordFileHeads(dir: string, seen: Map<string, Set<string>>): Promise<void> {
  for (const name of await readdir(dir).catch(() => [])) {
    if (name.endsWith('.lock')) continue;
    const handle = await open(join(dir, name), 'r').catch(() => undefined);
    if (handle === undefined) continue;
    const head = Buffer.alloc(21);
    const { bytesRead } = await handle.read(head, 0, head.length, 0).finally(() => handle.close());
    const starts = seen.get(name) ?? new Set<string>();
    starts.add(head.subarray(0, bytesRead).toString('latin1'));
    seen.set(name, starts);
  }
}
