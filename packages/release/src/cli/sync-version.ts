#!/usr/bin/env node
/**
 * sync-version [--root DIR]
 *
 * After `changeset version`: checks that the released packages share one version and gives it
 * to the core (package.json and TOOL_VERSION), so the rebuilt bundles print it.
 */
import { parseArgs } from 'node:util';
import { syncVersion } from '../sync-version.js';
import { runMain } from './main.js';

runMain('sync-version', async () => {
  const { values } = parseArgs({ options: { root: { type: 'string', default: '.' } } });
  const { version, changed } = await syncVersion(values.root);
  process.stdout.write(
    changed.length === 0
      ? `${version}: the core already has it\n`
      : `${version}: written to ${changed.join(', ')}\n`,
  );
});
