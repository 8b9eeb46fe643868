import { openStore } from '../node/destination-store.js';
import { keptPartialBytes } from '../node/kept-partial.js';
import { type RunToFileResult, runExportToFile } from '../node/run-to-file.js';
import { type RunToStoreResult, runExportToStore } from '../node/run-to-store.js';
import { createNodeRuntime } from '../node/runtime.js';
import { AsanaExportError } from '../protocol/errors.js';
import { formatBytes, formatDuration } from '../protocol/format.js';
import { type ExportRequest, validateExportRequest, validateToken } from '../protocol/params.js';
import type { ObservedExport } from '../protocol/progress-text.js';
import { createRedactor, type Redactor } from '../protocol/redact.js';
import type { ExportStatus } from '../protocol/responses.js';
import { resumeAdvice } from '../protocol/resume.js';
import type { RunStart } from '../protocol/run.js';
import { printableLines } from '../protocol/text.js';
import { TOOL_VERSION } from '../protocol/version.js';
import { type ParsedCommand, parseCommandLine } from './args.js';
import { runCheck } from './check.js';
import { runDiff } from './diff.js';
import { EXIT_CODES, exitCodeFor } from './exit-codes.js';
import { helpText } from './help.js';
import { createProgressReporter } from './progress.js';
import { resumeCommand } from './resume-command.js';
import { type VerifyReport, verifyExportFile } from './verify.js';

export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly signal: AbortSignal;
}

/** Runs one command and returns the exit code. Never throws: every failure becomes a message. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let redact: Redactor = createRedactor([io.env.ASANA_TOKEN, ...storageSecrets(io.env)]);
  /** Every line on stderr is redacted, then escaped: nothing from outside can drive the terminal. */
  const say = (text: string) => io.stderr.write(`${printableLines(redact(text))}\n`);
  const printError = (error: unknown, verbose: boolean, resume?: string) => {
    if (error instanceof AsanaExportError) {
      say(`error: ${error.message}`);
      if (error.hint) say(`hint: ${error.hint}`);
      if (resume) say(`resume: ${resume}`);
      return exitCodeFor(error.category);
    }
    const detail =
      verbose && error instanceof Error ? (error.stack ?? error.message) : String(error);
    say(`unexpected error: ${detail}`);
    if (resume) say(`resume: ${resume}`);
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
  if (parsed.command === 'version') {
    io.stdout.write(`asana-export ${TOOL_VERSION}\n`);
    return EXIT_CODES.ok;
  }

  const verbose = parsed.verbose;
  let observed: ObservedExport | undefined;
  try {
    if (parsed.command === 'check') {
      // Needs no Asana token: it reads manifests, or latest.json with the storage credentials.
      const report = await runCheck(parsed, io.env, io.signal);
      if (!parsed.quiet) {
        for (const skipped of report.skipped) say(`skipped: ${skipped}`);
        say(`${report.fresh ? 'fresh' : 'stale'}: ${report.reason}`);
      }
      io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return report.fresh ? EXIT_CODES.ok : EXIT_CODES.stale;
    }
    if (parsed.command === 'diff') {
      // Needs no token either; with --to, the storage credentials the SDKs find.
      const outcome = await runDiff(parsed, io.env, io.signal);
      if (!parsed.quiet) for (const note of outcome.notes) say(note);
      io.stdout.write(outcome.output);
      return outcome.crossed.length > 0 ? EXIT_CODES.changesOverLimit : EXIT_CODES.ok;
    }
    if (parsed.command === 'load') {
      // Needs no token. Imported only now, as DuckDB is: no other command loads either.
      const { runLoad } = await import('./load.js');
      const outcome = await runLoad(parsed, io.signal);
      if (!parsed.quiet) for (const note of outcome.notes) say(note);
      io.stdout.write(`${JSON.stringify(outcome.result, null, 2)}\n`);
      return EXIT_CODES.ok;
    }
    if (parsed.command === 'verify') {
      // Needs no token: it only reads files.
      const report = await verifyExportFile(parsed);
      if (!parsed.quiet) say(verifySummary(report));
      io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return EXIT_CODES.ok;
    }
    // Everything the user gave is checked before the first request.
    const token = validateToken('ASANA_TOKEN', io.env.ASANA_TOKEN);
    redact = createRedactor([token, ...storageSecrets(io.env)]);
    const request =
      parsed.command === 'create' || (parsed.command === 'run' && parsed.request)
        ? validateExportRequest(parsed.request ?? {})
        : undefined;

    const reporter = createProgressReporter(
      {
        isTTY: io.stderr.isTTY === true,
        write: parsed.quiet ? () => {} : (text) => io.stderr.write(text),
      },
      redact,
      () => Date.now(),
    );
    observed = reporter.observed;
    const runtime = createNodeRuntime({
      token,
      requestTimeoutMs: parsed.requestTimeoutMs,
      onProgress: reporter.onProgress,
      ...(parsed.baseUrl ? { baseUrl: parsed.baseUrl } : {}),
      ...(verbose ? { onDebug: (event) => say(`debug: ${event.message}`) } : {}),
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
          if (parsed.destination !== undefined) {
            const { destination, settings, layout } = parsed.destination;
            const store = await openStore({
              destination,
              settings,
              names: { destination: '--to', region: '--s3-region', endpoint: '--s3-endpoint' },
              env: io.env,
              dispatcher: runtime.dispatcher,
              clock: runtime.clock,
              random: runtime.random,
              requestTimeoutMs: runtime.requestTimeoutMs,
            });
            const stored = await runExportToStore({
              runtime,
              start,
              store,
              prefix: destination.prefix,
              layout,
              destinationInputName: '--to',
              signal: io.signal,
              poll: parsed.poll,
              stall: parsed.stall,
              validateJson: parsed.validateJson,
              onProgress: reporter.onProgress,
              encryptTo: parsed.encryptTo,
              encryptToInputName: '--encrypt-to',
            });
            reporter.finish();
            if (!parsed.quiet) say(storeSummary(stored));
            io.stdout.write(`${JSON.stringify(stored.manifest, null, 2)}\n`);
            return EXIT_CODES.ok;
          }
          const result = await runExportToFile({
            runtime,
            start,
            outDir: parsed.outDir,
            outInputName: '--out',
            signal: io.signal,
            poll: parsed.poll,
            stall: parsed.stall,
            validateJson: parsed.validateJson,
            onProgress: reporter.onProgress,
            encryptTo: parsed.encryptTo,
            encryptToInputName: '--encrypt-to',
          });
          reporter.finish();
          const { manifest } = result;
          if (!parsed.quiet) say(runSummary(result));
          io.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
          return EXIT_CODES.ok;
        }
      }
    } finally {
      reporter.finish();
      await runtime.close();
    }
  } catch (error) {
    return printError(error, verbose, await resumeLine(parsed, error, observed));
  }
}

