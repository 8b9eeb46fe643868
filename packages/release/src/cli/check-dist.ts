#!/usr/bin/env node
/**
 * check-dist [--dir packages/github-action/dist]
 *
 * After a build: fails, listing the files, when the bundle differs from the one committed.
 */
import { parseArgs } from 'node:util';
import { distChanges } from '../dist-changes.js';
import { ChecksFailed, runMain } from './main.js';

const STATUS: Record<string, string> = { ' M': 'changed', ' D': 'deleted', '??': 'new' };

runMain('check-dist', async () => {
  const { values } = parseArgs({
    options: { dir: { type: 'string', default: 'packages/github-action/dist' } },
  });
  const changes = await distChanges('.', values.dir);
  if (changes.length > 0) {
    const lines = changes.map(
      (change) => `  ${STATUS[change.status] ?? change.status.trim()} ${change.path}`,
    );
    throw new ChecksFailed(
      `${values.dir} is not what the source builds (${changes.length} files):\n${lines.join('\n')}\nRun \`pnpm --filter @asana-exports/github-action build\` and commit ${values.dir}.`,
    );
  }
  process.stdout.write(`${values.dir} is what the source builds\n`);
});
