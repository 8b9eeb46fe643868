/**
 * `diff OLD NEW`: two stored exports of the same kind and target compared record by record, by
 * `resource_type` and `gid`, in bounded memory: both are streamed once into partitions on disk
 * (their digests and record counts checked against their manifests on the way), then compared a
 * partition at a time. The temporary files are removed whatever happens.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { AgeIdentity } from '../protocol/age-x25519.js';
import { checkComparable } from '../protocol/diff-manifests.js';
import { type DiffReport, type DiffSide, DiffTally } from '../protocol/diff-report.js';
import { AgeDecryptError, InputError } from '../protocol/errors.js';
import type { Manifest } from '../protocol/manifest.js';
import { checkStoredAgainstManifest } from '../protocol/manifest-check.js';
import { manifestFileName } from '../protocol/run.js';
import { printable } from '../protocol/text.js';
import { comparePartitions } from './diff-compare.js';
import { onSecondThread, secondThreadAvailable } from './diff-on-thread.js';
import { PartitionWriter, partitionsFor, SpillFile } from './diff-partitions.js';
import { readIntoPartitions, type SideFigures } from './diff-read.js';
import { isAgeFile, readManifest, withRecipientsHint } from './export-file.js';
import { onDisk } from './local-error.js';

export interface DiffFileInput {
  readonly path: string;
  /** The manifest named by the user; else the one beside the file is used if it exists. */
  readonly manifest: string | undefined;
  /** What messages and the report call the export (printable); default its path. */
  readonly shown?: string | undefined;
}

export interface DiffFilesOptions {
  /** For age-encrypted exports. */
  readonly identities: readonly AgeIdentity[];
  /** Where the partitions go (about the size of both exports uncompressed); default the OS's. */
  readonly tempDir: string | undefined;
  readonly signal: AbortSignal;
  /** A partition bigger than this is split before it is compared (tests set it low). */
  readonly splitBytes?: number | undefined;
}

/** A change report, with what a reader should know about how it was made. */
export interface DiffResult {
  readonly report: DiffReport;
  readonly warnings: readonly string[];
}

interface OpenedSide {
  readonly label: 'OLD' | 'NEW';
  readonly path: string;
  readonly shown: string;
  readonly manifest: Manifest | undefined;
  readonly encrypted: boolean;
  /** The stored file's size. */
  readonly bytes: number;
}

