/**
 * The diff's second thread. Reading a side (gunzip, a scan of every record to check it and take
 * its key) keeps one core busy; the diff read both sides on one thread, at 4.4x the wall time of
 * `zcat` of both files (300 MB each side, bench/diff.mjs). With one side read here while the
 * diff's thread reads the other, both cores of a runner work. The partitions are compared on the
 * diff's thread alone: half of them compared here was 2-6% faster (4 GB and 4.4 M records each
 * side) but a thread more in memory, 275 against 261 MiB and 308 against 277 MiB.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { asCancelled } from '../protocol/abort.js';
import type { FromDiffWorker, ToDiffWorker } from './diff-thread-messages.js';
import { receivedError } from './diff-thread-messages.js';

// Beside this module: in the core's dist/, and in the bundles of the action and the CLI, which
// build the worker as an entry point of its own next to the code that loads it.
const WORKER_URL = new URL('./diff-worker.js', import.meta.url);

/**
 * Young generation (V8's semi-spaces) of a diff thread: 3 × a 4 MiB semi-space. Twice that was
 * 13 MiB more at the peak for 4.4 M records each side (277 against 264 MiB), at the same speed;
 * half of it was 16% slower and no smaller.
 */
const DIFF_YOUNG_GENERATION_MB = 12;

/**
 * Old generation of a diff thread. What it keeps is some 10 MiB for the report and the spill
 * files' chunk lists, plus two versions of a changed record at a time (up to 16 MiB of JSON each,
 * parsed); unbounded, V8 let garbage build up to 320 MiB between full collections (4 GB each
 * side). With 192 MiB: a peak RSS of 222 MiB for 4 GB each side; reaching it fails the diff with
 * a clear message, never a wrong report.
 */
const DIFF_OLD_GENERATION_MB = 192;

export const DIFF_THREAD_LIMITS = {
  maxYoungGenerationSizeMb: DIFF_YOUNG_GENERATION_MB,
  maxOldGenerationSizeMb: DIFF_OLD_GENERATION_MB,
} as const;

/**
 * The second thread's own, smaller: it holds one side's reading, never the partitions or the
 * report. With the diff thread's limits of then (24 and 192 MiB), a peak RSS of 273 MiB for 1 GB
 * each side; with these, 253 MiB at the same speed (bench/diff.mjs's pair, on this 2-core
 * machine under load).
 */
const SECOND_THREAD_LIMITS = {
  maxYoungGenerationSizeMb: 12,
  maxOldGenerationSizeMb: 96,
} as const;

/**
 * Whether the worker's script sits beside this module: true when running the built package or a
 * bundle, false when tests run the TypeScript sources (the diff then does everything itself).
 */
export function secondThreadAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER_URL));
}

type ReadAnswer = Extract<FromDiffWorker, { type: 'read' }>;

/**
 * Reads one side on a thread of its own. Cancelling stops the thread at once (what it wrote is
 * removed with the diff's folder); `storedFile` names the export a damage report is about.
 */
export function onSecondThread(
  job: ToDiffWorker,
  signal: AbortSignal,
  storedFile?: string,
): Promise<ReadAnswer> {
  const worker = new Worker(WORKER_URL, { workerData: job, resourceLimits: SECOND_THREAD_LIMITS });
  return new Promise<ReadAnswer>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', cancel);
      outcome();
      void worker.terminate();
    };
    const cancel = () => settle(() => reject(asCancelled(signal, 'The diff')));
    signal.addEventListener('abort', cancel, { once: true });
    worker.on('message', (answer: FromDiffWorker) => {
      if (answer.type === 'failed') {
        settle(() => reject(receivedError(answer.error, storedFile)));
      } else {
        settle(() => resolve(answer));
      }
    });
    worker.on('error', (error) => {
      const outOfMemory = (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
      settle(() =>
        reject(
          receivedError(
            {
              kind: 'unexpected',
              message: outOfMemory ? 'it ran out of memory; free some' : error.message,
            },
            undefined,
          ),
        ),
      );
    });
    worker.on('exit', (code) =>
      settle(() =>
        reject(receivedError({ kind: 'unexpected', message: `exit code ${code}` }, undefined)),
      ),
    );
    if (signal.aborted) cancel();
  });
}
