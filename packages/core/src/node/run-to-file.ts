import { join, resolve } from 'node:path';
import type { ProgressListener } from '../protocol/events.js';
import { fileFormat } from '../protocol/kinds.js';
import type { PollPolicy } from '../protocol/polling.js';
import type { RetryPolicy } from '../protocol/retry.js';
import {
  defaultFileName,
  manifestFileName,
  type RunResult,
  type RunStart,
  runExport,
} from '../protocol/run.js';
import { assertFree, createFileSink, type VerifiedFile } from './file-sink.js';
import { writeJsonFileExclusive } from './json-file.js';
import type { NodeRuntime } from './runtime.js';

export interface RunToFileOptions {
  readonly runtime: NodeRuntime;
  readonly start: RunStart;
  /** Directory for the export file and its manifest; created when missing. */
  readonly outDir: string;
  /** Input name of `outDir` for messages (`--out`, `path`). */
  readonly outInputName?: string;
  readonly signal: AbortSignal;
  /** Parse every JSON Lines record while verifying (default true). */
  readonly validateJson?: boolean;
  readonly poll?: PollPolicy;
  readonly retry?: RetryPolicy;
  readonly onProgress?: ProgressListener;
}

export interface RunToFileResult extends RunResult<VerifiedFile> {
  readonly filePath: string;
  readonly manifestPath: string;
}

/**
 * `runExport` into a directory: the verified export file, then its manifest beside it. The
 * manifest is written last, so its presence means the export beside it is complete.
 */
export async function runExportToFile(options: RunToFileOptions): Promise<RunToFileResult> {
  const { runtime } = options;
  const outDir = resolve(options.outDir);
  const inputName = options.outInputName ?? 'out';
  let manifestPath = '';

  const result = await runExport<VerifiedFile>({
    client: runtime.client,
    source: runtime.source,
    clock: runtime.clock,
    random: runtime.random,
    signal: options.signal,
    start: options.start,
    ...(options.poll ? { poll: options.poll } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    openSink: async (status) => {
      const fileName = defaultFileName(status);
      manifestPath = join(outDir, manifestFileName(fileName));
      await assertFree(manifestPath, inputName);
      return createFileSink({
        path: join(outDir, fileName),
        inputName,
        format: fileFormat(status.kind),
        validateJson: options.validateJson ?? true,
      });
    },
  });
  await writeJsonFileExclusive(manifestPath, result.manifest, inputName);
  return { ...result, filePath: result.download.sink.path, manifestPath };
}
