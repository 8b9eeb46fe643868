/**
 * The action, start to finish: inputs → core run (create or resume, wait, download, verify,
 * manifest) → artifact → outputs and job summary. The export logic lives in the core; this file
 * only translates between it and GitHub Actions.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ArtifactClient } from '@actions/artifact';
import * as core from '@actions/core';
import {
  createNodeRuntime,
  createRedactor,
  type DestinationInputs,
  describeCrossed,
  formatBytes,
  formatDuration,
  InputError,
  type Manifest,
  type ObjectReader,
  type ObjectStore,
  openStore,
  printableLines,
  type Redactor,
  type RunStart,
  runExportToFile,
  runExportToStore,
  type StorePlace,
} from '@asana-exports/core/node';
import {
  artifactNamesInRun,
  artifactUrl,
  createArtifactClient,
  uploadFiles,
  uploadUnderFreeName,
} from './artifacts.js';
import { githubIdTokenAssertion } from './azure-oidc.js';
import { isCheckOnly, readCheckOnlyInputs } from './check-inputs.js';
import { runCheckOnly } from './check-only.js';
import { type ComparisonOutcome, compareWithLastRun } from './compare.js';
import { compareAtDestination } from './compare-destination.js';
import { describeFailedLimits, type RunPoint } from './compare-summary.js';
import { decompressBeside } from './decompress.js';
import { type InstalledDuckDB, installDuckDB } from './duckdb-install.js';
import { leftRunning, type RunProgress, reportFailure } from './failure.js';
import { getVisibility } from './github.js';
import {
  forgetPending,
  type GitHubAccess,
  type History,
  keepHistory,
  lazyGitHub,
  planStart,
  recordPending,
  resumeStart,
} from './history.js';
import { readRequestTimeout } from './input-values.js';
import { type ActionInputs, readInputs } from './inputs.js';
import { defaultArtifactName, isExportArtifactName, requestSubject, subjectGid } from './names.js';
import { type ParquetTables, writeParquetBeside } from './parquet.js';
import { storeParquetBeside } from './parquet-destination.js';
import {
  forgetPendingAtDestination,
  type PendingPlace,
  pendingAtDestination,
  recordPendingAtDestination,
} from './pending-destination.js';
import { createProgressLog, type ProgressLog } from './progress.js';
import { sinceAtDestination } from './since-destination.js';
import { messageOf, StepError } from './step-error.js';
import { addSuccess, type SinceFacts, writeSummary } from './summary.js';
import { guardPublicArtifacts, readVisibility, visibilityFromEvent } from './visibility.js';

export interface RunContext {
  readonly env: NodeJS.ProcessEnv;
  /** Aborted when the runner cancels the job. */
  readonly signal: AbortSignal;
}

/**
 * The export artifact's zip stores the `.gz` as is: deflating it again took 3× as long and made
 * it slightly larger (bench/upload-modes.bench-test.ts).
 */
export const EXPORT_COMPRESSION_LEVEL = 0;
/**
 * With `decompress` the zip also holds the uncompressed JSON: level 1 shrinks it about as much as
 * the default 6 (2.19× vs 2.00× the .gz) in 70% of the time.
 */
export const DECOMPRESSED_COMPRESSION_LEVEL = 1;

export async function run(context: RunContext): Promise<void> {
  // Masked before anything else can print them.
  const token = core.getInput('asana-token').trim();
  if (token !== '') core.setSecret(token);
  const githubToken = core.getInput('github-token').trim();
  if (githubToken !== '') core.setSecret(githubToken);
  // What aws-actions/configure-aws-credentials and the Azure tools put in the environment.
  const storage = STORAGE_SECRETS.map((name) => context.env[name]?.trim() ?? '').filter(Boolean);
  for (const secret of storage) core.setSecret(secret);
  const redact = createRedactor([token, githubToken, ...storage]);

  const startedAt = new Date();
  // Lines come redacted and printable: a state value with a newline in it cannot start a
  // workflow command.
  const log = createProgressLog((line) => core.info(line), redact, Date.now);
  const progress: RunProgress = {
    inputs: undefined,
    file: undefined,
    asanaContacted: false,
    nextRun: undefined,
  };
  const read = (name: string) => core.getInput(name);
  try {
    if (isCheckOnly(read)) {
      await runCheckOnly(readCheckOnlyInputs(read), {
        env: context.env,
        signal: context.signal,
        redact,
        requestTimeoutMs: readRequestTimeout((name) => read(name).trim()),
      });
      return;
    }
    const inputs = readInputs(read, startedAt);
    progress.inputs = inputs;
    await exportAndStore(inputs, { context, redact, log, startedAt, progress });
  } catch (error) {
    await reportFailure(error, { redact, observed: log.observed, startedAt, progress });
  }
}

