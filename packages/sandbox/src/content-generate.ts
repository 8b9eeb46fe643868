/**
 * Writes one export file: gzip-compressed JSON lines streamed straight to disk, then damaged as
 * the scenario asks. Nothing larger than one chunk is ever held in memory, so a 1 GB export (or
 * a 64 MiB line) costs time, not RAM.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { open, stat, truncate } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGunzip, createGzip, gzip } from 'node:zlib';
import { type ExportParameter, ExportSelection, narrows } from './export-selection.js';
import { LineTally } from './line-tally.js';
import { Prng } from './prng.js';
import { brokenLine, createRecordSource } from './records.js';
import { Reviser, type RevisionChanges } from './revisions.js';
import type {
  ContentLayout,
  Corruption,
  ExportKind,
  ResourceType,
  RevisionEdits,
} from './types.js';

export interface ContentSpec {
  kind: ExportKind;
  /** For resource exports, the requested types (sorted, distinct); empty for other kinds. */
  resourceTypes: readonly ResourceType[];
  /**
   * For resource exports, the request's `export_request_parameters` in canonical form (see
   * `export-selection.ts`): which of the generated records the file shows, and with which
   * fields. The records themselves depend on `resourceTypes` only. Empty for other kinds.
   */
  parameters: readonly ExportParameter[];
  contentBytes: number;
  seed: number;
  corruption: Corruption;
  layout: ContentLayout;
  /** The long field's length for the long-line corruptions; 0 for the others. */
  longLineBytes: number;
  /** The object's version, from 1: later versions change the gids, never the lengths. */
  version: number;
  /** The workspace's state, from 0 (see `revisions.ts`). */
  revision: number;
  /** How much a revision changes; `many` when left out (see `Scenario.revisionEdits`). */
  revisionEdits?: RevisionEdits;
}

export interface ContentCounts {
  records: number;
  byResourceType: Record<string, number>;
}

export interface WrittenContent extends ContentCounts {
  /** Where each gzip member starts in the file. */
  memberOffsets: number[];
  /**
   * For a revision after 0: what a diff against revision 0 must report. Left out when the
   * parameters narrow the export (fields, filters, repeated types): the tally counts whole records.
   */
  changes?: RevisionChanges;
}

/** Uncompressed bytes per chunk, and so per gzip member with `layout: 'members'`. */
const CHUNK_BYTES = 256 * 1024;

const gzipAsync = promisify(gzip);

export async function writeExportFile(
  spec: ContentSpec,
  path: string,
  signal: AbortSignal,
): Promise<WrittenContent> {
  const tally = new LineTally();
  const memberOffsets: number[] = spec.layout === 'members' ? [] : [0];
  const compress = spec.layout === 'members' ? gzipMembers(memberOffsets) : createGzip();
  const revised: { changes?: RevisionChanges } = {};
  await pipeline(contentChunks(spec, tally, revised), compress, createWriteStream(path), {
    signal,
  });
  const counts = {
    records: tally.records,
    byResourceType: tally.byResourceType,
    ...(revised.changes === undefined ? {} : { changes: revised.changes }),
  };
  switch (spec.corruption) {
    case 'bad-crc':
      await corruptCrc(path);
      return { ...counts, memberOffsets };
    case 'truncated': {
      const size = await cutTail(path);
      // Only what still decompresses is served, so count that rather than what was written.
      const decompressible = await countDecompressibleLines(path, signal);
      return { ...decompressible, memberOffsets: memberOffsets.filter((at) => at < size) };
    }
    default:
      return { ...counts, memberOffsets };
  }
}

/**
 * Compresses each chunk into a gzip member of its own, stored (level 0): a stored member's size
 * depends only on its input's length, so objects whose chunks have the same lengths have their
 * member boundaries at the same offsets, whatever the bytes.
 */
function gzipMembers(offsets: number[]) {
  return async function* (chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    let at = 0;
    for await (const chunk of chunks) {
      const member = await gzipAsync(chunk, { level: 0 });
      offsets.push(at);
      at += member.length;
      yield member;
    }
  };
}

/**
 * The uncompressed content in chunks of about CHUNK_BYTES, cut at line ends (a long line spans
 * several chunks). The seed ignores the corruption, so a damaged file differs from its intact
 * twin only by the damage; the version changes only the gids, so every version has the same
 * line lengths and the same chunk lengths.
 */
