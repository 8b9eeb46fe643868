// Runs on the diff's second thread (see diff-on-thread.ts): reads one plaintext side into its
// partitions while the diff's own thread reads the other. One job per thread; the answer is its
// result or its error, sent as parts.
import { parentPort, workerData } from 'node:worker_threads';
import { PartitionWriter, transferables } from './diff-partitions.js';
import { readIntoPartitions } from './diff-read.js';
import { type FromDiffWorker, sendableError, type ToDiffWorker } from './diff-thread-messages.js';

const port = parentPort;
if (!port) throw new Error('diff-worker must run in a worker thread');

// The diff's thread stops this one (`terminate`) when the user cancels: nothing here aborts.
const never = new AbortController().signal;

async function run(job: ToDiffWorker): Promise<FromDiffWorker> {
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

run(workerData as ToDiffWorker).then(
  // The spill's index is moved across, not copied: this thread ends with the answer.
  (answer) => port.postMessage(answer, answer.type === 'read' ? transferables(answer.spill) : []),
  (error: unknown) =>
    port.postMessage({ type: 'failed', error: sendableError(error) } satisfies FromDiffWorker),
);
