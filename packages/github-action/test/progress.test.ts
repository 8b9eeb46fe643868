import { createRedactor } from '@asana-exports/core/node';
import { describe, expect, it } from 'vitest';
import { createProgressLog, QUIET_INTERVAL_MS } from '../src/progress.js';

describe('the progress log', () => {
  it('logs state changes at once and otherwise at most every 30 s', () => {
    let now = 0;
    const lines: string[] = [];
    const log = createProgressLog(
      (line) => lines.push(line),
      createRedactor(['secret-token-123']),
      () => now,
    );
    const waiting = (rawState: string, elapsedMs: number) =>
      log.onProgress({
        type: 'waiting',
        kind: 'resource',
        gid: '1200000000000012',
        rawState,
        outcome: 'waiting',
        elapsedMs,
        nextPollInMs: 5_000,
      });

    log.onProgress({
      type: 'created',
      kind: 'resource',
      gid: '1200000000000012',
      rawState: 'not_started',
    });
    waiting('in_progress', 2_000);
    for (now = 5_000; now < QUIET_INTERVAL_MS + 2_000; now += 5_000) waiting('in_progress', now);
    expect(lines).toEqual([
      'Created resource export job 1200000000000012 (not_started)',
      'Resource export job 1200000000000012 is in_progress after 2s, next check in 5s',
      'Resource export job 1200000000000012 is in_progress after 30s, next check in 5s',
    ]);
    expect(log.observed).toEqual({
      kind: 'resource',
      gid: '1200000000000012',
      rawState: 'in_progress',
    });

    log.onProgress({ type: 'downloading', bytes: 1024, totalBytes: 4096, elapsedMs: 1_000 });
    log.onProgress({ type: 'downloading', bytes: 2048, totalBytes: 4096, elapsedMs: 2_000 });
    log.onProgress({
      type: 'retrying',
      what: 'GET /jobs/1',
      attempt: 1,
      delayMs: 2_000,
      reason: '503',
    });
    log.onProgress({
      type: 'retrying',
      what: 'GET /jobs/1',
      attempt: 2,
      delayMs: 4_000,
      reason:
        'secret-token-123 refused at https://s3.example/x?X-Amz-Signature=abc\n::error::forged',
    });
    expect(lines.slice(3)).toEqual([
      'Downloaded 1.0 KiB of 4.0 KiB (25%) at 1.0 KiB/s',
      'GET /jobs/1: 503; retry 1 in 2s',
      'GET /jobs/1: *** refused at https://s3.example/x?REDACTED\\n::error::forged; retry 2 in 4s',
    ]);
  });
});
