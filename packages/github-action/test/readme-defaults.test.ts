/**
 * The README's inputs table states the defaults the action has: those of action.yml where it
 * sets one, and otherwise the ones the code falls back to. A default changed in one place and not
 * the other fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_LAYOUT,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_RESOURCE_TYPES,
  DEFAULT_STALL_POLICY,
} from '@asana-exports/core/node';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_POLL_INTERVAL, DEFAULT_TIMEOUT_MINUTES } from '../src/input-values.js';
import { defaultArtifactName } from '../src/names.js';

const root = join(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const metadata = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>;
};

/** The inputs table: input name → its default cell, as written. */
function readmeDefaults(): Map<string, string> {
  const section = readme.slice(readme.indexOf('## Inputs'), readme.indexOf('### Filters'));
  const rows = new Map<string, string>();
  for (const line of section.split('\n')) {
    const cells = line.split(/(?<!\\)\|/).map((cell) => cell.trim());
    const names = cells[1]?.match(/`[a-z0-9-]+`/g);
    if (!names || cells.length < 4) continue;
    for (const name of names) rows.set(name.slice(1, -1), cells[2] ?? '');
  }
  return rows;
}

/** Defaults the code applies to an input left empty, where action.yml sets none. */
const CODE_DEFAULTS: Record<string, string> = {
  'poll-interval': DEFAULT_POLL_INTERVAL,
  'timeout-minutes': String(DEFAULT_TIMEOUT_MINUTES),
  'request-timeout': `${DEFAULT_REQUEST_TIMEOUT_MS / 1000}s`,
  'stall-timeout': `${DEFAULT_STALL_POLICY.windowMs / 1000}s`,
  'min-speed': String(DEFAULT_STALL_POLICY.minBytesPerSecond),
  'destination-layout': DEFAULT_LAYOUT,
  resources: DEFAULT_RESOURCE_TYPES.join(','),
};

/**
 * Defaults the README describes rather than states: a variable's value, a name or host built per
 * run. The artifact name is checked against the example the README gives.
 */
const DESCRIBED_DEFAULTS: Record<string, string> = {
  's3-region': 'AWS_REGION',
  'artifact-name': 'asana-<kind>-<gid>-<UTC>',
  'azure-endpoint': 'https://ACCOUNT.blob.core.windows.net',
};

describe('the README inputs table', () => {
  const defaults = readmeDefaults();

  it('gives an artifact name as the action makes it', () => {
    const example = defaultArtifactName(
      'resource',
      '1200000000000002',
      new Date('2026-11-23T02:17:00Z'),
    );
    expect(readme).toContain(`e.g. \`${example}\``);
  });

  it('lists every input of action.yml, and no other', () => {
    expect([...defaults.keys()].sort()).toEqual(Object.keys(metadata.inputs).sort());
  });

  it.each(Object.keys(metadata.inputs))('states the default of %s that the action has', (name) => {
    const cell = defaults.get(name) ?? '';
    const stated = /^`([^`]*)`$/.exec(cell)?.[1];
    const actual = metadata.inputs[name]?.default ?? CODE_DEFAULTS[name];
    if (DESCRIBED_DEFAULTS[name] !== undefined) {
      expect(stated, name).toBe(DESCRIBED_DEFAULTS[name]);
    } else if (actual === undefined) {
      // No default: the cell says so in words (empty, "keep all", "Asana's"...), never a value.
      expect(
        stated,
        `${name}: the README gives a default the action does not have`,
      ).toBeUndefined();
    } else {
      expect(stated, `${name}: README ${cell}`).toBe(actual);
      if (metadata.inputs[name]?.default !== undefined && CODE_DEFAULTS[name] !== undefined) {
        expect(metadata.inputs[name]?.default, name).toBe(CODE_DEFAULTS[name]);
      }
    }
  });
});
