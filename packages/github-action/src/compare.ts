/**
 * `compare: last-run`: the change report between the export this run just verified and the one
 * the last run of this step stored (read through its trusted state, trusted-states.ts). It is
 * made before the upload, so the JSON report goes into the artifact beside the export.
 *
 * A comparison that cannot be made (a first run, an expired artifact, a last export that does not
 * match its manifest) is a warning, never a failed backup: the new export is sound either way.
 * Only a crossed `fail-on` limit fails the step, and only after the export is stored.
 */

import { lstat, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArtifactClient } from '@actions/artifact';
import {
  CancelledError,
  type CrossedLimit,
  crossedLimits,
  type DiffReport,
  diffExportFiles,
  type Manifest,
  manifestFileName,
  printable,
  writeJsonFileExclusive,
} from '@asana-exports/core/node';
import type { Repository } from './github.js';
import type { StoredTrustedState } from './history.js';
import type { CompareInputs } from './inputs.js';
import { explain } from './step-error.js';

/** What the job summary and the outputs say about the comparison. */
export type ComparisonOutcome =
  | {
      readonly type: 'compared';
      readonly report: DiffReport;
      /** The JSON report, in the artifact's directory; undefined when stored in a destination. */
      readonly reportPath: string | undefined;
      /** Its name in the artifact, or its key in the destination (`reportIn`). */
      readonly reportName: string;
      readonly reportIn: 'artifact' | 'destination';
      /**
       * The export compared against: the last run's artifact (and its run), or the object the
       * destination stored before this one. Printable.
       */
      readonly base: { readonly name: string; readonly runId?: number };
      readonly failed: readonly CrossedLimit[];
      readonly warned: readonly CrossedLimit[];
      /** What the diff noted about how it was made (duplicates, a changed tool version...). */
      readonly notes: readonly string[];
    }
  | { readonly type: 'skipped'; readonly reason: string; readonly warn: boolean };

export interface CompareRequest {
  readonly compare: CompareInputs;
  /** The last run's trusted stored state, newest first; empty on a first run. */
  readonly stored: readonly StoredTrustedState[];
  readonly artifacts: ArtifactClient;
  readonly repository: Repository;
  readonly githubToken: string;
  readonly newer: {
    readonly path: string;
    readonly manifestPath: string;
    readonly manifest: Manifest;
  };
  /** Where the report is written: the directory the artifact is uploaded from. */
  readonly outDir: string;
  /** Where the last export is downloaded to and the diff's partitions go (RUNNER_TEMP). */
  readonly tempDir: string;
  readonly signal: AbortSignal;
}

/**
 * The names the action gives export files (`defaultFileName`): the only ones a state may name,
 * so a planted state cannot point the download or the diff anywhere else.
 */
const COMPARING = 'the comparison with the last run';

const EXPORT_FILE_NAME = /^asana-(?:organization|resource|graph)-export-\d{1,20}\.jsonl?\.gz$/;

export async function compareWithLastRun(request: CompareRequest): Promise<ComparisonOutcome> {
  const [last] = request.stored;
  if (last === undefined) {
    return {
      type: 'skipped',
      reason: 'no earlier run of this step stored an export: this one is the base for the next',
      warn: false,
    };
  }
  const { state } = last;
  const artifactName = state.exportArtifact.name;
  const skip = (reason: string): ComparisonOutcome => ({ type: 'skipped', reason, warn: true });
  if (state.chain.index > 0) {
    return skip(
      `the last run's export (artifact ${artifactName}) is an increment, not a whole export`,
    );
  }
  if (state.manifest.encryption !== undefined) {
    return skip(`the last run's export (artifact ${artifactName}) is encrypted`);
  }
  const fileName = state.manifest.file.name;
  if (!EXPORT_FILE_NAME.test(fileName)) {
    return skip(`the last run's state names no export file the action writes`);
  }

  const dir = await mkdtemp(join(request.tempDir, 'asana-export-last-run-'));
  try {
    try {
      await request.artifacts.downloadArtifact(state.exportArtifact.id, {
        path: dir,
        findBy: {
          token: request.githubToken,
          workflowRunId: last.runId,
          repositoryOwner: request.repository.owner,
          repositoryName: request.repository.repo,
        },
      });
    } catch (error) {
      if (request.signal.aborted) throw new CancelledError(COMPARING, { cause: error });
      return skip(
        `the last run's export artifact ${artifactName} (id ${state.exportArtifact.id}) could not be downloaded, expired or deleted perhaps: ${explain(error)}`,
      );
    }
    const oldPath = join(dir, fileName);
    const found = await lstat(oldPath).catch(() => undefined);
    if (found === undefined || !found.isFile()) {
      return skip(`the last run's export artifact ${artifactName} holds no ${fileName}`);
    }
    // The manifest the trusted state carries, not the one in the artifact: it is what was
    // verified when it was stored, and the diff checks the file against it.
    const oldManifestPath = join(dir, `last-run.${manifestFileName(fileName)}`);
    await writeFile(oldManifestPath, JSON.stringify(state.manifest), { flag: 'wx' });

    let result: Awaited<ReturnType<typeof diffExportFiles>>;
    try {
      result = await diffExportFiles(
        { path: oldPath, manifest: oldManifestPath },
        { path: request.newer.path, manifest: request.newer.manifestPath },
        { identities: [], tempDir: request.tempDir, signal: request.signal },
      );
    } catch (error) {
      if (request.signal.aborted) throw new CancelledError(COMPARING, { cause: error });
      return skip(
        `the last run's export (artifact ${artifactName}) cannot be compared: ${explain(error)}`,
      );
    }
    const { report } = result;
    const reportName = changesFileName(request.newer.manifest.file.name);
    const reportPath = join(request.outDir, reportName);
    await writeJsonFileExclusive(reportPath, report);
    return {
      type: 'compared',
      report,
      reportPath,
      reportName,
      reportIn: 'artifact',
      base: { name: printable(artifactName, 200), runId: last.runId },
      failed: crossedLimits(report, request.compare.failOn),
      warned: crossedLimits(report, request.compare.warnOn),
      notes: result.warnings,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `asana-graph-export-1.jsonl.gz` → `asana-graph-export-1.changes.json`, beside its manifest. */
export function changesFileName(fileName: string): string {
  return manifestFileName(fileName).replace(/\.manifest\.json$/, '.changes.json');
}
