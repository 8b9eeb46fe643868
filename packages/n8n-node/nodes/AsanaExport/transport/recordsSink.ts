import { type DownloadSink, IntegrityError, type RecordCounts } from '@asana-exports/core/protocol';
import type { IDataObject } from 'n8n-workflow';
import { Gunzip } from './gunzip';

export interface CollectedRecords {
  readonly fileName: string;
  readonly records: RecordCounts;
  readonly items: IDataObject[];
}

/** More records than the user allowed: the download stops at once. */
export class TooManyRecordsError extends Error {
  readonly limit: number;

  constructor(limit: number) {
    super(`The export has more than ${limit} records`);
    this.name = 'TooManyRecordsError';
    this.limit = limit;
  }
}

/** One record held as an item; a longer line (a hostile file inflating to one huge line) stops. */
export const MAX_ITEM_LINE_BYTES = 16 * 1024 * 1024;

/** A record too long to hold as an item. */
export class RecordTooLargeError extends Error {
  readonly lineNumber: number;

  constructor(lineNumber: number) {
    super(
      `Line ${lineNumber} of the export is longer than ${MAX_ITEM_LINE_BYTES / (1024 * 1024)} MiB`,
    );
    this.name = 'RecordTooLargeError';
    this.lineNumber = lineNumber;
  }
}

const NEWLINE = 10;

/**
 * Decompresses a small export while it downloads and keeps one JSON value per line, up to a limit:
 * for "Split Into Items". Memory grows with the records kept, so the limit is checked as they come.
 */
export class RecordsSink implements DownloadSink<CollectedRecords> {
  /** The decompressor goes on where a resumed range of the same object continues. */
  readonly canAppend = true;
  readonly #fileName: string;
  readonly #limit: number;
  #state: { gunzip: Gunzip; done: Promise<IDataObject[]> };

  constructor(fileName: string, limit: number) {
    this.#fileName = fileName;
    this.#limit = limit;
    this.#state = this.#fresh();
  }

  async begin(): Promise<void> {}

  async write(chunk: Uint8Array): Promise<void> {
    try {
      await this.#state.gunzip.write(chunk);
    } catch {
      throw await this.#state.done.then(
        () => new IntegrityError('the gzip stream ended before the file did'),
        (error: unknown) => error,
      );
    }
  }

  async reset(): Promise<void> {
    this.#state.gunzip.abort();
    this.#state = this.#fresh();
  }

  async commit(): Promise<CollectedRecords> {
    await this.#state.gunzip.close().catch(() => undefined);
    const items = await this.#state.done;
    return {
      fileName: this.#fileName,
      records: { records: items.length, byResourceType: undefined },
      items,
    };
  }

  async discard(): Promise<void> {
    this.#state.gunzip.abort();
  }

  #fresh(): { gunzip: Gunzip; done: Promise<IDataObject[]> } {
    const gunzip = new Gunzip();
    const done = collect(gunzip, this.#limit);
    done.catch(() => undefined);
    return { gunzip, done };
  }
}

async function collect(gunzip: Gunzip, limit: number): Promise<IDataObject[]> {
  const items: IDataObject[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let lineNumber = 0;

  const finishLine = (line: Uint8Array): void => {
    lineNumber += 1;
    const text = decodeLine(decoder, line, lineNumber).trim();
    if (text === '') return;
    if (items.length >= limit) throw new TooManyRecordsError(limit);
    items.push(toItem(parseLine(text, lineNumber)));
  };

  try {
    for (;;) {
      const next = await gunzip.read();
      if (next.done) break;
      let start = 0;
      const chunk = next.value;
      for (
        let newline = chunk.indexOf(NEWLINE);
        newline !== -1;
        newline = chunk.indexOf(NEWLINE, start)
      ) {
        if (pendingBytes + newline - start > MAX_ITEM_LINE_BYTES) {
          throw new RecordTooLargeError(lineNumber + 1);
        }
        finishLine(join(pending, chunk.subarray(start, newline)));
        pending = [];
        pendingBytes = 0;
        start = newline + 1;
      }
      if (start < chunk.length) {
        pendingBytes += chunk.length - start;
        if (pendingBytes > MAX_ITEM_LINE_BYTES) throw new RecordTooLargeError(lineNumber + 1);
        pending.push(chunk.slice(start));
      }
    }
    if (pending.length > 0) finishLine(join(pending, new Uint8Array(0)));
    return items;
  } catch (error) {
    await gunzip.cancel(error);
    return Promise.reject(error);
  }
}

function join(pieces: Uint8Array[], tail: Uint8Array): Uint8Array {
  if (pieces.length === 0) return tail;
  const line = new Uint8Array(pieces.reduce((sum, piece) => sum + piece.length, tail.length));
  let offset = 0;
  for (const piece of [...pieces, tail]) {
    line.set(piece, offset);
    offset += piece.length;
  }
  return line;
}

function decodeLine(
  decoder: { decode(input: Uint8Array): string },
  line: Uint8Array,
  lineNumber: number,
): string {
  try {
    return decoder.decode(line);
  } catch (cause) {
    return fail(new IntegrityError(`line ${lineNumber} is not valid UTF-8`, { cause }));
  }
}

function parseLine(text: string, lineNumber: number): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    return fail(new IntegrityError(`line ${lineNumber} is not valid JSON`, { cause }));
  }
}

function fail(error: Error): never {
  throw error;
}

function toItem(value: unknown): IDataObject {
  if (value !== null && typeof value === 'object' && !Array.isArray(value))
    return value as IDataObject;
  return { value: value as IDataObject['value'] };
}
