import { open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import * as z from 'zod/mini';
import { InputError } from '../protocol/errors.js';
import type { ObjectIdentity } from '../protocol/ports.js';
import { onDisk } from './local-error.js';

/**
 * The hidden files beside a download's final name while it is incomplete: the bytes so far, what
 * object they came from (so the next run of the same export can resume them, with `If-Range`),
 * and a lock so that two runs never write the same partial. All three are named after the final
 * file, which carries the export's gid, so the next run finds them before asking Asana anything.
 */
export interface PartialFiles {
  readonly data: string;
  readonly meta: string;
  readonly lock: string;
}

export function partialFilesFor(path: string): PartialFiles {
  const base = join(dirname(path), `.${basename(path)}.partial`);
  return { data: base, meta: `${base}.json`, lock: `${base}.lock` };
}

const metaSchema = z.object({
  version: z.literal(1),
  object: z.object({
    etag: z.optional(z.string()),
    lastModified: z.optional(z.string()),
    totalBytes: z.optional(z.number().check(z.int(), z.nonnegative())),
  }),
});

const lockSchema = z.object({ pid: z.number().check(z.int(), z.positive()), host: z.string() });

/** What was kept: the partial's size and the object it is a prefix of. */
export interface KeptBytes {
  readonly bytes: number;
  readonly object: ObjectIdentity;
}

/**
 * Takes the lock on a download's partial files. A lock left by a run that is gone (its process
 * no longer exists on this host) is taken over; one held by a live run is refused.
 */
export async function lockPartial(files: PartialFiles, inputName: string): Promise<void> {
  const mine = JSON.stringify({ pid: process.pid, host: hostname() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await onDisk('create', files.lock, async () => {
        const handle = await open(files.lock, 'wx');
        try {
          await handle.writeFile(mine);
        } finally {
          await handle.close();
        }
      });
      return;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
    }
    const holder = await readLock(files.lock);
    if (holder !== undefined && isAlive(holder)) {
      throw new InputError(
        inputName,
        `another asana-export (process ${holder.pid} on ${holder.host}) is downloading ${basename(files.data).replace(/^\.|\.partial$/g, '')} into ${dirname(files.data)}`,
        `Wait for it to finish. If it is gone, delete ${files.lock} and run again.`,
      );
    }
    await rm(files.lock, { force: true });
  }
  throw new InputError(inputName, `cannot take the lock ${files.lock}`, 'Run again.');
}

export async function unlockPartial(files: PartialFiles): Promise<void> {
  await rm(files.lock, { force: true });
}

/**
 * The bytes an earlier run kept, if they can be resumed: a partial file with a record of the
 * object it came from. Anything else found there (a partial without its record, a record that
 * does not parse, an empty file) cannot be proven to be one object, so it is removed.
 */
export async function readKept(files: PartialFiles): Promise<KeptBytes | undefined> {
  const size = (await stat(files.data).catch(() => undefined))?.size;
  const meta = await readFile(files.meta, 'utf8')
    .then((text) => metaSchema.safeParse(JSON.parse(text)))
    .catch(() => undefined);
  const object = meta?.success ? meta.data.object : undefined;
  if (size === undefined || size === 0 || object === undefined) {
    await removePartial(files);
    return undefined;
  }
  if (object.etag === undefined && object.lastModified === undefined) {
    // Nothing to ask the store with: it could not tell us whether the object is still the same.
    await removePartial(files);
    return undefined;
  }
  return {
    bytes: size,
    object: {
      etag: object.etag,
      lastModified: object.lastModified,
      totalBytes: object.totalBytes,
    },
  };
}

/** Records which object the partial's bytes come from. Written whole, then renamed into place. */
export async function writeMeta(files: PartialFiles, object: ObjectIdentity): Promise<void> {
  const record = {
    version: 1,
    object: {
      ...(object.etag === undefined ? {} : { etag: object.etag }),
      ...(object.lastModified === undefined ? {} : { lastModified: object.lastModified }),
      ...(object.totalBytes === undefined ? {} : { totalBytes: object.totalBytes }),
    },
  };
  await onDisk('write', files.meta, () =>
    writeFile(files.meta, `${JSON.stringify(record)}\n`, { flush: true }),
  );
}

/** Removes the partial's bytes and record (not the lock). */
export async function removePartial(files: PartialFiles): Promise<void> {
  await rm(files.data, { force: true });
  await rm(files.meta, { force: true });
}

async function readLock(path: string): Promise<z.infer<typeof lockSchema> | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const parsed = lockSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** A lock from another host cannot be checked, so it counts as held. */
function isAlive(holder: z.infer<typeof lockSchema>): boolean {
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as { code?: unknown }).code === 'EPERM';
  }
}
