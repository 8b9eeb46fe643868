import { describe, expect, it } from 'vitest';
import { ExportClient } from '../../src/protocol/client.js';
import { downloadExport } from '../../src/protocol/download.js';
import { DownloadHostError } from '../../src/protocol/errors.js';
import type {
  ApiTransport,
  Clock,
  DownloadResponse,
  DownloadSink,
  DownloadSource,
} from '../../src/protocol/ports.js';

// Unit tests of the downloader alone, with fake ports: what no sandbox scenario can stage.

const finishedJob: ApiTransport = {
  send: async () => ({
    status: 200,
    headers: {},
    body: JSON.stringify({
      data: {
        gid: '1',
        resource_type: 'job',
        resource_subtype: 'graph_export_request',
        status: 'succeeded',
        new_graph_export: { gid: '2', download_url: 'https://store.example/x?X-Amz-Signature=s' },
      },
    }),
  }),
};
let time = 0;
/** Sleeps move time on and return at once. */
const clock: Clock = {
  now: () => time,
  sleep: async (ms) => {
    time += ms;
  },
};

function response(status: number, headers: Record<string, string>, body: string): DownloadResponse {
  return {
    status,
    headers,
    body: (async function* () {
      yield new TextEncoder().encode(body);
    })(),
    cancel: async () => {},
  };
}

function recordingSink() {
  const events: string[] = [];
  const sink: DownloadSink<string> = {
    canAppend: true,
    begin: async (_object, offset) => {
      events.push(`begin ${offset}`);
    },
    write: async (chunk) => {
      events.push(`write ${chunk.byteLength}`);
    },
    reset: async () => {
      events.push('reset');
    },
    commit: async () => 'committed',
    discard: async (keep) => {
      events.push(`discard${keep ? ' keep' : ''}`);
    },
  };
  return { sink, events };
}

const run = (source: DownloadSource, sink: DownloadSink<string>) =>
  downloadExport({
    client: new ExportClient({ transport: finishedJob, clock, random: () => 0 }),
    ref: { kind: 'graph', gid: '1' },
    source,
    sink,
    clock,
    random: () => 0,
    signal: new AbortController().signal,
  });

describe('downloadExport', () => {
  it('gives up, discarding everything, when the store keeps contradicting its own length', async () => {
    const { sink, events } = recordingSink();
    // Says 4 bytes, sends 8: every attempt is more than announced.
    const source: DownloadSource = {
      open: async () => response(200, { 'content-length': '4' }, '12345678'),
    };
    const error = await run(source, sink).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(DownloadHostError);
    expect((error as DownloadHostError).reason).toBe('unstable');
    expect((error as Error).message).toMatch(/contradicting its own ranges and length/);
    expect(events.filter((event) => event === 'reset')).toHaveLength(3);
    // Nothing of a store that keeps contradicting itself is worth keeping.
    expect(events.at(-1)).toBe('discard');
  });

  it('starts over when a resumed range does not start where it asked', async () => {
    const { sink, events } = recordingSink();
    const offsets: number[] = [];
    const answers = [
      response(200, { 'content-length': '10' }, '12345'), // cut short at 5 of 10
      response(206, { 'content-range': 'bytes 3-9/10' }, '4567890'), // not the 5 it asked for
      response(200, { 'content-length': '10' }, '1234567890'),
    ];
    const source: DownloadSource = {
      open: async (_url, { offset }) => {
        offsets.push(offset);
        const next = answers.shift();
        if (!next) throw new Error('asked too often');
        return next;
      },
    };
    const result = await run(source, sink);
    expect(offsets).toEqual([0, 5, 0]);
    expect(result.bytes).toBe(10);
    expect(events).toEqual(['begin 0', 'write 5', 'reset', 'begin 0', 'write 10']);
  });
});
