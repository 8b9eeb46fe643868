import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  isAgeFile,
  readIdentities,
  readManifest,
  withRecipientsHint,
} from '../node/export-file.js';
import { digestFile, verifyEncryptedGzipFile, verifyGzipFile } from '../node/verify-file.js';
import { InputError, IntegrityError } from '../protocol/errors.js';
import type { Manifest } from '../protocol/manifest.js';
import { checkStoredAgainstManifest } from '../protocol/manifest-check.js';
import { formatInFileName, manifestFileName } from '../protocol/run.js';
import { printable } from '../protocol/text.js';

export interface VerifyArgs {
  readonly file: string;
  readonly manifest: string | undefined;
  readonly validateJson: boolean;
  /** Identity files (`--identity`), to decrypt an age-encrypted export with. */
  readonly identities: readonly string[];
}

export interface VerifyReport {
  readonly file: string;
  /** Whether the file is age ciphertext. */
  readonly encrypted: boolean;
  /**
   * Whether the content itself was checked (gzip stream, records). False only for an encrypted
   * file checked without an identity: then only the ciphertext's size and hash were compared.
   */
  readonly contentChecked: boolean;
  /** The export's content (the plaintext gzip), when it was checked. */
  readonly bytes?: number;
  readonly sha256?: string;
  readonly records?: number;
  readonly byResourceType?: Record<string, number> | undefined;
  /** The stored ciphertext's size and SHA-256, for an encrypted file. */
  readonly ciphertext?: { readonly bytes: number; readonly sha256: string };
  /** The manifest the file was checked against, when there was one. */
  readonly manifest: string | undefined;
}

/**
 * `asana-export verify FILE`: re-checks a downloaded export (gzip stream, every record, SHA-256)
 * and, when its manifest is beside it or named, that nothing changed since it was downloaded.
 * An age-encrypted export is decrypted as it is read with `--identity`, and checked the same
 * way; without one, only its ciphertext's size and hash can be compared with the manifest.
 */
export async function verifyExportFile(args: VerifyArgs): Promise<VerifyReport> {
  const fileStat = await stat(args.file).catch(() => undefined);
  if (!fileStat?.isFile()) {
    throw new InputError(
      'file',
      `${args.file} is not a file`,
      'Pass the path of a downloaded export.',
    );
  }
  const manifestPath =
    args.manifest ?? join(dirname(args.file), manifestFileName(basename(args.file)));
  const manifest = await readManifest(manifestPath, args.manifest !== undefined);
  const manifestUsed = manifest ? manifestPath : undefined;
  const encrypted = await isAgeFile(args.file);
  if (!encrypted && args.identities.length > 0) {
    throw new InputError(
      '--identity',
      `${args.file} is not age-encrypted, so there is nothing to decrypt`,
      'Drop --identity to verify a plain export.',
    );
  }
  if (encrypted && args.identities.length === 0) {
    return checkCiphertextOnly(args.file, manifest, manifestUsed);
  }
  const format = formatInFileName(basename(args.file)) ?? manifest?.file.format;
  if (format === undefined) {
    throw new InputError(
      'file',
      `cannot tell the format of ${basename(args.file)}`,
      'Name it .json.gz or .jsonl.gz (.age when encrypted), or pass --manifest.',
    );
  }
  const options = { format, validateJson: args.validateJson };
  const shown = printable(args.file, 300);
  if (!encrypted) {
    const observed = await verifyGzipFile(args.file, options).catch((error: unknown) => {
      throw asStored(error, shown);
    });
    if (manifest) checkStoredAgainstManifest(shown, manifest, { content: observed });
    return {
      file: args.file,
      encrypted: false,
      contentChecked: true,
      bytes: observed.bytes,
      sha256: observed.sha256,
      records: observed.records.records,
      byResourceType: observed.records.byResourceType,
      manifest: manifestUsed,
    };
  }
  const identities = await readIdentities(args.identities);
  const observed = await verifyEncryptedGzipFile(args.file, identities, options).catch(
    (error: unknown) => {
      throw asStored(withRecipientsHint(error, identities, manifest), shown);
    },
  );
  if (manifest) {
    checkStoredAgainstManifest(shown, manifest, {
      content: observed.plaintext,
      ciphertext: observed.ciphertext,
    });
  }
  return {
    file: args.file,
    encrypted: true,
    contentChecked: true,
    bytes: observed.plaintext.bytes,
    sha256: observed.plaintext.sha256,
    records: observed.plaintext.records.records,
    byResourceType: observed.plaintext.records.byResourceType,
    ciphertext: observed.ciphertext,
    manifest: manifestUsed,
  };
}

/** Without a key, the ciphertext can only be shown to be the one the manifest recorded. */
async function checkCiphertextOnly(
  file: string,
  manifest: Manifest | undefined,
  manifestUsed: string | undefined,
): Promise<VerifyReport> {
  if (manifest?.encryption === undefined) {
    throw new InputError(
      '--identity',
      `${file} is age-encrypted and ${manifest ? 'its manifest records no ciphertext' : 'has no manifest beside it'}, so nothing can be checked without a key`,
      'Pass --identity KEY (the identity file of one of its recipients) to decrypt it as it is read and check its content.',
    );
  }
  const ciphertext = await digestFile(file);
  checkStoredAgainstManifest(printable(file, 300), manifest, { ciphertext });
  return { file, encrypted: true, contentChecked: false, ciphertext, manifest: manifestUsed };
}

/**
 * A check of a file already stored fails as that file's problem: the file is named and left as
 * it is, rather than "no file was kept, download again", which is what a download's check says.
 */
function asStored(error: unknown, file: string): unknown {
  if (!(error instanceof IntegrityError)) return error;
  return new IntegrityError(error.problem, { storedFile: file, cause: error });
}
