import { runExportToFile } from '../node/run-to-file.js';
import { createNodeRuntime } from '../node/runtime.js';
import { AsanaExportError, InputError } from '../protocol/errors.js';
import { formatBytes } from '../protocol/format.js';
import { type ExportRequest, validateExportRequest } from '../protocol/params.js';
import { formatDuration } from '../protocol/polling.js';
import { createRedactor, type Redactor } from '../protocol/redact.js';
import type { ExportStatus } from '../protocol/responses.js';
import type { RunStart } from '../protocol/run.js';
import { type ParsedCommand, parseCommandLine } from './args.js';
import { EXIT_CODES, exitCodeFor } from './exit-codes.js';
import { helpText } from './help.js';
import { createProgressReporter } from './progress.js';
import { verifyExportFile } from './verify.js';

export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly signal: AbortSignal;
}

/** Runs one command and returns the exit code. Never throws: every failure becomes a message. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let redact: Redactor = createRedactor([io.env.ASANA_TOKEN]);
  const printError = (error: unknown, verbose: boolean) => {
    if (error instanceof AsanaExportError) {
      io.stderr.write(redact(`error: ${error.message}\n`));
      if (error.hint) io.stderr.write(redact(`hint: ${error.hint}\n`));
      return exitCodeFor(error.category);
    }
    const detail =
      verbose && error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.stderr.write(redact(`unexpected error: ${detail}\n`));
    return EXIT_CODES.unexpected;
  };

  let parsed: ParsedCommand;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    return printError(error, false);
  }
  if (parsed.command === 'help') {
    io.stdout.write(`${helpText(parsed.topic)}\n`);
    return EXIT_CODES.ok;
  }

  const verbose = parsed.verbose;
  try {
    if (parsed.command === 'verify') {
      // Needs no token: it only reads files.
      const report = await verifyExportFile(parsed);
      if (!parsed.quiet) {
        const against = report.manifest
          ? `; matches ${report.manifest}`
          : '; no manifest beside it';
        io.stderr.write(
          `Verified ${report.records} records, ${formatBytes(report.bytes)}, sha256 ${report.sha256}${against}\n`,
        );
      }
      io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return EXIT_CODES.ok;
    }
    const token = io.env.ASANA_TOKEN?.trim();
    if (!token) {
      throw new InputError(
        'ASANA_TOKEN',
        'is not set',
        'Export ASANA_TOKEN with a personal access token or a service account token.',
      );
    }
    redact = createRedactor([token]);
    // Everything the user typed is checked before the first request.
    const request =
      parsed.command === 'create' || (parsed.command === 'run' && parsed.request)
        ? validateExportRequest(parsed.request ?? {})
        : undefined;

    const reporter = createProgressReporter(
      { isTTY: io.stderr.isTTY === true, write: (text) => io.stderr.write(text) },
      redact,
      () => Date.now(),
    );
    const runtime = createNodeRuntime({
      token,
      ...(parsed.baseUrl ? { baseUrl: parsed.baseUrl } : {}),
      ...(parsed.quiet ? {} : { onProgress: reporter.onProgress }),
      ...(verbose
        ? { onDebug: (event) => io.stderr.write(redact(`debug: ${event.message}\n`)) }
        : {}),
    });
    try {
      switch (parsed.command) {
        case 'create': {
          if (!request) throw new Error('unreachable: create without a request');
          const status = await runtime.client.create(request, io.signal, { poll: parsed.poll });
          io.stdout.write(`${JSON.stringify(describeStatus(status), null, 2)}\n`);
          return EXIT_CODES.ok;
        }
        case 'status': {
          const status = await runtime.client.status(parsed, io.signal);
          io.stdout.write(`${JSON.stringify(describeStatus(status), null, 2)}\n`);
          return EXIT_CODES.ok;
        }
        case 'run':
        case 'download': {
          const start = startOf(parsed, request);
          const result = await runExportToFile({
            runtime,
            start,
            outDir: parsed.outDir,
            outInputName: '--out',
            signal: io.signal,
            poll: parsed.poll,
            validateJson: parsed.validateJson,
            ...(parsed.quiet ? {} : { onProgress: reporter.onProgress }),
          });
          reporter.finish();
          const { manifest } = result;
          if (!parsed.quiet) {
            io.stderr.write(
              redact(
                `Verified ${manifest.records.total} records, ${formatBytes(manifest.file.bytes)} ` +
                  `in ${formatDuration(manifest.durationMs)}: ${result.filePath}\n` +
                  `sha256 ${manifest.file.sha256}; manifest ${result.manifestPath}\n`,
              ),
            );
          }
          io.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
          return EXIT_CODES.ok;
        }
      }
    } finally {
      reporter.finish();
      await runtime.close();
    }
  } catch (error) {
    return printError(error, verbose);
  }
}

/** `run` creates unless told to resume; `download` always resumes the export it names. */
function startOf(
  parsed: Extract<ParsedCommand, { command: 'run' | 'download' }>,
  request: ExportRequest | undefined,
): RunStart {
  if (parsed.command === 'download') return { resume: { kind: parsed.kind, gid: parsed.gid } };
  if (request) return { request };
  if (parsed.resume) return { resume: parsed.resume };
  throw new Error('unreachable: run without a request or --resume');
}

/** What `create` and `status` print. The download link is a secret and is left out. */
function describeStatus(status: ExportStatus) {
  return {
    kind: status.kind,
    gid: status.gid,
    exportGid: status.exportGid,
    state: status.rawState,
    outcome: status.outcome,
    createdAt: status.createdAt,
    completedAt: status.completedAt,
    organization: status.organization,
    hasDownloadUrl: status.downloadUrl !== null,
  };
}
