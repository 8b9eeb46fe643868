/**
 * Readers for the action's plain inputs (booleans, whole numbers, durations, URLs, artifact
 * names), each failing with an `InputError` that names the input.
 */

import {
  DEFAULT_POLL_POLICY,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_STALL_POLICY,
  InputError,
  type PollPolicy,
  parseDuration,
  quoteUserValue,
  type StallPolicy,
  validatePollPolicy,
  validateRequestTimeout,
  validateStallPolicy,
} from '@asana-exports/core/node';

/** Reads one input: `core.getInput` in the action, a plain map in tests. */
export type InputReader = (name: string) => string;

/** Minutes the step waits for Asana by default: leaves room for upload within a 6 h job. */
export const DEFAULT_TIMEOUT_MINUTES = 300;
export const DEFAULT_POLL_INTERVAL = '1m';

export function readArtifactName(text: string): string | undefined {
  if (text === '') return undefined;
  validateArtifactName(text, 'artifact-name');
  return text;
}

/** The characters GitHub refuses in artifact names (`@actions/artifact` checks the same). */
const FORBIDDEN_IN_ARTIFACT_NAMES = ['"', ':', '<', '>', '|', '*', '?', '\r', '\n', '\\', '/'];

export function validateArtifactName(name: string, input: string): void {
  const bad = FORBIDDEN_IN_ARTIFACT_NAMES.find((character) => name.includes(character));
  if (bad !== undefined) {
    throw new InputError(
      input,
      `${quoteUserValue(name)} contains ${JSON.stringify(bad)}, which artifact names may not contain`,
      'Artifact names may not contain " : < > | * ? \\ / or line breaks; use - instead.',
    );
  }
  if (name.length > 200) {
    throw new InputError(input, `is ${name.length} characters long; keep it under 200`);
  }
}

export function readPollPolicy(get: InputReader): PollPolicy {
  const intervalText = get('poll-interval') || DEFAULT_POLL_INTERVAL;
  const maxIntervalMs = parseDuration('poll-interval', intervalText);
  const timeoutMs = readTimeout(get('timeout-minutes'));
  return validatePollPolicy(
    {
      ...DEFAULT_POLL_POLICY,
      initialIntervalMs: Math.min(DEFAULT_POLL_POLICY.initialIntervalMs, maxIntervalMs),
      maxIntervalMs,
      timeoutMs,
    },
    {
      initialIntervalMs: 'poll-interval',
      maxIntervalMs: 'poll-interval',
      timeoutMs: 'timeout-minutes',
    },
  );
}

/** How long an answer may take to start before the request is retried. */
export function readRequestTimeout(get: InputReader): number {
  const text = get('request-timeout');
  if (text === '') return DEFAULT_REQUEST_TIMEOUT_MS;
  return validateRequestTimeout('request-timeout', parseDuration('request-timeout', text));
}

/** How slow a download may be before it is treated as broken and resumed. */
export function readStallPolicy(get: InputReader): StallPolicy {
  const window = get('stall-timeout');
  const speed = optionalInteger(get, 'min-speed', 0, 1024 ** 3);
  return validateStallPolicy(
    {
      windowMs:
        window === '' ? DEFAULT_STALL_POLICY.windowMs : parseDuration('stall-timeout', window),
      minBytesPerSecond: speed ?? DEFAULT_STALL_POLICY.minBytesPerSecond,
    },
    { windowMs: 'stall-timeout', minBytesPerSecond: 'min-speed' },
  );
}

/** Minutes (`90`, `0.5`), or a duration with its unit (`2h`, `90m`). */
function readTimeout(text: string): number {
  if (text === '') return DEFAULT_TIMEOUT_MINUTES * 60_000;
  if (/^\d+(?:\.\d+)?$/.test(text)) return Math.round(Number(text) * 60_000);
  try {
    return parseDuration('timeout-minutes', text);
  } catch {
    throw new InputError(
      'timeout-minutes',
      `${quoteUserValue(text)} is not a number of minutes; expected minutes such as 300 or a duration such as 2h`,
    );
  }
}

/** The booleans of the YAML 1.2 core schema, as `core.getBooleanInput` accepts them. */
export function readBoolean(get: InputReader, name: string, fallback: boolean): boolean {
  const text = get(name);
  if (text === '') return fallback;
  if (['true', 'True', 'TRUE'].includes(text)) return true;
  if (['false', 'False', 'FALSE'].includes(text)) return false;
  throw new InputError(name, `${quoteUserValue(text)} is not a boolean; expected true or false`);
}

export function optionalInteger(
  get: InputReader,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const text = get(name);
  if (text === '') return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new InputError(
      name,
      `${quoteUserValue(text)} is not a whole number from ${min} to ${max}`,
    );
  }
  return value;
}