interface Session {
  readonly context: RunContext;
  readonly redact: Redactor;
  readonly log: ProgressLog;
  readonly startedAt: Date;
  readonly progress: RunProgress;
}

/** Object storage credentials the SDKs read from the environment: masked, never printed. */
const STORAGE_SECRETS = [
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AZURE_STORAGE_KEY',
  'AZURE_STORAGE_SAS_TOKEN',
  'AZURE_STORAGE_CONNECTION_STRING',
  'AZURE_CLIENT_SECRET',
  // What the runner gives a job with id-token: write, to ask for OIDC tokens.
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
];

async function exportAndStore(inputs: ActionInputs, session: Session): Promise<void> {
  if (inputs.destination !== undefined) {
    await exportToDestination(inputs, inputs.destination, session);
    return;
  }
  const { context, redact, log, startedAt } = session;
  const artifacts = createArtifactClient();
  const github = inputs.githubToken
    ? lazyGitHub(inputs.githubToken, context.env, redact)
    : undefined;

  // Whether the export can be stored at all, and under the name asked for, is checked before
  // Asana is asked for anything: finding out after hours of waiting would be too late.
  const taken = await artifactNamesInRun(artifacts).catch((error: unknown) => {
    throw new StepError(
      `Cannot store artifacts in this run: ${messageOf(error)}`,
      'The action stores exports as artifacts of the workflow run: run it in a GitHub Actions job on github.com or GHE.com (GitHub Enterprise Server is not supported by @actions/artifact 2+).',
    );
  });
  if (inputs.artifactName !== undefined) {
    if (taken.has(inputs.artifactName)) {
      throw new InputError(
        'artifact-name',
        `this run already has an artifact named ${JSON.stringify(inputs.artifactName)}`,
        'Artifact names must be unique within a run: give each step its own artifact-name.',
      );
    }
  }

  await guardVisibility(inputs, context.env, github);
  const planned = await planStart(inputs, context.env, github, artifacts);
  const { start, since, history } = planned;
  for (const warning of planned.warnings) core.warning(printableLines(redact(warning)));
  // Before Asana is asked for anything: a registry the runner cannot reach fails the step now,
  // not after the export.
  const duckdb = inputs.parquet ? await installDuckDBFor(context) : undefined;
  const outDir = await mkdtemp(join(context.env.RUNNER_TEMP || tmpdir(), 'asana-export-'));
  const runtime = runtimeFor(inputs, session);
  let result: Awaited<ReturnType<typeof runExportToFile>>;
  session.progress.asanaContacted = true;
  try {
    result = await runExportToFile({
      runtime,
      start,
      outDir,
      outInputName: 'RUNNER_TEMP',
      signal: context.signal,
      poll: inputs.poll,
      stall: inputs.stall,
      onProgress: log.onProgress,
      ...(inputs.encryptTo === undefined
        ? {}
        : { encryptTo: inputs.encryptTo, encryptToInputName: 'encrypt-to' }),
    });
  } catch (error) {
    const ref = leftRunning(error, log.observed, inputs);
    if (ref !== undefined) {
      session.progress.nextRun = await recordPending(inputs, history, artifacts, {
        ref,
        startedAt,
        stateDir: outDir,
      });
    } else if (history?.decision.type === 'resume' && github) {
      // The export it was resuming cannot be picked up any more (Asana failed it, or no longer
      // knows it): without its record, the next run starts a new export instead of this again.
      session.progress.nextRun = await forgetPending(history.decision.pending.artifactId, github);
    }
    // The runner empties RUNNER_TEMP after the job and a resume runs in a later job: bytes kept
    // here for one would only take the next steps' space.
    await rm(outDir, { recursive: true, force: true });
    throw error;
  } finally {
    await runtime.close();
  }
  const { manifest } = result;
  session.progress.file = result.filePath;
  core.info(
    redact(
      `Verified ${manifest.records.total} records, ${formatBytes(manifest.file.bytes)}, ` +
        `sha256 ${manifest.file.sha256}, in ${formatDuration(manifest.durationMs)}`,
    ),
  );
  if (manifest.encryption) {
    core.info(
      `Stored encrypted with age to ${manifest.encryption.recipients.length} recipient(s): ` +
        `${manifest.encryption.file.name}, ${formatBytes(manifest.encryption.file.bytes)}, sha256 ${manifest.encryption.file.sha256}`,
    );
  }
  setExportOutputs(manifest, result.filePath);

  const files = [result.filePath, result.manifestPath];
  if (inputs.decompress) {
    const decompressed = await decompressBeside(result.filePath);
    core.setOutput('decompressed-file', decompressed);
    files.push(decompressed);
  }
  const parquet =
    duckdb === undefined
      ? undefined
      : await parquetBeside(
          () =>
            writeParquetBeside(result.filePath, { duckdb: duckdb.import, signal: context.signal }),
          session,
        );
  if (parquet?.type === 'written') files.push(...parquet.tables.files);

  const comparison = await compareBeforeUpload(inputs, history, github, {
    artifacts,
    manifest,
    filePath: result.filePath,
    manifestPath: result.manifestPath,
    outDir,
    tempDir: context.env.RUNNER_TEMP || tmpdir(),
    signal: context.signal,
  });
  if (comparison?.type === 'compared' && comparison.reportPath !== undefined) {
    files.push(comparison.reportPath);
  }

  // A resumed export's manifest may not name its target; the step's own inputs do.
  const subject = inputs.baseRequest ? requestSubject(inputs.baseRequest) : subjectGid(manifest);
  const upload = (name: string) =>
    core.group(`Storing artifact ${name}`, () =>
      uploadFiles(artifacts, {
        name,
        files,
        rootDirectory: outDir,
        retentionDays: inputs.retentionDays,
        compressionLevel: inputs.decompress
          ? DECOMPRESSED_COMPRESSION_LEVEL
          : EXPORT_COMPRESSION_LEVEL,
      }),
    );
  const stored = await (inputs.artifactName === undefined
    ? uploadUnderFreeName(
        upload,
        defaultArtifactName(manifest.kind, subject, startedAt),
        await artifactNamesInRun(artifacts),
      )
    : upload(inputs.artifactName)
  ).catch((error: unknown) => {
    throw new StepError(
      `Could not store the verified export as an artifact: ${messageOf(error)}`,
      `The verified file is still on the runner (output file: ${result.filePath}); a later step of this job can keep it. Otherwise run the job again.`,
    );
  });
  const url = artifactUrl(context.env, stored.id);
  core.setOutput('artifact-id', stored.id);
  core.setOutput('artifact-name', stored.name);
  core.setOutput('artifact-url', url ?? '');
  core.info(`Stored artifact ${stored.name} (id ${stored.id}, ${formatBytes(stored.size)})`);

  const kept = await core.group('Keeping history for later runs', () =>
    keepHistory(inputs, history, session, {
      artifacts,
      github,
      manifest,
      stored,
      stateDir: outDir,
      isExportName: (name) =>
        isExportArtifactName(name, {
          artifactName: inputs.artifactName,
          kind: manifest.kind,
          subject,
        }),
    }),
  );
  for (const warning of kept.warnings) core.warning(printableLines(redact(warning)));
  const warnings = [
    ...planned.warnings,
    ...(parquet?.type === 'written' ? parquet.tables.warnings : []),
    ...kept.warnings,
  ];
  if (comparison !== undefined) reportComparison(comparison, redact);

  await writeSummary(redact, (summary) =>
    addSuccess(summary, {
      manifest,
      artifact: { ...stored, url },
      since,
      decompressed: inputs.decompress,
      chain: kept.chain,
      warnings,
      ...(parquet?.type === 'written' ? { parquet: parquet.tables.tables } : {}),
      ...(comparison === undefined
        ? {}
        : { comparison: { outcome: comparison, recent: recentRuns(history, manifest) } }),
    }),
  );
  if (parquet?.type === 'failed') {
    core.setFailed(
      printableLines(
        redact(
          `parquet: the Parquet tables could not be made: ${parquet.message}. The export is stored all the same (artifact ${stored.name}); make the tables from it with asana-export load EXPORT --duckdb FILE --parquet DIR.`,
        ),
      ),
    );
  }
  // Only now, with the export and the state stored: the next run compares against this one.
  if (comparison?.type === 'compared' && comparison.failed.length > 0) {
    core.setFailed(
      `The change report crosses fail-on: ${describeFailedLimits(comparison.failed)}. ` +
        `The export is stored all the same (artifact ${stored.name}); look at what changed in Asana, in the job summary and ${comparison.reportName}.`,
    );
  }
}

