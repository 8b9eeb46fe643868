// Runs on the diff's second thread (see diff-on-thread.ts): reads one plaintext side into its
// partitions, or compares a range of partitions, while the diff's own thread does the other side
// or the other range. One job per thread; the answer is its result or its error, sent as parts.
import { parentPort, workerData } from 'node:worker_threads';
import { DiffTally } from '../protocol/diff-report.js';
import { comparePartitions } from './diff-compare.js';
import { PartitionWriter, SpillFile, transferables } from './diff-partitions.js';
import { readIntoPartitions } from './diff-read.js';
import { type FromDiffWorker, sendableError, type ToDiffWorker } from './diff-thread-messages.js';

const port = parentPort;
if (!port) throw new Error('diff-worker must run in a worker thread');

// The diff's thread stops this one (`terminate`) when the user cancels: nothing here aborts.
const never = new AbortController().signal;

async function run(job: ToDiffWorker): Promise<FromDiffWorker> {
  if (job.job === 'read') {
    const writer = new PartitionWriter(job.spillPath, 0, job.partitions);
    try {
      const side = { path: job.path, shown: job.shown, identities: undefined };
      const figures = await readIntoPartitions(side, writer, never);
      return { type: 'read', figures, spill: (await writer.end()).data() };
    } catch (error) {
      await writer.abandon();
      throw error;
    }
  }
  const tally = new DiffTally();
  const duplicates = await comparePartitions(
    job.dir,
    SpillFile.fromData(job.older),
    SpillFile.fromData(job.newer),
    tally,
    never,
    job.splitBytes,
    job.range,
  );
  return { type: 'compared', tally: tally.state(), duplicates };
}

run(workerData as ToDiffWorker).then(
  // The spill's index is moved across, not copied: this thread ends with the answer.
  (answer) => port.postMessage(answer, answer.type === 'read' ? transferables(answer.spill) : []),
  (error: unknown) =>
    port.postMessage({ type: 'failed', error: sendableError(error) } satisfies FromDiffWorker),
);
