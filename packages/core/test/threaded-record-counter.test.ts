import { describe, expect, it } from 'vitest';
// The built module: its worker script only exists beside the compiled JavaScript.
import { ThreadedRecordCounter } from '../dist/node/threaded-record-counter.js';
import { IntegrityError } from '../dist/protocol/errors.js';
import { RecordCounter } from '../src/protocol/records.js';

const encoder = new TextEncoder();
const lines = (count: number) =>
  Array.from({ length: count }, (_, index) =>
    JSON.stringify({ gid: String(index), resource_type: index % 3 === 0 ? 'project' : 'task' }),
  ).join('\n');

describe('ThreadedRecordCounter (built)', () => {
  it('is available beside the built module', () => {
    expect(ThreadedRecordCounter.available).toBe(true);
  });

  it('counts exactly what the inline counter counts, across chunk boundaries', async () => {
    const bytes = encoder.encode(`${lines(5000)}\n`);
    const threaded = new ThreadedRecordCounter({ format: 'jsonl', validateJson: true });
    const inline = new RecordCounter({ format: 'jsonl', validateJson: true });
    for (let offset = 0; offset < bytes.length; offset += 997) {
      const chunk = bytes.subarray(offset, offset + 997);
      threaded.push(chunk);
      inline.push(chunk);
      // The copy is taken at push: reusing the caller's buffer must not change what is counted.
      chunk.fill(32);
    }
    expect(await threaded.end()).toEqual(inline.end());
  });

  it('reports the first bad line with its number, as the inline counter does', async () => {
    const text = `${lines(10)}\n{"gid": broken\n${lines(3)}\n`;
    const threaded = new ThreadedRecordCounter({ format: 'jsonl', validateJson: true });
    threaded.push(encoder.encode(text));
    const error = await threaded.end().catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(IntegrityError);
    expect((error as IntegrityError).problem).toBe('line 11 is not valid JSON');
  });

  it('asks its producer to pause while too many chunks are queued, and wakes it', async () => {
    const threaded = new ThreadedRecordCounter({ format: 'jsonl', validateJson: true });
    let woken = 0;
    threaded.onReady(() => woken++);
    for (let index = 0; index < 20; index++) threaded.push(encoder.encode(`${lines(200)}\n`));
    expect(threaded.wantsMore).toBe(false);
    const counts = await threaded.end();
    expect(counts.records).toBe(4000);
    expect(woken).toBeGreaterThan(0);
  });
});