async function installDuckDBFor(context: RunContext): Promise<InstalledDuckDB> {
  return core.group('Installing DuckDB for parquet', () =>
    installDuckDB({
      // Copied beside the bundle by scripts/bundle.mjs: dist/duckdb/.
      lockDir: join(dirname(fileURLToPath(import.meta.url)), 'duckdb'),
      env: context.env,
      signal: context.signal,
      log: (line) => core.info(line),
    }),
  );
}

type ParquetOutcome =
  | { readonly type: 'written'; readonly tables: ParquetTables }
  | { readonly type: 'failed'; readonly message: string };

/**
 * `parquet: true`, after the export is verified. A failure here does not lose the export: it is
 * stored without the tables, and the step fails after the upload (like fail-on).
 */
async function parquetBeside(
  make: () => Promise<ParquetTables>,
  session: Session,
): Promise<ParquetOutcome> {
  const { context, redact } = session;
  try {
    const tables = await core.group('Writing Parquet tables', make);
    for (const warning of tables.warnings) core.warning(printableLines(redact(warning)));
    const names = tables.files.map((file) => basename(file));
    core.setOutput('parquet-files', JSON.stringify(names));
    core.info(`Parquet: ${names.length} tables (${names.join(', ')})`);
    return { type: 'written', tables };
  } catch (error) {
    if (context.signal.aborted) throw error;
    return { type: 'failed', message: messageOf(error) };
  }
}

