#!/usr/bin/env node
/**
 * action-tags --tags-from FILE|- [--version X.Y.Z | --package packages/github-action/package.json]
 *
 * The tags to push to the action repository for this version, given the tags it has (names, or
 * `git ls-remote --tags` lines; `-` reads them from stdin). Outputs `tag`, `major` (empty when
 * the major stays) and `tags`, and refuses a version whose tag exists.
 */
import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { parseArgs } from 'node:util';
import { actionTags } from '../action-tags.js';
import { setOutputs } from '../github-output.js';
import { ReleaseError } from '../problems.js';
import { runMain } from './main.js';

runMain('action-tags', async () => {
  const { values } = parseArgs({
    options: {
      version: { type: 'string' },
      package: { type: 'string', default: 'packages/github-action/package.json' },
      'tags-from': { type: 'string' },
    },
  });
  const source = values['tags-from'];
  if (source === undefined) {
    throw new ReleaseError(
      "--tags-from is required: a file of the action repository's tags, or - for stdin (git ls-remote --tags origin | action-tags --tags-from -).",
    );
  }
  const existing = source === '-' ? await text(process.stdin) : await readTags(source);
  const version = values.version ?? (await packageVersion(values.package));
  const tags = actionTags(version, existing.split('\n'));
  const all = [tags.release, ...(tags.major ? [tags.major] : [])];
  process.stdout.write(
    tags.major
      ? `${tags.release}, and ${tags.major} moved to it\n`
      : `${tags.release} (${tags.majorKept})\n`,
  );
  await setOutputs({ tag: tags.release, major: tags.major ?? '', tags: all.join(' ') });
});

async function readTags(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    throw new ReleaseError(`Cannot read the tags from ${file}.`);
  }
}

async function packageVersion(file: string): Promise<string> {
  let version: unknown;
  try {
    version = (JSON.parse(await readFile(file, 'utf8')) as { version?: unknown }).version;
  } catch {
    throw new ReleaseError(
      `Cannot read ${file}: pass --version, or --package with the action's package.json.`,
    );
  }
  if (typeof version !== 'string') throw new ReleaseError(`${file} has no "version".`);
  return version;
}
