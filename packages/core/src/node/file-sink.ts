import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { link, mkdir, rm, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../protocol/errors.js';
import type { DownloadSink } from '../protocol/ports.js';
import type { RecordCounts } from '../protocol/records.js';
import { drained, GzipVerifier, type VerifyOptions } from './gzip-verifier.js';

export interface VerifiedFile {
  /** Absolute path of the published file. */
  readonly path: string;
  readonly fileName: string;
  readonly records: RecordCounts;
}

export interface FileSinkOptions extends VerifyOptions {
  /** Where the verified file ends up. Must not exist: nothing a user already has is overwritten. */
  readonly path: string;
  /** The input the path came from, for error messages (`--out`, `path`...). */
  readonly inputName?: string;
}

/**
 * Writes a download to a hidden temporary file beside its final name while verifying the gzip
 * stream in the same pass. Only `commit`, after verification succeeds, makes the file visible, and
 * it does so with `link`, which fails rather than replace a file that appeared meanwhile.
 */
export async function createFileSink(
  options: FileSinkOptions,
): Promise<DownloadSink<VerifiedFile>> {
  const inputName = options.inputName ?? 'path';
  await assertFree(options.path, inputName);
  await mkdir(dirname(options.path), { recursive: true });
  const tempPath = join(
    dirname(options.path),
    `.${basename(options.path)}.${randomBytes(6).toString('hex')}.partial`,
  );

  let file = await openTempFile(tempPath, 'wx');
  let verifier = new GzipVerifier(options);
  let discarded = false;

  const closeFile = async () => {
    if (file.closed) return;
    const closed = new Promise<void>((resolve, reject) => {
      file.once('close', resolve);
      file.once('error', reject);
    });
    file.end();
    await closed;
  };

  return {
    async write(chunk) {
      // Listen for 'drain' right away: it may fire while the verifier is being awaited.
      const fileDrained = file.write(chunk) ? undefined : drained(file);
      await verifier.write(chunk);
      await fileDrained;
      if (file.errored) throw file.errored;
    },

    async reset() {
      verifier.destroy();
      await closeFile();
      file = await openTempFile(tempPath, 'w');
      verifier = new GzipVerifier(options);
    },

    async commit() {
      const records = await verifier.end();
      await closeFile();
      try {
        await link(tempPath, options.path);
      } catch (error) {
        if ((error as { code?: unknown }).code === 'EEXIST')
          throw fileExists(options.path, inputName);
        throw error;
      }
      await unlink(tempPath);
      return { path: options.path, fileName: basename(options.path), records };
    },

    async discard() {
      if (discarded) return;
      discarded = true;
      verifier.destroy();
      file.destroy();
      await rm(tempPath, { force: true });
    },
  };
}

/** Fails early, before any export is created, when the target already exists. */
export async function assertFree(path: string, inputName: string): Promise<void> {
  const existing = await stat(path).catch(() => undefined);
  if (existing) throw fileExists(path, inputName);
}

function fileExists(path: string, inputName: string): InputError {
  return new InputError(
    inputName,
    `${path} already exists`,
    'Choose another output path, or move the existing file away: it is never overwritten.',
  );
}

async function openTempFile(path: string, flags: 'wx' | 'w'): Promise<WriteStream> {
  // `flush` fsyncs before close, so a committed file survives a crash right after the run.
  const stream = createWriteStream(path, { flags, flush: true, highWaterMark: 1024 * 1024 });
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  return stream;
}
