// The streaming JSON validator against the native path, on the same bytes in memory: ~200 MB of
// task-like JSON Lines records, checked line by line with TextDecoder + JSON.parse (what
// RecordCounter does for lines of at most HOLD_LINE_BYTES) and with JsonRecordScanner (what it
// does for longer ones); then one ~256 MB line both ways, in a fresh process so that its memory
// figures are its own; then lines of sizes around HOLD_LINE_BYTES, for choosing it.
//
//   cd packages/core && pnpm run build && cd ../.. && node bench/json-scan.mjs [--mb 200] [--line-mb 256]
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { JsonRecordScanner } from '../packages/core/dist/protocol/json-scan.js';
import { HOLD_LINE_BYTES, RecordCounter } from '../packages/core/dist/protocol/records.js';
import { writeResults } from './lib/results.mjs';

const { values } = parseArgs({
  options: {
    mb: { type: 'string', default: '200' },
    'line-mb': { type: 'string', default: '256' },
    rounds: { type: 'string', default: '3' },
    'long-line-only': { type: 'boolean', default: false },
  },
});
const MB = 1e6;
const rounds = Number(values.rounds);
const encoder = new TextEncoder();
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

// ---- Realistic records: Asana-like tasks, mostly ASCII with some unicode, nested stories ----

let seed = 0x2545f491;
function random() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (items) => items[Math.floor(random() * items.length)];
const WORDS = [
  ...'the quarterly report review draft budget launch plan meeting notes follow up with team on design spec'.split(
    ' ',
  ),
  'Zoë',
  'café',
  'naïve',
  'Müller',
  '日本語',
  '✍️',
  '🚀',
  '—',
];
const words = (count) => Array.from({ length: count }, () => pick(WORDS)).join(' ');
let gid = 1_200_000_000_000_000;
const ref = (type, name) => ({ gid: String(gid++), resource_type: type, name });

function task() {
  return {
    gid: String(gid++),
    resource_type: 'task',
    resource_subtype: 'default_task',
    name: words(3 + Math.floor(random() * 8)),
    notes: words(Math.floor(random() * 120)),
    html_notes: `<body>${words(Math.floor(random() * 40))}</body>`,
    completed: random() < 0.4,
    completed_at: random() < 0.4 ? '2024-03-01T12:34:56.789Z' : null,
    created_at: '2024-01-15T09:00:00.000Z',
    modified_at: '2024-04-02T17:45:12.345Z',
    due_on: random() < 0.5 ? '2024-05-01' : null,
    assignee: random() < 0.8 ? ref('user', words(2)) : null,
    projects: Array.from({ length: 1 + Math.floor(random() * 3) }, () => ref('project', words(2))),
    tags: Array.from({ length: Math.floor(random() * 3) }, () => ref('tag', words(1))),
    num_likes: Math.floor(random() * 20),
    custom_fields: Array.from({ length: Math.floor(random() * 4) }, () => ({
      ...ref('custom_field', words(2)),
      type: 'number',
      number_value: Math.round(random() * 1e6) / 100,
      enabled: true,
    })),
    stories: Array.from({ length: Math.floor(random() * 6) }, () => ({
      gid: String(gid++),
      resource_type: 'story',
      created_at: '2024-02-10T08:30:00.000Z',
      created_by: ref('user', words(2)),
      type: 'comment',
      text: words(5 + Math.floor(random() * 30)),
    })),
  };
}

/** Records encoded straight into one buffer of about `bytes`, and where each line ends. */
function records(bytes) {
  const buffer = new Uint8Array(bytes + 1_000_000);
  const ends = [];
  let offset = 0;
  while (offset < bytes) {
    offset += encoder.encodeInto(JSON.stringify(task()), buffer.subarray(offset)).written;
    ends.push(offset);
    buffer[offset++] = 10;
  }
  return { buffer: buffer.subarray(0, offset), ends };
}

/** One task with enough stories for a line of about `bytes`, encoded straight into its buffer. */
function longLine(bytes) {
  const buffer = new Uint8Array(bytes + 1_000_000);
  const head = JSON.stringify({ ...task(), stories: [] }).slice(0, -2);
  let offset = encoder.encodeInto(head, buffer).written;
  let separator = '';
  while (offset < bytes) {
    const story = JSON.stringify({
      gid: String(gid++),
      resource_type: 'story',
      created_at: '2024-02-10T08:30:00.000Z',
      created_by: ref('user', words(2)),
      type: 'comment',
      text: words(5 + Math.floor(random() * 30)),
    });
    offset += encoder.encodeInto(`${separator}${story}`, buffer.subarray(offset)).written;
    separator = ',';
  }
  offset += encoder.encodeInto(']}', buffer.subarray(offset)).written;
  return buffer.subarray(0, offset);
}