/** `compare: last-run`, between the verified file and the artifact upload (compare.ts). */
async function compareBeforeUpload(
  inputs: ActionInputs,
  history: History | undefined,
  github: GitHubAccess | undefined,
  files: {
    readonly artifacts: ArtifactClient;
    readonly manifest: Manifest;
    readonly filePath: string;
    readonly manifestPath: string;
    readonly outDir: string;
    readonly tempDir: string;
    readonly signal: AbortSignal;
  },
): Promise<ComparisonOutcome | undefined> {
  if (inputs.compare === undefined) return undefined;
  if (history === undefined || github === undefined) {
    return { type: 'skipped', reason: 'this run reads no state of earlier runs', warn: false };
  }
  const compare = inputs.compare;
  return core.group('Comparing with the last run', () =>
    compareWithLastRun({
      compare,
      stored: history.stored,
      artifacts: files.artifacts,
      repository: github().repository,
      githubToken: inputs.githubToken ?? '',
      newer: { path: files.filePath, manifestPath: files.manifestPath, manifest: files.manifest },
      outDir: files.outDir,
      tempDir: files.tempDir,
      signal: files.signal,
    }),
  );
}

/** Outputs and log lines of a comparison; the summary and `fail-on` come after the upload. */
function reportComparison(comparison: ComparisonOutcome, redact: Redactor): void {
  if (comparison.type === 'skipped') {
    const line = `No comparison with the last run: ${comparison.reason}.`;
    if (comparison.warn) core.warning(printableLines(redact(line)));
    else core.info(redact(line));
    return;
  }
  const { totals } = comparison.report;
  core.setOutput('added', totals.added);
  core.setOutput('removed', totals.removed);
  core.setOutput('changed', totals.changed);
  core.setOutput(
    comparison.reportIn === 'artifact' ? 'changes-file' : 'changes-key',
    comparison.reportName,
  );
  // Made printable where it was read (a state file, a store's listing): outside text.
  core.info(
    `Since the last run (${comparison.base.name}): ${totals.added} added, ${totals.removed} removed, ${totals.changed} changed, ${totals.unchanged} unchanged`,
  );
  for (const crossed of comparison.warned) {
    core.warning(`The change report crosses warn-on: ${describeCrossed(crossed)}`);
  }
}

