/**
 * Facts that several READMEs state must agree with the code, and so with each other: who may run
 * each kind (`WHO_MAY_EXPORT`, also in Asana's refusal hints and the n8n node's descriptions) and
 * how polling backs off. Each package's own defaults are checked in its package (the action's
 * inputs table, the n8n node's parameters).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_POLL_POLICY, EXPORT_KINDS, WHO_MAY_EXPORT } from '@asana-exports/core/protocol';
import { describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from './support/cli.js';

/** A README's text with its line breaks and table padding folded into single spaces. */
function readme(path: string): string {
  return readFileSync(join(REPOSITORY_ROOT, path), 'utf8').replace(/\s+/g, ' ');
}

const READMES_WITH_KINDS = [
  'packages/cli/README.md',
  'packages/github-action/README.md',
  'packages/n8n-node/README.md',
];

describe('the READMEs', () => {
  it.each(READMES_WITH_KINDS)('%s says who may run each kind in the words of the code', (path) => {
    const text = readme(path);
    for (const kind of EXPORT_KINDS) expect(text, kind).toContain(WHO_MAY_EXPORT[kind]);
  });

  it('say how polling backs off as the default policy does', () => {
    const first = DEFAULT_POLL_POLICY.initialIntervalMs / 1000;
    const last = DEFAULT_POLL_POLICY.maxIntervalMs / 60_000;
    expect(readme('packages/n8n-node/README.md')).toContain(
      `starting every ${first} s and backing off to once every ${last} minutes`,
    );
  });

  it('give no test count that will go stale', () => {
    expect(readme('README.md')).not.toMatch(/tests: [1-9]\d* passed/);
  });
});
