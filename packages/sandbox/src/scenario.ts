import type { ContentLayout, Corruption, Scenario } from './types.js';

export const DEFAULT_SCENARIO: Readonly<Scenario> = Object.freeze({
  durationMs: 1500,
  outcome: 'succeed',
  contentBytes: 256 * 1024,
  seed: 1,
  linkTtlSeconds: 300,
  corruption: 'none',
  ignoreRange: false,
  ifRange: 'honour',
  layout: 'single',
  longLineBytes: 64 * 1024 * 1024,
  revision: 0,
  revisionEdits: 'many',
});

const CORRUPTIONS: readonly Corruption[] = [
  'none',
  'truncated',
  'bad-crc',
  'not-json',
  'long-line',
  'long-broken-line',
];
const LAYOUTS: readonly ContentLayout[] = ['single', 'members'];

/** Thrown for a scenario or fault that cannot be honoured; the control endpoints answer 400. */
export class SandboxInputError extends Error {
  override readonly name = 'SandboxInputError';
}

/**
 * Checks a scenario patch field by field. It arrives as untyped JSON through the control endpoint
 * as often as from TypeScript, and a typo there should fail loudly rather than be ignored.
 */
export function parseScenarioPatch(input: unknown): Partial<Scenario> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new SandboxInputError('scenario must be an object');
  }
  const patch: Partial<Scenario> = {};
  for (const [key, value] of Object.entries(input)) {
    switch (key) {
      case 'durationMs':
        patch.durationMs = nonNegativeInteger(key, value);
        break;
      case 'contentBytes':
        patch.contentBytes = Math.max(1, nonNegativeInteger(key, value));
        break;
      case 'seed':
        patch.seed = nonNegativeInteger(key, value);
        break;
      case 'revision':
        patch.revision = nonNegativeInteger(key, value);
        break;
      case 'revisionEdits':
        if (value !== 'many' && value !== 'few') {
          throw new SandboxInputError('revisionEdits must be "many" or "few"');
        }
        patch.revisionEdits = value;
        break;
      case 'linkTtlSeconds':
        patch.linkTtlSeconds = nonNegativeInteger(key, value);
        break;
      case 'outcome':
        if (value !== 'succeed' && value !== 'fail') {
          throw new SandboxInputError('outcome must be "succeed" or "fail"');
        }
        patch.outcome = value;
        break;
      case 'corruption':
        if (!CORRUPTIONS.includes(value as Corruption)) {
          throw new SandboxInputError(`corruption must be one of ${CORRUPTIONS.join(', ')}`);
        }
        patch.corruption = value as Corruption;
        break;
      case 'ignoreRange':
        if (typeof value !== 'boolean')
          throw new SandboxInputError('ignoreRange must be a boolean');
        patch.ignoreRange = value;
        break;
      case 'ifRange':
        if (value !== 'honour' && value !== 'ignore') {
          throw new SandboxInputError('ifRange must be "honour" or "ignore"');
        }
        patch.ifRange = value;
        break;
      case 'layout':
        if (!LAYOUTS.includes(value as ContentLayout)) {
          throw new SandboxInputError(`layout must be one of ${LAYOUTS.join(', ')}`);
        }
        patch.layout = value as ContentLayout;
        break;
      case 'longLineBytes':
        if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
          throw new SandboxInputError('longLineBytes must be a positive integer');
        }
        patch.longLineBytes = value;
        break;
      default:
        throw new SandboxInputError(`unknown scenario field: ${key}`);
    }
  }
  return patch;
}

function nonNegativeInteger(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new SandboxInputError(`${name} must be a non-negative integer`);
  }
  return value;
}
