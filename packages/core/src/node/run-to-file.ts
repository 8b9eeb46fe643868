import { randomBytes } from 'node:crypto';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseAgeRecipients } from '../protocol/age-keys.js';
import type { AgeRecipient } from '../protocol/age-x25519.js';
import { InputError } from '../protocol/errors.js';
import type { ProgressListener } from '../protocol/events.js';
import { fileFormat } from '../protocol/kinds.js';
import type { StallPolicy } from '../protocol/limits.js';
import type { PollPolicy } from '../protocol/polling.js';
import type { ExportRef } from '../protocol/requests.js';
import type { RetryPolicy } from '../protocol/retry.js';
import {
  defaultFileName,
  encryptedFileName,
  manifestFileName,
  type RunResult,
  type RunStart,
  runExport,
} from '../protocol/run.js';
import { assertFree, createFileSink, type VerifiedFile } from './file-sink.js';
import { writeJsonFileExclusive } from './json-file.js';
import { onDisk } from './local-error.js';
import type { NodeRuntime } from './runtime.js';

export interface RunToFileOptions {
  readonly runtime: NodeRuntime;
  readonly start: RunStart;
  /** Directory for the export file and its manifest; created when missing. */
  readonly outDir: string;
  /** Input name of `outDir` for messages (`--out`, `path`). */
  readonly outInputName?: string;
  readonly signal: AbortSignal;
  /** Parse every JSON Lines record while verifying (default true). */
  readonly validateJson?: boolean;
  readonly poll?: PollPolicy;
  readonly retry?: RetryPolicy;
  readonly stall?: StallPolicy;
  readonly onProgress?: ProgressListener;
  /**
   * Store the export encrypted to these age recipients, as `<name>.age`: nothing but ciphertext
   * reaches the disk. Undefined: stored as downloaded. An empty list is refused rather than
   * taken as "no encryption", so that a list that lost its keys never means plaintext.
   */
  readonly encryptTo?: readonly AgeRecipient[] | undefined;
  /** Input name of `encryptTo` for messages (`--encrypt-to`, `encrypt-to`). */
  readonly encryptToInputName?: string;
}

export interface RunToFileResult extends RunResult<VerifiedFile> {
  /** The file stored: the `.age` ciphertext when encrypted (also `manifest.encryption.file`). */
  readonly filePath: string;
  readonly manifestPath: string;
}

/**
 * `runExport` into a directory: the verified export file, then its manifest beside it. The
 * manifest is written last, so its presence means the export beside it is complete. Everything
 * local is checked before the first request (the folder can be written, and, when resuming, the
 * names are free): finding out after hours of waiting would be too late.
 */
export async function runExportToFile(options: RunToFileOptions): Promise<RunToFileResult> {
  const { runtime } = options;
  const outDir = resolve(options.outDir);
  const inputName = options.outInputName ?? 'out';
  const encryptTo = checkedRecipients(options);
  await prepareOutDir(outDir, inputName);
  if ('resume' in options.start) {
    await assertNamesFree(outDir, options.start.resume, inputName, encryptTo !== undefined);
  }
  let manifestPath = '';

  const result = await runExport<VerifiedFile>({
    client: runtime.client,
    source: runtime.source,
    clock: runtime.clock,
    random: runtime.random,
    signal: options.signal,
    start: options.start,
    ...(options.poll ? { poll: options.poll } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.stall ? { stall: options.stall } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    openSink: async (status) => {
      const fileName = defaultFileName(status);
      manifestPath = join(outDir, manifestFileName(fileName));
      await assertFree(manifestPath, inputName);
      return createFileSink({
        path: join(outDir, fileName),
        inputName,
        format: fileFormat(status.kind),
        validateJson: options.validateJson ?? true,
        encryptTo,
      });
    },
  });
  await writeJsonFileExclusive(manifestPath, result.manifest, inputName);
  return { ...result, filePath: result.download.sink.path, manifestPath };
}

/** The folder exists (or is made) and takes a file; a file of that name is bad input. */
async function prepareOutDir(outDir: string, inputName: string): Promise<void> {
  const existing = await stat(outDir).catch(() => undefined);
  if (existing !== undefined && !existing.isDirectory()) {
    throw new InputError(
      inputName,
      `${outDir} is a file, not a folder`,
      'Name a folder for the export and its manifest (it is created when missing).',
    );
  }
  await onDisk('create', outDir, () => mkdir(outDir, { recursive: true }));
  const probe = join(outDir, `.asana-export-write-test-${randomBytes(6).toString('hex')}`);
  await onDisk('write', outDir, () => writeFile(probe, '', { flag: 'wx' }));
  await rm(probe, { force: true });
}

/** A resumed export's names are known before any request: both must be free. */
async function assertNamesFree(
  outDir: string,
  ref: ExportRef,
  inputName: string,
  encrypted: boolean,
): Promise<void> {
  const fileName = defaultFileName(ref);
  await assertFree(join(outDir, encrypted ? encryptedFileName(fileName) : fileName), inputName);
  await assertFree(join(outDir, manifestFileName(fileName)), inputName);
}

/** The recipients, each checked before any request: a bad key found after hours is too late. */
export function checkedRecipients(
  options: Pick<RunToFileOptions, 'encryptTo' | 'encryptToInputName'>,
): readonly AgeRecipient[] | undefined {
  const recipients = options.encryptTo;
  if (recipients === undefined) return undefined;
  const input = options.encryptToInputName ?? 'encryptTo';
  return parseAgeRecipients(input, recipients.map((recipient) => recipient.publicKey).join('\n'));
}
