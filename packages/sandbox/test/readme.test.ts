import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO } from '../src/index.js';

const README = readFileSync(join(import.meta.dirname, '../README.md'), 'utf8');
const CLI_SOURCE = readFileSync(join(import.meta.dirname, '../src/cli.ts'), 'utf8');

/** The lines of one `## ` section of the README, heading excluded. */
function section(heading: string): string[] {
  const lines = README.split('\n');
  const start = lines.indexOf(`## ${heading}`);
  expect(start, `README has no section "## ${heading}"`).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((line, index) => index > start && line.startsWith('## '));
  return lines.slice(start + 1, end === -1 ? undefined : end);
}

describe('README', () => {
  it("lists in its scenario table exactly the default scenario's keys", () => {
    const keys = section('Scenario')
      .map((line) => /^\| `([A-Za-z]+)` +\|/.exec(line)?.[1])
      .filter((key): key is string => key !== undefined);
    expect(keys.sort()).toEqual(Object.keys(DEFAULT_SCENARIO).sort());
  });

  it('names only options the command has, and all of them', () => {
    const named = new Set([...README.matchAll(/`(--[a-z-]+)`/g)].map((match) => match[1]));
    const declared = new Set(
      [...CLI_SOURCE.matchAll(/^ {6}'?([a-z-]+)'?: \{ type: '(?:string|boolean)'/gm)].map(
        (match) => `--${match[1]}`,
      ),
    );
    expect(declared.size).toBeGreaterThan(10);
    expect([...named].sort()).toEqual([...declared].sort());
  });
});
