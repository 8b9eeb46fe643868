#!/usr/bin/env node
/**
 * assemble-action --out DIR [--action-dir packages/github-action] [--license LICENSE]
 *
 * Writes the action repository's tree into DIR (new, empty, or a clone holding only .git).
 */
import { parseArgs } from 'node:util';
import { assembleAction } from '../assemble-action.js';
import { setOutputs } from '../github-output.js';
import { ReleaseError } from '../problems.js';
import { ACTION_REPOSITORY } from '../repositories.js';
import { runMain } from './main.js';

runMain('assemble-action', async () => {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      'action-dir': { type: 'string', default: 'packages/github-action' },
      license: { type: 'string', default: 'LICENSE' },
    },
  });
  if (values.out === undefined) {
    throw new ReleaseError('--out is required: the folder to write the action repository into.');
  }
  const result = await assembleAction({
    actionDir: values['action-dir'],
    license: values.license,
    out: values.out,
  });
  const dist = result.files.filter((file) => file.startsWith('dist/')).length;
  process.stdout.write(
    `${ACTION_REPOSITORY} (${result.name}) assembled in ${values.out}: action.yml, README.md, LICENSE and ${dist} files in dist/, ${result.bytes} bytes\n`,
  );
  await setOutputs({ dir: values.out });
});
