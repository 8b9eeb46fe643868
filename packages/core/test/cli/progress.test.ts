import { describe, expect, it } from 'vitest';
import { createProgressReporter } from '../../src/cli/progress.js';
import { formatBytes } from '../../src/protocol/format.js';
import { createRedactor } from '../../src/protocol/redact.js';

function reporter(isTTY: boolean) {
  let now = 0;
  const written: string[] = [];
  const progress = createProgressReporter(
    { isTTY, write: (text) => written.push(text) },
    createRedactor(['secret-token-123']),
    () => now,
  );
  return { progress, written, advance: (ms: number) => (now += ms) };
}

const waiting = (rawState: string, elapsedMs: number) =>
  ({
    type: 'waiting',
    kind: 'graph',
    gid: '42',
    rawState,
    outcome: 'waiting',
    elapsedMs,
    nextPollInMs: 2000,
  }) as const;

describe('progress on CI (not a terminal)', () => {
  it('prints state changes at once and repeats an unchanged state at most every 15 s', () => {
    const { progress, written, advance } = reporter(false);
    progress.onProgress(waiting('not_started', 0));
    advance(5_000);
    progress.onProgress(waiting('not_started', 5_000));
    advance(5_000);
    progress.onProgress(waiting('in_progress', 10_000));
    advance(14_000);
    progress.onProgress(waiting('in_progress', 24_000));
    advance(2_000);
    progress.onProgress(waiting('in_progress', 26_000));
    expect(written).toEqual([
      'Graph export job 42 is not_started after 0ms, next check in 2s\n',
      'Graph export job 42 is in_progress after 10s, next check in 2s\n',
      'Graph export job 42 is in_progress after 26s, next check in 2s\n',
    ]);
  });

  it('prints the first download chunk, then throttles', () => {
    const { progress, written, advance } = reporter(false);
    for (let i = 1; i <= 3; i++) {
      progress.onProgress({
        type: 'downloading',
        bytes: i * 1024 * 1024,
        totalBytes: 4 * 1024 * 1024,
        elapsedMs: i * 1000,
      });
      advance(1000);
    }
    expect(written).toEqual(['Downloaded 1.0 MiB of 4.0 MiB (25%) at 1.0 MiB/s\n']);
  });

  it('redacts whatever it prints', () => {
    const { progress, written } = reporter(false);
    progress.onProgress({
      type: 'retrying',
      what: 'GET /jobs/1',
      attempt: 1,
      delayMs: 1000,
      reason: 'failed with secret-token-123 at https://store.example/x?X-Amz-Signature=abc',
    });
    expect(written.join('')).not.toContain('secret-token-123');
    expect(written.join('')).not.toContain('X-Amz-Signature=abc');
  });
});

describe('progress on a terminal', () => {
  it('rewrites one live line and ends it when done', () => {
    const { progress, written, advance } = reporter(true);
    progress.onProgress({
      type: 'downloading',
      bytes: 1024,
      totalBytes: undefined,
      elapsedMs: 1000,
    });
    advance(300);
    progress.onProgress({
      type: 'downloading',
      bytes: 2048,
      totalBytes: undefined,
      elapsedMs: 1300,
    });
    progress.finish();
    expect(written[0]?.startsWith('\r\u001b[K')).toBe(true);
    expect(written.at(-1)).toBe('\n');
    expect(written.filter((text) => text.startsWith('\r'))).toHaveLength(2);
  });
});

it('formats sizes in binary units', () => {
  expect(formatBytes(512)).toBe('512 B');
  expect(formatBytes(1536)).toBe('1.5 KiB');
  expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GiB');
});
