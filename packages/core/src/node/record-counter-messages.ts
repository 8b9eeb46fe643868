import type { RecordCounts } from '../protocol/records.js';

/** What the main thread sends the record-counting worker, in order. */
export type ToCounterWorker = { type: 'chunk'; chunk: Uint8Array } | { type: 'end' };

/** One `ack` per chunk (for backpressure), then `done`; or `failed` at the first bad record. */
export type FromCounterWorker =
  | { type: 'ack' }
  | { type: 'done'; counts: RecordCounts }
  | { type: 'failed'; problem: string };
