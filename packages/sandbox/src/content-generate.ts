/**
 * Writes one export file: gzip-compressed JSON lines streamed straight to disk, then damaged as
 * the scenario asks. Nothing larger than one chunk is ever held in memory, so a 1 GB export costs
 * time, not RAM.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { open, stat, truncate } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { LineTally } from './line-tally.js';
import { Prng } from './prng.js';
import { brokenLine, createRecordSource } from './records.js';
import type { Corruption, ExportKind, ResourceType } from './types.js';

export interface ContentSpec {
  kind: ExportKind;
  /** For resource exports, the requested types (sorted, distinct); empty for other kinds. */
  resourceTypes: readonly ResourceType[];
  contentBytes: number;
  seed: number;
  corruption: Corruption;
}

export interface ContentCounts {
  records: number;
  byResourceType: Record<string, number>;
}

const CHUNK_BYTES = 256 * 1024;

export async function writeExportFile(
  spec: ContentSpec,
  path: string,
  signal: AbortSignal,
): Promise<ContentCounts> {
  const tally = new LineTally();
  await pipeline(contentChunks(spec, tally), createGzip(), createWriteStream(path), { signal });
  switch (spec.corruption) {
    case 'bad-crc':
      await corruptCrc(path);
      return tally;
    case 'truncated':
      await cutTail(path);
      // Only what still decompresses is served, so count that rather than what was written.
      return countDecompressibleLines(path, signal);
    default:
      return tally;
  }
}

/**
 * The uncompressed content in chunks of about CHUNK_BYTES. The seed ignores the corruption, so
 * a damaged file differs from its intact twin only by the damage.
 */
async function* contentChunks(spec: ContentSpec, tally: LineTally): AsyncGenerator<Buffer> {
  const rng = Prng.fromKey(`${spec.kind}|${spec.resourceTypes.join(',')}|${spec.seed}`);
  const source = createRecordSource(spec.kind, spec.resourceTypes, rng);
  const wantsBrokenLine = spec.corruption === 'not-json';
  let brokenLineWritten = false;
  let linesAfterBrokenLine = 0;
  let written = 0;
  let chunk: string[] = [];
  let chunkLength = 0;

  const push = (line: string): void => {
    const text = `${line}\n`;
    chunk.push(text);
    chunkLength += text.length;
    written += Buffer.byteLength(text);
  };

  const isDone = (): boolean =>
    written >= spec.contentBytes &&
    (!wantsBrokenLine || (brokenLineWritten && linesAfterBrokenLine > 0));

  while (!isDone()) {
    if (
      wantsBrokenLine &&
      !brokenLineWritten &&
      tally.records > 0 &&
      written >= spec.contentBytes / 2
    ) {
      push(brokenLine(rng));
      tally.records += 1;
      brokenLineWritten = true;
    } else {
      const record = source.next();
      push(record.line);
      tally.records += 1;
      tally.countType(record.resourceType);
      if (brokenLineWritten) linesAfterBrokenLine += 1;
    }
    if (chunkLength >= CHUNK_BYTES) {
      yield Buffer.from(chunk.join(''));
      chunk = [];
      chunkLength = 0;
    }
  }
  if (chunk.length > 0) yield Buffer.from(chunk.join(''));
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

/** Drops the last ~10% of the compressed bytes, as an interrupted copy would. */
async function cutTail(path: string): Promise<void> {
  const { size } = await stat(path);
  await truncate(path, size - Math.max(1, Math.round(size * 0.1)));
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
  return tally;
}