export async function diffExportFiles(
  oldInput: DiffFileInput,
  newInput: DiffFileInput,
  options: DiffFilesOptions,
): Promise<DiffResult> {
  const older = await openSide('OLD', '--old-manifest', oldInput, options);
  const newer = await openSide('NEW', '--new-manifest', newInput, options);
  const { warnings } = checkComparable(compared(older), compared(newer));

  const base = options.tempDir ?? tmpdir();
  const dir = await onDisk('create', base, () => mkdtemp(join(base, 'asana-export-diff-')));
  try {
    const threaded = secondThreadAvailable();
    const [oldRead, newRead] = await readSides(older, newer, dir, threaded, options);
    checkManifest(older, oldRead.figures);
    checkManifest(newer, newRead.figures);
    checkRecordsPerLine(older, oldRead.figures);
    checkRecordsPerLine(newer, newRead.figures);
    const tally = new DiffTally();
    const duplicates = await comparePartitions(
      dir,
      oldRead.spill,
      newRead.spill,
      tally,
      options.signal,
      options.splitBytes,
    );
    const oldFigures = oldRead.figures;
    const newFigures = newRead.figures;
    const report = tally.report({
      kind: older.manifest?.kind ?? newer.manifest?.kind,
      target: older.manifest?.target ?? newer.manifest?.target,
      old: sideOf(older, oldFigures, duplicates.old),
      new: sideOf(newer, newFigures, duplicates.new),
    });
    return { report, warnings };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function openSide(
  label: 'OLD' | 'NEW',
  manifestInput: string,
  input: DiffFileInput,
  options: DiffFilesOptions,
): Promise<OpenedSide> {
  const shown = input.shown ?? printable(input.path, 300);
  const fileStat = await stat(input.path).catch(() => undefined);
  if (!fileStat?.isFile()) {
    throw new InputError(label, `${shown} is not a file`, 'Pass the path of a stored export.');
  }
  const manifestPath =
    input.manifest ?? join(dirname(input.path), manifestFileName(basename(input.path)));
  const manifest = await readManifest(manifestPath, input.manifest !== undefined, manifestInput);
  const encrypted = await isAgeFile(input.path);
  if (encrypted && options.identities.length === 0) {
    throw new InputError(
      '--identity',
      `${shown} (${label}) is age-encrypted`,
      'Pass --identity KEY, the identity file of one of its recipients, to decrypt it as it is read.',
    );
  }
  return { label, path: input.path, shown, manifest, encrypted, bytes: fileStat.size };
}

interface ReadSide {
  readonly figures: SideFigures;
  readonly spill: SpillFile;
}

/**
 * Reads both sides at once into partitions of the same count: a plaintext side on the second
 * thread when there is one, the other here (age identities stay on this thread). The first
 * failure stops the other side.
 */
async function readSides(
  older: OpenedSide,
  newer: OpenedSide,
  dir: string,
  threaded: boolean,
  options: DiffFilesOptions,
): Promise<[ReadSide, ReadSide]> {
  const partitions = partitionsFor(Math.max(older.bytes, newer.bytes));
  const away = threaded ? [newer, older].find((side) => !side.encrypted) : undefined;
  return await bothOrNeither(options.signal, (signal) => {
    const read = (side: OpenedSide, name: string) =>
      side === away
        ? readOnSecondThread(side, join(dir, name), partitions, signal)
        : readHere(side, join(dir, name), partitions, options.identities, signal);
    return [read(older, 'old'), read(newer, 'new')];
  });
}

async function readHere(
  side: OpenedSide,
  spillPath: string,
  partitions: number,
  identities: readonly AgeIdentity[],
  signal: AbortSignal,
): Promise<ReadSide> {
  const writer = new PartitionWriter(spillPath, 0, partitions);
  try {
    const figures = await readIntoPartitions(
      { path: side.path, shown: side.shown, identities: side.encrypted ? identities : undefined },
      writer,
      signal,
    );
    return { figures, spill: await writer.end() };
  } catch (error) {
    await writer.abandon();
    if (error instanceof AgeDecryptError) {
      throw withRecipientsHint(error, identities, side.manifest);
    }
    throw error;
  }
}

async function readOnSecondThread(
  side: OpenedSide,
  spillPath: string,
  partitions: number,
  signal: AbortSignal,
): Promise<ReadSide> {
  const job = { job: 'read', path: side.path, shown: side.shown, spillPath, partitions } as const;
  const answer = await onSecondThread(job, signal, side.shown);
  return { figures: answer.figures, spill: SpillFile.fromData(answer.spill) };
}

/**
 * Two halves of one step run at once, here and on the second thread: the first failure stops
 * the other (through the signal `start` is given), which is waited for before the error is
 * thrown, so nothing still writes into the diff's folder when it is removed.
 */
async function bothOrNeither<A, B>(
  signal: AbortSignal,
  start: (signal: AbortSignal) => [Promise<A>, Promise<B>],
): Promise<[A, B]> {
  const stop = new AbortController();
  const halves = start(AbortSignal.any([signal, stop.signal]));
  try {
    return await Promise.all(halves);
  } catch (error) {
    stop.abort();
    await Promise.allSettled(halves);
    throw error;
  }
}

/** Before any report: each file is the export its manifest describes. */
function checkManifest(side: OpenedSide, figures: SideFigures): void {
  const manifest = side.manifest;
  if (manifest === undefined) return;
  checkStoredAgainstManifest(side.shown, manifest, {
    content: { ...figures.content, records: figures.records },
    ciphertext: figures.ciphertext,
  });
}

/**
 * An organization export whose file is one JSON document (its layout is not documented; older
 * ones were one record per line) has no records to match: comparing it as one record would
 * report "1 removed, 1 added" for any change. Say so instead of making that report.
 */
function checkRecordsPerLine(side: OpenedSide, figures: SideFigures): void {
  if (figures.records.records !== 1 || figures.withoutGid !== 1) return;
  throw new InputError(
    side.label,
    `${side.shown} holds one JSON document, not one record per line`,
    'diff compares exports of one record per line (resource and graph exports, and organization exports laid out that way); compare this one with a JSON tool such as jq instead.',
  );
}

/** What the comparability rules (protocol/diff-manifests.ts, shared with n8n's Compare) look at. */
function compared(side: OpenedSide) {
  return {
    input: 'NEW',
    shown: side.shown,
    manifest: side.manifest,
    fileName: basename(side.path),
  };
}

function sideOf(side: OpenedSide, figures: SideFigures, duplicates: number): DiffSide {
  return {
    file: side.shown,
    exportGid: optionalPrintable(side.manifest?.exportGid),
    completedAt: optionalPrintable(side.manifest?.completedAt),
    records: figures.records.records,
    duplicates,
  };
}

function optionalPrintable(text: string | undefined): string | undefined {
  return text === undefined ? undefined : printable(text, 64);
}
