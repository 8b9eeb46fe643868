import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { verifyGzipFile } from '../node/verify-file.js';
import { InputError } from '../protocol/errors.js';
import { type Manifest, parseManifest } from '../protocol/manifest.js';
import { checkAgainstManifest } from '../protocol/manifest-check.js';
import { manifestFileName } from '../protocol/run.js';

export interface VerifyArgs {
  readonly file: string;
  readonly manifest: string | undefined;
  readonly validateJson: boolean;
}

export interface VerifyReport {
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly records: number;
  readonly byResourceType: Record<string, number> | undefined;
  /** The manifest the file was checked against, when there was one. */
  readonly manifest: string | undefined;
}

/**
 * `asana-export verify FILE`: re-checks a downloaded export (gzip stream, every record, SHA-256)
 * and, when its manifest is beside it or named, that nothing changed since it was downloaded.
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
  const format = formatOf(args.file) ?? manifest?.file.format;
  if (format === undefined) {
    throw new InputError(
      'file',
      `cannot tell the format of ${basename(args.file)}`,
      'Name it .json.gz or .jsonl.gz, or pass --manifest.',
    );
  }
  const observed = await verifyGzipFile(args.file, { format, validateJson: args.validateJson });
  if (manifest) checkAgainstManifest(manifest, observed);
  return {
    file: args.file,
    bytes: observed.bytes,
    sha256: observed.sha256,
    records: observed.records.records,
    byResourceType: observed.records.byResourceType,
    manifest: manifest ? manifestPath : undefined,
  };
}

/** A manifest named with --manifest must exist; the implied one beside the file may not. */
async function readManifest(path: string, required: boolean): Promise<Manifest | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (!required && (error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw new InputError(
      '--manifest',
      `cannot read ${path}`,
      'Pass the manifest written beside the export.',
    );
  }
  return parseManifest(text, '--manifest');
}

function formatOf(file: string): 'json' | 'jsonl' | undefined {
  if (file.endsWith('.jsonl.gz')) return 'jsonl';
  if (file.endsWith('.json.gz')) return 'json';
  return undefined;
}
