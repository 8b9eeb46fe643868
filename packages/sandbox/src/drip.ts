/**
 * A body sent at a trickle, as a congested link or a throttling proxy delivers it: a first part
 * at full speed, then a few bytes per tick. It stops as soon as the client goes away or the
 * sandbox closes, and leaves no timer behind either way.
 */
import { type FileHandle, open } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Exchange } from './http-io.js';
import type { DripPace } from './types.js';

/** The most read from disk and written at once, however many bytes a tick sends. */
const PIECE_BYTES = 64 * 1024;

/** Sends bytes `start` to `end` (inclusive) of `path` at `pace`; the headers are already set. */
export async function sendDripping(
  exchange: Exchange,
  path: string,
  start: number,
  end: number,
  pace: DripPace,
  shutdown: AbortSignal,
): Promise<void> {
  const { res } = exchange;
  const gone = new AbortController();
  const onClose = (): void => gone.abort();
  res.once('close', onClose);
  const signal = AbortSignal.any([gone.signal, shutdown]);
  const file = await open(path);
  try {
    res.flushHeaders();
    const stop = end + 1;
    let at = await copy(file, res, start, Math.min(stop, start + pace.afterBytes), signal);
    while (at < stop) {
      await sleep(pace.everyMs, undefined, { signal });
      at = await copy(file, res, at, Math.min(stop, at + pace.bytes), signal);
    }
    res.end();
  } catch {
    // The client went away or the sandbox closed: nobody is left to send to.
  } finally {
    res.off('close', onClose);
    await file.close();
  }
}

/** Writes bytes [from, to) of the file, each write acknowledged before the next; returns `to`. */
async function copy(
  file: FileHandle,
  res: ServerResponse,
  from: number,
  to: number,
  signal: AbortSignal,
): Promise<number> {
  for (let at = from; at < to; ) {
    const piece = Buffer.allocUnsafe(Math.min(PIECE_BYTES, to - at));
    const { bytesRead } = await file.read(piece, 0, piece.length, at);
    if (bytesRead === 0) throw new RangeError(`the file ends before byte ${at}`);
    await write(res, piece.subarray(0, bytesRead), signal);
    at += bytesRead;
  }
  return to;
}

function write(res: ServerResponse, chunk: Buffer, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    signal.throwIfAborted();
    // A destroyed socket may never call back: the abort settles the write instead.
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    res.write(chunk, (error) => {
      signal.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    });
  });
}
