/**
 * `check-only: true`: the watchdog. Exports nothing and asks Asana nothing; fails when the newest
 * verified export of the backup step's inputs is older than `max-age`, or missing, with the reason
 * in one line. It reads what the backup step left: the newest trusted state artifact (a state is
 * written only once an export was verified and stored), or with `destination` the target's
 * `latest.json`. Scheduled in a workflow of its own, so that a backup that stopped running is
 * noticed within a day, not on the day it is needed.
 */

import * as core from '@actions/core';
import {
  type FreshnessVerdict,
  judgeFreshness,
  type LastExport,
  lastExportAtDestination,
  printable,
  type Redactor,
} from '@asana-exports/core/node';
import { createArtifactClient } from './artifacts.js';
import { githubIdTokenAssertion } from './azure-oidc.js';
import type { CheckOnlyInputs } from './check-inputs.js';
import { escapeHtml } from './format.js';
import { currentRun, lazyGitHub } from './history.js';
import { requestSubject, stateArtifactName } from './names.js';
import { writeSummary } from './summary.js';
import { trustedStates } from './trusted-states.js';

export interface CheckOnlyContext {
  readonly env: NodeJS.ProcessEnv;
  readonly signal: AbortSignal;
  readonly redact: Redactor;
  readonly requestTimeoutMs: number;
}

export async function runCheckOnly(
  inputs: CheckOnlyInputs,
  context: CheckOnlyContext,
): Promise<void> {
  const { last, place } = await findLastExport(inputs, context);
  const verdict: FreshnessVerdict = judgeFreshness({
    last,
    place,
    now: Date.now(),
    maxAgeMs: inputs.maxAgeMs,
    limitText: inputs.maxAgeText,
  });
  core.setOutput('fresh', verdict.fresh);
  core.setOutput('last-export-at', last?.completedAt ?? last?.storedAt ?? '');
  if (last !== undefined) {
    core.setOutput('records', last.records);
    core.setOutput('export-gid', last.exportGid ?? '');
  }
  const reason = context.redact(verdict.reason);
  await writeSummary(context.redact, (summary) =>
    summary
      .addHeading(`Asana export check: ${verdict.fresh ? 'fresh' : 'too old or missing'}`, 2)
      .addRaw(`<p>${escapeHtml(reason)}</p>`, true),
  );
  if (verdict.fresh) {
    core.info(printable(reason, Infinity));
    return;
  }
  core.setFailed(
    printable(
      `${reason}. Look at the backup workflow's recent runs: a failed run, a schedule GitHub disabled (60 days without activity in a public repository), or expired artifacts.`,
      Infinity,
    ),
  );
}

async function findLastExport(
  inputs: CheckOnlyInputs,
  context: CheckOnlyContext,
): Promise<{ last: LastExport | undefined; place: string }> {
  const { request } = inputs;
  if (inputs.destination !== undefined) {
    const found = await lastExportAtDestination({
      store: {
        destination: inputs.destination.destination,
        settings: inputs.destination.settings,
        names: { destination: 'destination', region: 's3-region', endpoint: 's3-endpoint' },
        env: context.env,
        requestTimeoutMs: context.requestTimeoutMs,
        azureClientAssertion: githubIdTokenAssertion(context.env),
      },
      kind: request.kind,
      target: requestSubject(request),
      signal: context.signal,
    });
    for (const line of found.skipped) core.info(context.redact(`Ignored ${line}`));
    return { last: found.last, place: found.shown };
  }
  const github = lazyGitHub(inputs.githubToken ?? '', context.env, context.redact)();
  const stateName = stateArtifactName(request);
  const current = await currentRun(github.octokit, github.repository, context.env);
  for await (const { state, runId } of trustedStates({
    ...github,
    artifacts: createArtifactClient(),
    token: inputs.githubToken ?? '',
    current,
    stateName,
    info: (line) => core.info(context.redact(line)),
  })) {
    // A pending state is an export still running at Asana: not a verified one.
    if (state.type !== 'stored') continue;
    const { manifest } = state;
    return {
      place: `the state artifacts ${stateName}`,
      last: {
        // Names read from a state artifact are outside text: printable before any log line.
        where: `artifact ${printable(state.exportArtifact.name, 200)} of run ${runId}`,
        kind: manifest.kind,
        exportGid: manifest.exportGid ?? manifest.jobGid,
        completedAt: manifest.completedAt,
        storedAt: manifest.downloadedAt,
        records: manifest.records.total,
      },
    };
  }
  return { last: undefined, place: `the state artifacts ${stateName} of this repository` };
}