// ---- Timing ----

function best(task) {
  let fastest = Number.POSITIVE_INFINITY;
  let value;
  for (let round = 0; round < rounds; round++) {
    gc();
    const started = performance.now();
    value = task();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return { ms: fastest, value };
}

const decoder = new TextDecoder('utf-8', { fatal: true });
const mbps = (bytes, ms) => bytes / MB / (ms / 1000);
const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const size = (bytes) =>
  bytes < 2 ** 20 ? `${(bytes / 1024).toFixed(0)} KiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const memory = () => {
  const usage = process.memoryUsage();
  return { rss: usage.rss, arrayBuffers: usage.arrayBuffers, heapUsed: usage.heapUsed };
};
const showMemory = (usage) =>
  `rss ${mib(usage.rss)}, arrayBuffers ${mib(usage.arrayBuffers)}, heapUsed ${mib(usage.heapUsed)}`;
/** The process's peak resident set so far. */
const peakRss = () => process.resourceUsage().maxRSS * 1024;
const PIECE = 256 * 1024;

/**
 * In its own process: the scanner over the line in 256 KiB pieces (as the inflater hands them
 * over) first, then TextDecoder + JSON.parse on it whole, with the peak RSS after each.
 */
function measureLongLine() {
  const long = longLine(Number(values['line-mb']) * MB);
  gc();
  const beforeScan = memory();
  const peakBeforeScan = peakRss();
  const scanned = best(() => {
    const scanner = new JsonRecordScanner();
    for (let offset = 0; offset < long.length; offset += PIECE) {
      scanner.push(long, offset, Math.min(long.length, offset + PIECE));
    }
    return scanner.end();
  });
  const afterScan = memory();
  const peakAfterScan = peakRss();
  if (!scanned.value.ok || scanned.value.resourceType !== 'task') {
    throw new Error(`long line: ${JSON.stringify(scanned.value)}`);
  }
  const parsed = best(() => JSON.parse(decoder.decode(long)).stories.length);
  const peakAfterParse = peakRss();
  return {
    bytes: long.length,
    parseMBps: mbps(long.length, parsed.ms),
    scanMBps: mbps(long.length, scanned.ms),
    ratio: parsed.ms / scanned.ms,
    beforeScan,
    afterScan,
    peakBeforeScan,
    peakAfterScan,
    peakAfterParse,
  };
}

if (values['long-line-only']) {
  process.stdout.write(JSON.stringify(measureLongLine()));
  process.exit(0);
}

console.error(`generating ${values.mb} MB of records...`);
const { buffer, ends } = records(Number(values.mb) * MB);
const figures = { rounds, holdLineBytes: HOLD_LINE_BYTES };

// (a) and (b) on the records, line by line, as RecordCounter sees them.
const parsed = best(() => {
  let types = 0;
  let start = 0;
  for (const end of ends) {
    const value = JSON.parse(decoder.decode(buffer.subarray(start, end)));
    if (typeof value.resource_type === 'string') types++;
    start = end + 1;
  }
  return types;
});
const scanner = new JsonRecordScanner();
const scanned = best(() => {
  let types = 0;
  let start = 0;
  for (const end of ends) {
    scanner.reset();
    scanner.push(buffer, start, end);
    const result = scanner.end();
    if (!result.ok) throw new Error(`line at ${start}: ${result.problem} at ${result.offset}`);
    if (result.resourceType !== undefined) types++;
    start = end + 1;
  }
  return types;
});
if (parsed.value !== ends.length || scanned.value !== ends.length) throw new Error('miscounted');
const counted = best(() => {
  const counter = new RecordCounter({ format: 'jsonl', validateJson: true });
  for (let offset = 0; offset < buffer.length; offset += PIECE) {
    counter.push(buffer.subarray(offset, offset + PIECE));
  }
  return counter.end().records;
});
if (counted.value !== ends.length) throw new Error('RecordCounter miscounted');
figures.records = {
  bytes: buffer.length,
  lines: ends.length,
  averageLineBytes: Math.round(buffer.length / ends.length),
  parseMBps: mbps(buffer.length, parsed.ms),
  scanMBps: mbps(buffer.length, scanned.ms),
  ratio: parsed.ms / scanned.ms,
  recordCounterMBps: mbps(buffer.length, counted.ms),
};

// Lines around HOLD_LINE_BYTES: each path's speed per size, and the heap one parse keeps live
// (the decoded string and the value), which is what holding a line costs beyond its bytes.
figures.sizes = [];
for (const bytes of [64 * 1024, 256 * 1024, HOLD_LINE_BYTES, 4 * HOLD_LINE_BYTES]) {
  const line = longLine(bytes);
  const times = Math.max(1, Math.round((64 * MB) / line.length));
  const parse = best(() => {
    for (let time = 0; time < times; time++) JSON.parse(decoder.decode(line));
  });
  const scan = best(() => {
    for (let time = 0; time < times; time++) {
      scanner.reset();
      scanner.push(line);
      scanner.end();
    }
  });
  gc();
  const before = process.memoryUsage().heapUsed;
  const text = decoder.decode(line);
  const value = JSON.parse(text);
  const live = process.memoryUsage().heapUsed - before;
  if (value.stories.length === 0 || text.length === 0) throw new Error('parse');
  figures.sizes.push({
    target: bytes,
    bytes: line.length,
    parseMBps: mbps(line.length * times, parse.ms),
    scanMBps: mbps(line.length * times, scan.ms),
    parsedHeapBytes: live,
  });
}

console.error(`a ${values['line-mb']} MB line, in a fresh process...`);
const child = spawnSync(
  process.execPath,
  [
    import.meta.filename,
    '--long-line-only',
    '--line-mb',
    values['line-mb'],
    '--rounds',
    values.rounds,
  ],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 },
);
if (child.status !== 0) throw new Error(`the long-line run failed (${child.status})`);
figures.longLine = JSON.parse(child.stdout);

const row = (cells) => `| ${cells.join(' | ')} |`;
const fixed = (number) => number.toFixed(0);
const { records: r, longLine: l } = figures;
const markdown = [
  `Node ${process.version}, best of ${rounds}; HOLD_LINE_BYTES = ${HOLD_LINE_BYTES}.`,
  '',
  row(['input', 'TextDecoder + JSON.parse', 'JsonRecordScanner', 'scanner speed-up']),
  row(['---', '---:', '---:', '---:']),
  row([
    `${fixed(r.bytes / MB)} MB, ${r.lines} records (avg ${r.averageLineBytes} B), per line`,
    `${fixed(r.parseMBps)} MB/s`,
    `${fixed(r.scanMBps)} MB/s`,
    `${r.ratio.toFixed(2)}×`,
  ]),
  row([
    `one ${fixed(l.bytes / MB)} MB line (scanner in 256 KiB pieces)`,
    `${fixed(l.parseMBps)} MB/s`,
    `${fixed(l.scanMBps)} MB/s`,
    `${l.ratio.toFixed(2)}×`,
  ]),
  '',
  `RecordCounter (jsonl, validateJson) over the records in 256 KiB chunks: ${fixed(r.recordCounterMBps)} MB/s.`,
  '',
  `Long line, its own process holding its ${mib(l.bytes)}:`,
  `- before the scan: ${showMemory(l.beforeScan)}, peak RSS so far ${mib(l.peakBeforeScan)}`,
  `- after the scan: ${showMemory(l.afterScan)}, peak RSS ${mib(l.peakAfterScan)}`,
  `- after TextDecoder + JSON.parse of it: peak RSS ${mib(l.peakAfterParse)}`,
  '',
  row(['line', 'TextDecoder + JSON.parse', 'JsonRecordScanner', 'heap live after one parse']),
  row(['---:', '---:', '---:', '---:']),
  ...figures.sizes.map((line) =>
    row([
      size(line.target),
      `${fixed(line.parseMBps)} MB/s`,
      `${fixed(line.scanMBps)} MB/s`,
      `${size(line.parsedHeapBytes)} (${(line.parsedHeapBytes / line.bytes).toFixed(1)}× the line)`,
    ]),
  ),
].join('\n');
console.log(markdown);
writeResults('json-scan', figures, markdown);
