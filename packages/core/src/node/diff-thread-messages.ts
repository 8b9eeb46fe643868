/**
 * What the diff's second thread is asked to do and answers (node/diff-worker.ts), and how an
 * error crosses over: a worker's error arrives as a plain `Error`, so the ones a user must see as
 * they are (the stored file is damaged, the disk refused) are sent as their parts and built again,
 * whole, on this side.
 */

import { IntegrityError, LocalFileError, type LocalOperation } from '../protocol/errors.js';
import { printable } from '../protocol/text.js';
import type { SpillFileData } from './diff-partitions.js';
import type { SideFigures } from './diff-read.js';

export interface ToDiffWorker {
  readonly job: 'read';
  /** A plaintext export: identities do not cross threads, so encrypted ones are read here. */
  readonly path: string;
  readonly shown: string;
  readonly spillPath: string;
  readonly partitions: number;
}

export type FromDiffWorker =
  | { readonly type: 'read'; readonly figures: SideFigures; readonly spill: SpillFileData }
  | { readonly type: 'failed'; readonly error: SentError };

export type SentError =
  | { readonly kind: 'integrity'; readonly problem: string }
  | {
      readonly kind: 'local';
      readonly operation: LocalOperation;
      readonly path: string;
      readonly code: string | undefined;
      readonly hint: string | undefined;
    }
  | { readonly kind: 'unexpected'; readonly message: string };

export function sendableError(error: unknown): SentError {
  if (error instanceof IntegrityError) return { kind: 'integrity', problem: error.problem };
  if (error instanceof LocalFileError) {
    const { operation, path, code, hint } = error;
    return { kind: 'local', operation, path, code, hint };
  }
  return { kind: 'unexpected', message: error instanceof Error ? error.message : String(error) };
}

/** The error again, whole. `storedFile`: the export the job read, which a damage report names. */
export function receivedError(sent: SentError, storedFile: string | undefined): Error {
  switch (sent.kind) {
    case 'integrity':
      return new IntegrityError(
        sent.problem,
        storedFile === undefined ? undefined : { storedFile },
      );
    case 'local':
      return new LocalFileError(sent);
    case 'unexpected':
      return new Error(`the diff's second thread failed: ${printable(sent.message, 300)}`);
  }
}
