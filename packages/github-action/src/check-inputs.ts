/**
 * The inputs of `check-only: true`, the watchdog: the same export inputs as the backup step (so
 * that the same state, or the same `latest.json`, is found), `max-age`, and no Asana token.
 * Inputs the watchdog has no use for (since, keep-last, compare...) are accepted and ignored, so
 * the backup step's `with:` can be copied as it is.
 */

import {
  type DestinationInputs,
  type ExportRequest,
  InputError,
  parseDuration,
  readDestinationInputs,
} from '@asana-exports/core/node';
import { readBoolean } from './input-values.js';
import {
  DESTINATION_INPUTS,
  type InputReader,
  readRequestInput,
  validateRequest,
} from './inputs.js';

export interface CheckOnlyInputs {
  readonly request: ExportRequest;
  readonly maxAgeMs: number;
  /** As the user wrote it, for the reason line: `max-age 26h`. */
  readonly maxAgeText: string;
  readonly destination: DestinationInputs | undefined;
  readonly githubToken: string | undefined;
}

/** Whether this step is the watchdog: read first, since it changes which inputs are required. */
export function isCheckOnly(read: InputReader): boolean {
  return readBoolean((name) => read(name).trim(), 'check-only', false);
}

export function readCheckOnlyInputs(read: InputReader): CheckOnlyInputs {
  const get = (name: string) => read(name).trim();
  for (const name of ['export-gid', 'job-gid'] as const) {
    if (get(name) !== '') {
      throw new InputError(
        name,
        'cannot be combined with check-only: the watchdog looks for the exports of an export definition, not of one export',
        "Give the backup step's kind and target (organization, workspace or parent) instead.",
      );
    }
  }
  const maxAgeText = get('max-age');
  if (maxAgeText === '') {
    throw new InputError(
      'max-age',
      'missing; check-only needs to know how old the last export may be',
      'Set max-age a little above the backup schedule, such as 26h for a nightly backup.',
    );
  }
  const maxAgeMs = parseDuration('max-age', maxAgeText);
  if (maxAgeMs <= 0) throw new InputError('max-age', 'must be longer than 0, such as 26h');
  const request = validateRequest(readRequestInput(get), undefined);
  const destination = readDestinationInputs(
    (option) => get(DESTINATION_INPUTS[option]),
    (option) => DESTINATION_INPUTS[option],
  );
  const githubToken = get('github-token');
  if (destination === undefined && githubToken === '') {
    throw new InputError(
      'github-token',
      "missing; check-only reads the backup step's state artifacts through the GitHub API",
      `Leave github-token at its default (\${{ github.token }}) and grant the job permissions: actions: read.`,
    );
  }
  return {
    request,
    maxAgeMs,
    maxAgeText: `max-age ${maxAgeText}`,
    destination,
    githubToken: githubToken === '' ? undefined : githubToken,
  };
}
