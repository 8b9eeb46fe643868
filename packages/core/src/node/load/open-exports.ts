/**
 * The exports `load` is given, found and checked as `verify` and `diff` do it, before anything is
 * loaded: each is a file, its manifest (beside it, when there is one) is read, its gzip stream
 * and records are checked and compared with the manifest. An age-encrypted export is decrypted
 * as it is checked, into a file in the load's work folder (beside the database), for DuckDB to
 * read; the work folder is removed when the load ends.
 */
import { open, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { AgeIdentity } from '../../protocol/age-x25519.js';
import { InputError, IntegrityError } from '../../protocol/errors.js';
import type { Manifest } from '../../protocol/manifest.js';
import { checkStoredAgainstManifest } from '../../protocol/manifest-check.js';
import type { RecordCounts } from '../../protocol/records.js';
import { formatInFileName, manifestFileName } from '../../protocol/run.js';
import { printable } from '../../protocol/text.js';
import { isAgeFile, readManifest, withRecipientsHint } from '../export-file.js';
import { onDisk } from '../local-error.js';
import { verifyEncryptedGzipFile, verifyGzipFile } from '../verify-file.js';

/** An export named on the command line, before it is read. */
export interface FoundExport {
  readonly path: string;
  readonly shown: string;
  readonly manifest: Manifest | undefined;
  readonly encrypted: boolean;
  readonly format: 'json' | 'jsonl';
  /** When the export was made: its manifest's completedAt, else the file's modification time. */
  readonly exportAt: string;
}

/** An export checked and ready for DuckDB to read. */
export interface CheckedExport extends FoundExport {
  /** The plain gzip file DuckDB reads: the export itself, or its decryption in the work folder. */
  readonly gzipPath: string;
  readonly sha256: string;
  readonly records: RecordCounts;
}

/** Finds each export and its manifest; refuses what cannot be loaded, naming it. */
export async function findExport(
  path: string,
  identities: readonly AgeIdentity[],
): Promise<FoundExport> {
  const shown = printable(path, 300);
  const fileStat = await stat(path).catch(() => undefined);
  if (!fileStat?.isFile()) {
    throw new InputError(
      'EXPORT',
      `${shown} is not a file`,
      'Pass the paths of exports downloaded by asana-export (.json.gz, .jsonl.gz, or .age).',
    );
  }
  const manifest = await readManifest(join(dirname(path), manifestFileName(basename(path))), false);
  const encrypted = await isAgeFile(path);
  if (encrypted && identities.length === 0) {
    throw new InputError(
      '--identity',
      `${shown} is age-encrypted`,
      'Pass --identity KEY, the identity file of one of its recipients, to decrypt it as it is loaded.',
    );
  }
  const format = formatInFileName(basename(path)) ?? manifest?.file.format;
  if (format === undefined) {
    throw new InputError(
      'EXPORT',
      `cannot tell the format of ${printable(basename(path), 300)}`,
      'Name it .json.gz or .jsonl.gz (.age when encrypted), with its manifest beside it.',
    );
  }
  const exportAt = manifest?.completedAt ?? fileStat.mtime.toISOString();
  return { path, shown, manifest, encrypted, format, exportAt };
}

/** Checks an export end to end (and decrypts it into `workDir` when it is encrypted). */
export async function checkExport(
  found: FoundExport,
  identities: readonly AgeIdentity[],
  workDir: string,
  index: number,
): Promise<CheckedExport> {
  const options = { format: found.format, validateJson: found.format === 'jsonl' };
  if (!found.encrypted) {
    const observed = await verifyGzipFile(found.path, options).catch((error: unknown) => {
      throw asStored(error, found.shown);
    });
    if (found.manifest)
      checkStoredAgainstManifest(found.shown, found.manifest, { content: observed });
    return { ...found, gzipPath: found.path, sha256: observed.sha256, records: observed.records };
  }
  const gzipPath = join(workDir, `export-${index}.${found.format}.gz`);
  const observed = await decryptToFile(found.path, gzipPath, identities, options).catch(
    (error: unknown) => {
      throw asStored(withRecipientsHint(error, identities, found.manifest), found.shown);
    },
  );
  if (found.manifest) {
    checkStoredAgainstManifest(found.shown, found.manifest, {
      content: observed.plaintext,
      ciphertext: observed.ciphertext,
    });
  }
  return {
    ...found,
    gzipPath,
    sha256: observed.plaintext.sha256,
    records: observed.plaintext.records,
  };
}

/**
 * One pass over the ciphertext: each chunk authenticated, its plaintext written to `target` and
 * checked as `verify --identity` checks it. Memory stays at a chunk.
 */
async function decryptToFile(
  source: string,
  target: string,
  identities: readonly AgeIdentity[],
  options: { format: 'json' | 'jsonl'; validateJson: boolean },
) {
  const handle = await onDisk('create', target, () => open(target, 'wx', 0o600));
  try {
    return await verifyEncryptedGzipFile(source, identities, options, async (piece) => {
      await onDisk('write', target, () => handle.write(piece));
    });
  } finally {
    await handle.close();
  }
}

/** A stored file that fails its check is named and left as it is, as `verify` words it. */
function asStored(error: unknown, file: string): unknown {
  if (!(error instanceof IntegrityError)) return error;
  return new IntegrityError(error.problem, { storedFile: file, cause: error });
}
