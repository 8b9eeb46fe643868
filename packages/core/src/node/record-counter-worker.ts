// Runs in a worker thread: parses every JSON Lines record of a download while the main thread
// downloads, hashes and writes the file and libuv's pool inflates it. JSON.parse is the one step
// that keeps a core busy, so giving it a thread of its own makes verification cost almost no
// wall time (bench/verify.mjs).
import { parentPort, workerData } from 'node:worker_threads';
import { IntegrityError } from '../protocol/errors.js';
import { RecordCounter, type RecordCounterOptions } from '../protocol/records.js';
import type { FromCounterWorker, ToCounterWorker } from './record-counter-messages.js';

const port = parentPort;
if (!port) throw new Error('record-counter-worker must run in a worker thread');

const counter = new RecordCounter(workerData as RecordCounterOptions);
let failed = false;

port.on('message', (message: ToCounterWorker) => {
  if (failed) return;
  const reply = (answer: FromCounterWorker) => port.postMessage(answer);
  try {
    if (message.type === 'chunk') {
      counter.push(message.chunk);
      reply({ type: 'ack' });
    } else {
      reply({ type: 'done', counts: counter.end() });
    }
  } catch (error) {
    failed = true;
    reply({
      type: 'failed',
      problem: error instanceof IntegrityError ? error.problem : String(error),
    });
  }
});