/** The chart's points, oldest first: the runs the states describe, then this one. */
function recentRuns(history: History | undefined, manifest: Manifest): RunPoint[] {
  const earlier = (history?.stored ?? []).map(({ state }) => ({
    at: state.manifest.completedAt ?? state.watermark,
    records: state.manifest.records.total,
  }));
  return [
    ...earlier.reverse(),
    { at: manifest.completedAt ?? manifest.downloadedAt, records: manifest.records.total },
  ];
}

/**
 * `destination`: the export streams into the user's bucket or container, published only once
 * verified, with its manifest beside it (`runExportToStore`). No artifact, and so no public-
 * repository guard: who can read the bucket is the bucket's policy, not the repository's.
 */
async function exportToDestination(
  inputs: ActionInputs,
  destination: DestinationInputs,
  session: Session,
): Promise<void> {
  const { context, redact, log } = session;
  const runtime = runtimeFor(inputs, session);
  let result: Awaited<ReturnType<typeof runExportToStore>>;
  let comparison: ComparisonOutcome | undefined;
  let since: SinceFacts | undefined;
  const warnings: string[] = [];
  let parquet: ParquetOutcome | undefined;
  // Before Asana is asked for anything, as without a destination.
  const duckdb = inputs.parquet ? await installDuckDBFor(context) : undefined;
  const place: StorePlace = {
    destination: destination.destination,
    settings: destination.settings,
    names: { destination: 'destination', region: 's3-region', endpoint: 's3-endpoint' },
    env: context.env,
    requestTimeoutMs: runtime.requestTimeoutMs,
    // A fresh GitHub ID token for each Azure token: no one-hour limit on a long export.
    azureClientAssertion: githubIdTokenAssertion(context.env),
  };
  let pending: PendingPlace | undefined;
  let resumed = false;
  try {
    // Credentials are found, and the store probed, before anything is asked of Asana.
    const store = await openStore({
      ...place,
      dispatcher: runtime.dispatcher,
      clock: runtime.clock,
      random: runtime.random,
    });
    const { baseRequest } = inputs;
    pending =
      baseRequest === undefined
        ? undefined
        : { store, prefix: destination.destination.prefix, baseRequest };
    const planned = await planAtDestination(inputs, store, destination, pending, context.signal);
    since = planned.since;
    resumed = planned.resumed;
    warnings.push(...planned.warnings);
    result = await runExportToStore({
      runtime,
      start: planned.start,
      // A pending record is this step's own: its request names the target to store it under.
      ...(planned.resumed ? { resumedRequest: baseRequest } : {}),
      store,
      prefix: destination.destination.prefix,
      layout: destination.layout,
      destinationInputName: 'destination',
      signal: context.signal,
      poll: inputs.poll,
      stall: inputs.stall,
      onProgress: log.onProgress,
      onStoreReady: () => {
        session.progress.asanaContacted = true;
      },
      ...(inputs.encryptTo === undefined
        ? {}
        : { encryptTo: inputs.encryptTo, encryptToInputName: 'encrypt-to' }),
    });
    const compare = inputs.compare;
    if (compare !== undefined) {
      const published = result;
      comparison = await core.group('Comparing with the export stored before', () =>
        compareAtDestination({
          compare,
          store,
          place,
          prefix: destination.destination.prefix,
          layout: destination.layout,
          kind: published.manifest.kind,
          target: inputs.baseRequest
            ? requestSubject(inputs.baseRequest)
            : subjectGid(published.manifest),
          manifest: published.manifest,
          exportKey: published.keys.file,
          latestUpdated: published.latestUpdated,
          tempDir: context.env.RUNNER_TEMP || tmpdir(),
          signal: context.signal,
        }),
      );
    }
    if (duckdb !== undefined) {
      const published = result;
      parquet = await parquetBeside(
        () =>
          storeParquetBeside({
            store,
            exportKey: published.keys.file,
            fileName: published.manifest.file.name,
            duckdb: duckdb.import,
            tempDir: context.env.RUNNER_TEMP || tmpdir(),
            signal: context.signal,
            clock: runtime.clock,
          }),
        session,
      );
      if (parquet.type === 'written') warnings.push(...parquet.tables.warnings);
    }
  } catch (error) {
    // Before the runtime closes: the store's requests go through its dispatcher.
    if (pending !== undefined) {
      session.progress.nextRun = await pendingAfterFailure(error, inputs, session, {
        pending,
        resumed,
        modifiedAfter: since?.after,
        timeoutMs: inputs.requestTimeoutMs,
      });
    }
    throw error;
  } finally {
    await runtime.close();
  }
  const { manifest } = result;
  const object = result.download.sink;
  const version = object.versionId === undefined ? '' : ` (version ${object.versionId})`;
  core.info(
    redact(
      `Verified ${manifest.records.total} records, ${formatBytes(manifest.file.bytes)}, ` +
        `sha256 ${manifest.file.sha256}, in ${formatDuration(manifest.durationMs)}; ` +
        `stored${manifest.encryption ? ' encrypted' : ''} in ${object.location}${version}`,
    ),
  );
  setExportOutputs(manifest, '');
  core.setOutput('object-url', object.url);
  core.setOutput('object-key', object.key);
  core.setOutput('version-id', object.versionId ?? '');
  core.setOutput('manifest-key', result.keys.manifest);
  core.setOutput('latest-key', result.latestUpdated ? result.keys.latest : '');
  for (const warning of warnings) core.warning(printableLines(redact(warning)));
  if (comparison !== undefined) reportComparison(comparison, redact);
  await writeSummary(redact, (summary) =>
    addSuccess(summary, {
      manifest,
      artifact: {
        location: object.location,
        versionId: object.versionId,
        manifestKey: result.keys.manifest,
      },
      since,
      decompressed: false,
      chain: undefined,
      warnings,
      ...(parquet?.type === 'written' ? { parquet: parquet.tables.tables } : {}),
      ...(comparison === undefined
        ? {}
        : { comparison: { outcome: comparison, recent: storedRuns(comparison, manifest) } }),
    }),
  );
  if (parquet?.type === 'failed') {
    core.setFailed(
      printableLines(
        redact(
          `parquet: the Parquet tables could not be made: ${parquet.message}. The export is stored all the same (${object.location}); make the tables from it with asana-export load EXPORT --duckdb FILE --parquet DIR.`,
        ),
      ),
    );
  }
  if (comparison?.type === 'compared' && comparison.failed.length > 0) {
    core.setFailed(
      `The change report crosses fail-on: ${describeFailedLimits(comparison.failed)}. ` +
        `The export is stored all the same (${object.location}); look at what changed in Asana, in the job summary and ${comparison.reportName}.`,
    );
  }
}