/** The object storage credentials the SDKs read from the environment: never printed. */
function storageSecrets(env: CliIo['env']): (string | undefined)[] {
  return [
    env.AWS_SECRET_ACCESS_KEY,
    env.AWS_SESSION_TOKEN,
    env.AZURE_STORAGE_KEY,
    env.AZURE_STORAGE_SAS_TOKEN,
    env.AZURE_STORAGE_CONNECTION_STRING,
  ];
}

/** The exact command that picks up an export a failed run left at Asana, if it left one. */
async function resumeLine(
  parsed: ParsedCommand,
  error: unknown,
  observed: ObservedExport | undefined,
): Promise<string | undefined> {
  if (
    parsed.command === 'help' ||
    parsed.command === 'version' ||
    parsed.command === 'verify' ||
    parsed.command === 'diff' ||
    parsed.command === 'check' ||
    parsed.command === 'load' ||
    observed === undefined
  ) {
    return undefined;
  }
  const advice = resumeAdvice(error, observed);
  if (advice === undefined) return undefined;
  const outDir = 'outDir' in parsed ? parsed.outDir : undefined;
  const encryptToWords = 'encryptToWords' in parsed ? parsed.encryptToWords : [];
  const kept =
    outDir === undefined
      ? 0
      : await keptPartialBytes(outDir, advice, { encrypted: encryptToWords.length > 0 });
  const destinationWords = 'destination' in parsed ? (parsed.destination?.words ?? []) : [];
  return resumeCommand(advice, {
    outDir: destinationWords.length > 0 ? undefined : outDir,
    destinationWords,
    baseUrl: parsed.baseUrl,
    keptBytes: kept,
    encryptToWords,
  });
}

/** What `run` and `download` say when the export is stored: where, and its hashes. */
function runSummary(result: RunToFileResult): string {
  const { manifest } = result;
  const verified =
    `Verified ${manifest.records.total} records, ${formatBytes(manifest.file.bytes)} ` +
    `in ${formatDuration(manifest.durationMs)}`;
  const encryption = manifest.encryption;
  if (encryption === undefined) {
    return `${verified}: ${result.filePath}\nsha256 ${manifest.file.sha256}; manifest ${result.manifestPath}`;
  }
  const recipients = `${encryption.recipients.length} recipient${encryption.recipients.length === 1 ? '' : 's'}`;
  return (
    `${verified}, stored encrypted to ${recipients}: ${result.filePath}\n` +
    `sha256 ${manifest.file.sha256} (content), ${encryption.file.sha256} (ciphertext); manifest ${result.manifestPath}`
  );
}

/** What `run --to` says: where the export is stored, its version, and its hashes. */
function storeSummary(result: RunToStoreResult): string {
  const { manifest } = result;
  const object = result.download.sink;
  const version = object.versionId === undefined ? '' : ` (version ${object.versionId})`;
  const stored = manifest.encryption?.file ?? manifest.file;
  return (
    `Verified ${manifest.records.total} records, ${formatBytes(manifest.file.bytes)} ` +
    `in ${formatDuration(manifest.durationMs)}, stored${manifest.encryption ? ' encrypted' : ''} in ${object.location}${version}\n` +
    `sha256 ${stored.sha256}; manifest ${result.keys.manifest}; latest ${result.keys.latest}`
  );
}

/** What `verify` says: what was checked, and plainly what was not. */
function verifySummary(report: VerifyReport): string {
  const against = report.manifest ? `; matches ${report.manifest}` : '; no manifest beside it';
  if (!report.contentChecked) {
    return (
      `Checked the ciphertext only: ${formatBytes(report.ciphertext?.bytes ?? 0)}, sha256 ${report.ciphertext?.sha256}${against}.\n` +
      `The content was not decrypted, so its records were not checked: run \`asana-export verify ${report.file} --identity KEY\` with the identity file of one of its recipients to check them.`
    );
  }
  const decrypted = report.encrypted ? 'Decrypted and verified' : 'Verified';
  return `${decrypted} ${report.records} records, ${formatBytes(report.bytes ?? 0)}, sha256 ${report.sha256}${against}`;
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
