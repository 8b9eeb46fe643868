import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIN_NODE_VERSION, nodeVersionProblem } from '../../src/cli/node-version.js';
import { CLI } from '../support/sandbox.js';

const packageJson = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8'),
) as { engines: { node: string } };

describe('nodeVersionProblem', () => {
  it.each(['22.19.0', '22.19.1', '22.23.3', '23.0.0', '24.0.0', '24.11.1', '100.0.0'])(
    'lets Node %s run the CLI',
    (version) => {
      expect(nodeVersionProblem(version)).toBeUndefined();
    },
  );

  it.each(['22.18.9', '22.9.0', '21.99.99', '20.20.2', '18.0.0', 'not-a-version', ''])(
    'tells Node %s which Node it needs',
    (version) => {
      expect(nodeVersionProblem(version)).toBe(
        `asana-export needs Node.js ${MIN_NODE_VERSION} or later; this is Node.js ${version}. Install a current Node.js (https://nodejs.org) and run it again.`,
      );
    },
  );

  it('is the floor that package.json declares', () => {
    expect(packageJson.engines.node).toBe(`>=${MIN_NODE_VERSION}`);
  });
});

/** An older Node.js on this machine, when there is one (Debian's, beside the project's own). */
const OLD_NODE = ['/usr/bin/node', '/usr/local/bin/node'].find((path) => {
  if (!existsSync(path)) return false;
  const version = spawnSync(path, ['--version'], { encoding: 'utf8' }).stdout.trim();
  return nodeVersionProblem(version) !== undefined;
});

describe.skipIf(OLD_NODE === undefined)('the executable on an older Node.js', () => {
  it('says in one line which Node it needs, before loading anything that fails there', () => {
    const result = spawnSync(OLD_NODE ?? '', [CLI, '--help'], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      new RegExp(
        `^error: asana-export needs Node.js ${MIN_NODE_VERSION.replaceAll('.', '\\.')} or later; this is Node.js \\d+\\.\\d+\\.\\d+\\. .*\\n$`,
      ),
    );
  });
});