/**
 * After a run with a destination failed, as the artifact path does with its state artifact: an
 * export left running at Asana is recorded for the next run (a resumed one's record stands as it
 * is); a resumed export that failed for good is forgotten, so the next run starts a new one.
 */
async function pendingAfterFailure(
  error: unknown,
  inputs: ActionInputs,
  session: Session,
  args: {
    readonly pending: PendingPlace;
    readonly resumed: boolean;
    readonly modifiedAfter: string | undefined;
    readonly timeoutMs: number;
  },
): Promise<string | undefined> {
  const ref = leftRunning(error, session.log.observed, inputs);
  if (ref === undefined) {
    return args.resumed ? forgetPendingAtDestination(args.pending, args.timeoutMs) : undefined;
  }
  if (!inputs.resumePending) return undefined;
  if (args.resumed) return 'The next run of this step resumes it again.';
  const recorded = await recordPendingAtDestination(
    args.pending,
    {
      ref,
      startedAt: session.startedAt,
      ...(args.modifiedAfter === undefined ? {} : { modifiedAfter: args.modifiedAfter }),
    },
    args.timeoutMs,
  );
  if (recorded.warning !== undefined) {
    core.warning(printableLines(session.redact(recorded.warning)));
  }
  return recorded.nextRun;
}

/**
 * What a run with a destination exports: the export an earlier run of this step left running
 * (pending-destination.ts), else what planSinceAtDestination says.
 */
async function planAtDestination(
  inputs: ActionInputs,
  store: ObjectStore & ObjectReader,
  destination: DestinationInputs,
  pending: PendingPlace | undefined,
  signal: AbortSignal,
): Promise<{
  start: RunStart;
  since: SinceFacts | undefined;
  warnings: string[];
  resumed: boolean;
}> {
  const decided =
    pending === undefined
      ? undefined
      : await pendingAtDestination(pending, inputs.resumePending, Date.now(), signal);
  if (decided?.type === 'resume') {
    return { ...resumeStart(decided.ref, decided.after), warnings: [], resumed: true };
  }
  const planned = await planSinceAtDestination(inputs, store, destination, signal);
  const warning = decided?.warning;
  return {
    ...planned,
    warnings: warning === undefined ? planned.warnings : [warning, ...planned.warnings],
    resumed: false,
  };
}

