import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT, runCli, tempDir } from './support/cli.js';

const ACTION_YML = join(REPOSITORY_ROOT, 'packages/github-action/action.yml');

/** A repository root holding the given workflows and, unless told otherwise, the real action.yml. */
async function repository(workflows: Record<string, string>, actionYml?: string): Promise<string> {
  const root = tempDir('lint-workflows-');
  await mkdir(join(root, '.github/workflows'), { recursive: true });
  for (const [name, text] of Object.entries(workflows)) {
    await writeFile(join(root, '.github/workflows', name), text);
  }
  await mkdir(join(root, 'packages/github-action'), { recursive: true });
  await writeFile(
    join(root, 'packages/github-action/action.yml'),
    actionYml ?? (await readFile(ACTION_YML, 'utf8')),
  );
  return root;
}

async function realWorkflow(name: string): Promise<string> {
  return readFile(join(REPOSITORY_ROOT, '.github/workflows', name), 'utf8');
}

describe('lint-workflows', () => {
  it("passes this repository's workflows and action metadata, naming the actionlint release", async () => {
    const run = await runCli('lint-workflows', []);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^actionlint 1\.\d+\.\d+: [4-9] workflows, 1 action metadata files, no problems\n$/,
    );
  });

  it('fails on a broken workflow, with every problem at its file, line and column', async () => {
    const root = await repository({
      'broken.yml': [
        'on: [pushh]',
        'jobs:',
        '  test:',
        '    runs-on: ubuntu-latest',
        '    needs: build',
        '    steps:',
        `      - run: echo "\${{ github.event.pull_request.title }}"`,
        '        shell: bassh',
        '',
      ].join('\n'),
    });
    const run = await runCli('lint-workflows', ['--root', root]);
    expect(run.code).toBe(1);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(
        /^\.github\/workflows\/broken\.yml:1:6: unknown Webhook event "pushh".* \[events\]$/,
      ),
      expect.stringMatching(
        /^\.github\/workflows\/broken\.yml:3:3: job "test" needs job "build" which does not exist .* \[job-needs\]$/,
      ),
      expect.stringMatching(
        /^\.github\/workflows\/broken\.yml:7:24: "github\.event\.pull_request\.title" is potentially untrusted.* \[expression\]$/,
      ),
      expect.stringMatching(
        /^\.github\/workflows\/broken\.yml:8:16: shell name "bassh" is invalid.* \[shell-name\]$/,
      ),
    ]);
    expect(run.stderr).toMatch(
      /^lint-workflows: actionlint 1\.\d+\.\d+: 1 workflows, 1 action metadata files, 4 problems\n$/,
    );
  });

  it('catches one slip in a real workflow of this repository', async () => {
    // A step output read under a misspelt step id, and a job that waits for one that is not there.
    const selfTest = (await realWorkflow('self-test.yml'))
      .replace('steps.sandbox.outputs.token }}', 'steps.sandbx.outputs.token }}')
      .replace('    runs-on: ubuntu-latest\n', '    runs-on: ubuntu-latest\n    needs: build\n');
    const root = await repository({
      'self-test.yml': selfTest,
      'ci.yml': await realWorkflow('ci.yml'),
    });
    const run = await runCli('lint-workflows', ['--root', root]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('property "sandbx" is not defined');
    expect(run.stdout).toContain('needs job "build" which does not exist');
    expect(run.stdout).not.toContain('ci.yml');
  });

  it('fails on action metadata GitHub or the Marketplace would refuse', async () => {
    const actionYml = (await readFile(ACTION_YML, 'utf8')).replace(
      '  main: dist/index.js',
      '  mian: dist/index.js',
    );
    const root = await repository({ 'ci.yml': await realWorkflow('ci.yml') }, actionYml);
    const run = await runCli('lint-workflows', ['--root', root]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^packages\/github-action\/action\.yml:\d+:3: runs\.mian is not a known key \[action-metadata\]$/m,
    );
  });

  it('fails when there is no workflow to lint, rather than passing on nothing', async () => {
    const root = await repository({});
    await cp(join(REPOSITORY_ROOT, 'README.md'), join(root, '.github/workflows/README.md'));
    const run = await runCli('lint-workflows', ['--root', root]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      '.github/workflows: holds no workflow (.yml or .yaml) to lint [workflows]\n',
    );
  });
});