async function* contentChunks(
  spec: ContentSpec,
  tally: LineTally,
  revised: { changes?: RevisionChanges },
): AsyncGenerator<Buffer> {
  const key = `${spec.kind}|${spec.resourceTypes.join(',')}`;
  const rng = Prng.fromKey(`${key}|${spec.seed}`);
  const ids = Prng.fromKey(`${key}|${spec.seed + spec.version - 1}|ids`);
  const source = createRecordSource(spec.kind, spec.resourceTypes, rng, ids);
  const reviser =
    spec.revision > 0
      ? new Reviser(
          spec.kind,
          spec.resourceTypes,
          `${key}|${spec.seed}`,
          spec.revision,
          spec.revisionEdits ?? 'many',
        )
      : undefined;
  const selection = new ExportSelection(spec.parameters);
  const oddLine = oddLineOf(spec);
  let oddLineWritten = false;
  let linesAfterOddLine = 0;
  let written = 0;
  let chunk: string[] = [];
  let chunkLength = 0;

  const push = (text: string): void => {
    chunk.push(text);
    chunkLength += text.length;
  };
  const take = (): Buffer => {
    const buffer = Buffer.from(chunk.join(''));
    chunk = [];
    chunkLength = 0;
    return buffer;
  };

  const isDone = (): boolean =>
    written >= spec.contentBytes &&
    (oddLine === undefined || (oddLineWritten && linesAfterOddLine > 0));

  while (!isDone()) {
    if (
      oddLine !== undefined &&
      !oddLineWritten &&
      tally.records > 0 &&
      written >= spec.contentBytes / 2
    ) {
      oddLineWritten = true;
      tally.records += 1;
      if (oddLine === 'not-json') {
        const line = `${brokenLine(rng, ids)}\n`;
        push(line);
        written += Buffer.byteLength(line);
      } else {
        // On top of contentBytes: the long line is extra, not part of the budget.
        // Shown whatever the filters say: the corruption is the point of the file.
        const record = selection.showAnyway(source.next());
        const broken = oddLine === 'long-broken-line';
        if (!broken && record.resourceType !== undefined) tally.countType(record.resourceType);
        const { head, tail } = longLineEnds(record.line, broken);
        push(head);
        yield take();
        yield* filler(spec.longLineBytes);
        push(`${tail}\n`);
      }
    } else {
      const record = source.next();
      // The budget counts revision 0's lines, so every revision holds the same base records.
      written += Buffer.byteLength(record.line) + 1;
      for (const revised of reviser === undefined ? [record] : reviser.revise(record)) {
        for (const shown of selection.show(revised)) {
          push(`${shown.line}\n`);
          tally.records += 1;
          if (shown.resourceType !== undefined) tally.countType(shown.resourceType);
        }
      }
      if (oddLineWritten) linesAfterOddLine += 1;
    }
    if (chunkLength >= CHUNK_BYTES) yield take();
  }
  if (chunk.length > 0) yield take();
  if (reviser !== undefined && !narrows(spec.parameters)) {
    revised.changes = reviser.changes(spec.revision);
  }
}

type OddLine = 'not-json' | 'long-line' | 'long-broken-line';

/** The one unusual line a corruption puts in the middle of the file, if any. */
function oddLineOf(spec: ContentSpec): OddLine | undefined {
  switch (spec.corruption) {
    case 'not-json':
      return 'not-json';
    case 'long-line':
    case 'long-broken-line':
      // Organization exports accept the long-line corruptions and are served intact.
      return spec.kind === 'organization' ? undefined : spec.corruption;
    default:
      return undefined;
  }
}

/**
 * The text before and after the long field's value: the record with `"long_text":"` added, and
 * its end, `"}` or, for the broken line, `",` (a comma where the closing brace belongs, so the
 * line is invalid JSON only at its very last byte).
 */
function longLineEnds(line: string, broken: boolean): { head: string; tail: string } {
  return { head: `${line.slice(0, -1)},"long_text":"`, tail: broken ? '",' : '"}' };
}

/** Plain ASCII that needs no JSON escaping and compresses a thousandfold, like a gzip bomb. */
const FILLER = Buffer.from(
  'This note was pasted in again and again until nobody could scroll past it. '
    .repeat(Math.ceil(CHUNK_BYTES / 70))
    .slice(0, CHUNK_BYTES),
);

/** `length` bytes of the long field's value, one chunk at a time: never the whole in memory. */
function* filler(length: number): Generator<Buffer> {
  for (let left = length; left > 0; left -= FILLER.length) {
    yield left >= FILLER.length ? FILLER : FILLER.subarray(0, left);
  }
}

/** Inverts the CRC32 in the gzip trailer (the 8 bytes are CRC32 then ISIZE). */
async function corruptCrc(path: string): Promise<void> {
  const { size } = await stat(path);
  const file = await open(path, 'r+');
  try {
    const crc = Buffer.alloc(4);
    await file.read(crc, 0, 4, size - 8);
    for (let i = 0; i < crc.length; i++) crc[i] = (crc[i] ?? 0) ^ 0xff;
    await file.write(crc, 0, 4, size - 8);
  } finally {
    await file.close();
  }
}

/** Drops the last ~10% of the compressed bytes, as an interrupted copy would; returns the size. */
async function cutTail(path: string): Promise<number> {
  const { size } = await stat(path);
  const cut = size - Math.max(1, Math.round(size * 0.1));
  await truncate(path, cut);
  return cut;
}

async function countDecompressibleLines(path: string, signal: AbortSignal): Promise<ContentCounts> {
  const tally = new LineTally();
  const countChunks = async (chunks: AsyncIterable<Buffer>): Promise<void> => {
    for await (const chunk of chunks) tally.add(chunk);
  };
  try {
    await pipeline(createReadStream(path), createGunzip(), countChunks, { signal });
  } catch (error) {
    // The cut-off stream is the point; anything else is a real failure.
    if ((error as NodeJS.ErrnoException).code !== 'Z_BUF_ERROR') throw error;
  }
  return { records: tally.records, byResourceType: tally.byResourceType };
}