/**
 * What a run with a destination exports: as the inputs say, or with `since: last-run` from the
 * destination's latest export of the target (since-destination.ts), read before Asana is asked.
 */
async function planSinceAtDestination(
  inputs: ActionInputs,
  store: ObjectStore & ObjectReader,
  destination: DestinationInputs,
  signal: AbortSignal,
): Promise<{ start: RunStart; since: SinceFacts | undefined; warnings: string[] }> {
  const { baseRequest, requestInput } = inputs;
  if (inputs.since?.type !== 'last-run' || !baseRequest || !requestInput) {
    const fixed = inputs.since?.type === 'fixed' ? inputs.since : undefined;
    return {
      start: inputs.start,
      since: fixed ? { after: fixed.after, source: fixed.text } : undefined,
      warnings: [],
    };
  }
  const decided = await sinceAtDestination({
    store,
    prefix: destination.destination.prefix,
    baseRequest,
    requestInput,
    signal,
  });
  if (decided.type === 'incremental') {
    core.info(
      `since: last-run: records modified after ${decided.after} (the latest export at the destination, ${decided.base})`,
    );
    return {
      start: { request: decided.request },
      since: { after: decided.after, source: `latest export at the destination, ${decided.base}` },
      warnings: [],
    };
  }
  const line = `since: last-run: a full export this time (${decided.reason}). Later runs export what changed since this one.`;
  if (!decided.warn) core.notice(line);
  return {
    start: inputs.start,
    since: { after: undefined, source: decided.reason },
    warnings: decided.warn ? [line] : [],
  };
}

/** The chart's points with a destination: the export compared against, then this one. */
function storedRuns(comparison: ComparisonOutcome, manifest: Manifest): RunPoint[] {
  const now = {
    at: manifest.completedAt ?? manifest.downloadedAt,
    records: manifest.records.total,
  };
  if (comparison.type !== 'compared') return [now];
  const { old } = comparison.report;
  // Without a completion time the chart passes the point over (recordsChart).
  return [{ at: old.completedAt ?? '', records: old.records }, now];
}

/** The core's runtime for this step: its token, timeouts and base URL, logging through core. */
function runtimeFor(inputs: ActionInputs, session: Session) {
  const { log, redact } = session;
  return createNodeRuntime({
    token: inputs.token,
    requestTimeoutMs: inputs.requestTimeoutMs,
    ...(inputs.baseUrl === undefined ? {} : { baseUrl: inputs.baseUrl }),
    onProgress: log.onProgress,
    onDebug: (event) => core.debug(redact(event.message)),
  });
}

/** The public-repository guard, before anything is asked of Asana (visibility.ts). */
async function guardVisibility(
  inputs: ActionInputs,
  env: NodeJS.ProcessEnv,
  github: GitHubAccess | undefined,
): Promise<void> {
  // Reading the visibility costs a request; nothing depends on it when the guard cannot refuse.
  if (inputs.encryptTo !== undefined || inputs.allowPublicUnencrypted) return;
  let visibility = await visibilityFromEvent(env.GITHUB_EVENT_PATH);
  if (visibility === undefined && github) {
    const { octokit, repository } = github();
    visibility = readVisibility(await getVisibility(octokit, repository).catch(() => undefined));
  }
  guardPublicArtifacts({
    visibility,
    encrypted: inputs.encryptTo !== undefined,
    allowed: inputs.allowPublicUnencrypted,
  });
}

function setExportOutputs(manifest: Manifest, file: string): void {
  core.setOutput('export-gid', manifest.exportGid ?? '');
  core.setOutput('job-gid', manifest.jobGid ?? '');
  core.setOutput('state', manifest.state.raw);
  core.setOutput('file', file);
  // `bytes` and `sha256` describe the file at `file`: the ciphertext when it is encrypted.
  const stored = manifest.encryption?.file ?? manifest.file;
  core.setOutput('bytes', stored.bytes);
  core.setOutput('sha256', stored.sha256);
  core.setOutput('encrypted', manifest.encryption !== undefined);
  core.setOutput('records', manifest.records.total);
  core.setOutput('manifest', JSON.stringify(manifest));
}
