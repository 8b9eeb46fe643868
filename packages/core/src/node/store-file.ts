/**
 * Local files stored beside an export in its bucket or container (the action's Parquet tables),
 * and a stored object copied to a local file to make them from. A file goes through the export's
 * own multipart sink: parts checked by the store, the object published only when the last part is
 * in, the upload aborted on any failure, so no part of a table is ever left under its key.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createObjectSink, type StoredObject } from '../protocol/object-sink.js';
import type { ObjectReader, ObjectStore } from '../protocol/object-store.js';
import type { Clock } from '../protocol/ports.js';
import { asLocalError, onDisk } from './local-error.js';

export interface StoreFileOptions {
  readonly contentType: string;
  readonly signal: AbortSignal;
  readonly clock: Clock;
}

export async function storeFile(
  store: ObjectStore,
  key: string,
  path: string,
  options: StoreFileOptions,
): Promise<StoredObject> {
  const { size } = await onDisk('read', path, () => stat(path));
  const sink = createObjectSink({
    store,
    key,
    fileName: key.slice(key.lastIndexOf('/') + 1),
    contentType: options.contentType,
    // The file is ours, just written and closed: nothing to check in its bytes.
    createVerifier: () => ({
      write: async () => {},
      end: async () => ({ records: 0, byResourceType: undefined }),
      destroy: () => {},
    }),
    signal: options.signal,
    clock: options.clock,
  });
  try {
    await sink.begin({ etag: undefined, lastModified: undefined, totalBytes: size }, 0);
    try {
      for await (const chunk of createReadStream(path, { signal: options.signal })) {
        await sink.write(chunk as Buffer);
      }
    } catch (error) {
      throw options.signal.aborted ? error : asLocalError(error, 'read', path);
    }
    return await sink.commit();
  } catch (error) {
    await sink.discard(false);
    throw error;
  }
}

/** The object under `key` copied to `path` (a new file); false when there is no such object. */
export async function copyStoredObject(
  store: ObjectReader,
  key: string,
  path: string,
  signal: AbortSignal,
): Promise<boolean> {
  const object = await store.read(key, signal);
  if (object === undefined) return false;
  try {
    await pipeline(Readable.from(object.body), createWriteStream(path, { flags: 'wx' }), {
      signal,
    });
  } catch (error) {
    await object.cancel();
    throw asLocalError(error, 'write', path);
  }
  return true;
}
