import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkActionMetadata } from '../src/action-metadata.js';
import { marketplaceProblems } from '../src/marketplace.js';
import { formatProblem } from '../src/problems.js';
import { REPOSITORY_ROOT } from './support/cli.js';

const VALID = `name: Example
description: Does one thing well.
branding:
  icon: archive
  color: orange
inputs:
  token:
    description: A token.
    required: true
outputs:
  result:
    description: What came out.
runs:
  using: node24
  main: dist/index.js
`;

function problems(text: string): string[] {
  const check = checkActionMetadata(text, 'action.yml');
  const found = [...check.problems];
  if (check.metadata) found.push(...marketplaceProblems(check.metadata, check.source));
  return found.map(formatProblem);
}

describe('action metadata', () => {
  it("accepts the action's own action.yml, Marketplace rules included", () => {
    const file = join(REPOSITORY_ROOT, 'packages/github-action/action.yml');
    expect(problems(readFileSync(file, 'utf8'))).toEqual([]);
  });

  it('accepts a minimal valid file', () => {
    expect(problems(VALID)).toEqual([]);
  });

  it('names a misspelt key at its line, and the key it stands for as missing', () => {
    const text = VALID.replace('  main: dist/index.js', '  mian: dist/index.js');
    expect(problems(text)).toEqual([
      'action.yml:13:1: runs.main is required [action-metadata]',
      'action.yml:15:3: runs.mian is not a known key [action-metadata]',
    ]);
  });

  it('names an unknown key of a JavaScript action at its line', () => {
    const text = `${VALID}  post-iff: always()\n`;
    expect(problems(text)).toEqual([
      'action.yml:16:3: runs.post-iff is not a known key [action-metadata]',
    ]);
  });

  it('refuses a runtime GitHub no longer starts', () => {
    expect(problems(VALID.replace('node24', 'node16'))).toEqual([
      'action.yml:14:3: runs.using must be one of node20, node24, composite, docker [action-metadata]',
    ]);
  });

  it('says which required keys are missing', () => {
    const text = VALID.replace('description: Does one thing well.\n', '').replace(
      '    description: A token.\n',
      '',
    );
    expect(problems(text)).toEqual([
      'action.yml:1:1: description is required [action-metadata]',
      'action.yml:6:3: inputs.token.description is required [action-metadata]',
    ]);
  });

  it('refuses a description of 125 characters or more, saying how long it is', () => {
    const text = VALID.replace('Does one thing well.', 'x'.repeat(125));
    expect(problems(text)).toEqual([
      'action.yml:2:1: description is 125 characters; the Marketplace takes at most 124: shorten it [marketplace]',
    ]);
    expect(problems(VALID.replace('Does one thing well.', 'x'.repeat(124)))).toEqual([]);
  });

  it('asks for the branding the Marketplace shows', () => {
    const text = VALID.replace('branding:\n  icon: archive\n  color: orange\n', '');
    expect(problems(text)).toEqual([
      'action.yml:1:1: branding.icon is required (a Feather icon name) [marketplace]',
      'action.yml:1:1: branding.color is required [marketplace]',
    ]);
    expect(problems(VALID.replace('color: orange', 'color: pink'))[0]).toMatch(
      /^action\.yml:5:3: branding\.color: /,
    );
  });

  it('names an input id GitHub refuses, and a value of the wrong type', () => {
    expect(problems(VALID.replace('  token:\n', '  1token:\n'))).toEqual([
      'action.yml:7:3: inputs.1token is not a valid id: it must start with a letter or _ and hold only letters, digits, - and _ [action-metadata]',
    ]);
    expect(problems(VALID.replace('required: true', 'required: "yes"'))).toEqual([
      'action.yml:9:5: inputs.token.required: Invalid input: expected boolean, received string [action-metadata]',
    ]);
  });

  it('reports YAML that does not parse at its line', () => {
    const [problem] = problems('name: x\ndescription: [unclosed\nruns: {}\n');
    expect(problem).toMatch(/^action\.yml:\d+:\d+: .+ \[syntax\]$/);
  });
});
