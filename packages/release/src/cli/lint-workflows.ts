#!/usr/bin/env node
/**
 * lint-workflows [--root .]
 *
 * actionlint over every workflow in .github/workflows, and the metadata and Marketplace checks
 * over every packages/<name>/action.yml. Prints each problem as file:line:column and exits 1.
 */
import { parseArgs } from 'node:util';
import { actionlintVersion } from '../actionlint.js';
import { lintRepository } from '../lint-repository.js';
import { formatProblem } from '../problems.js';
import { ChecksFailed, runMain } from './main.js';

runMain('lint-workflows', async () => {
  const { values } = parseArgs({ options: { root: { type: 'string', default: '.' } } });
  const [report, version] = await Promise.all([lintRepository(values.root), actionlintVersion()]);
  const checked = `actionlint ${version}: ${report.workflows.length} workflows, ${report.actions.length} action metadata files`;
  if (report.problems.length > 0) {
    process.stdout.write(`${report.problems.map(formatProblem).join('\n')}\n`);
    throw new ChecksFailed(`${checked}, ${report.problems.length} problems`);
  }
  process.stdout.write(`${checked}, no problems\n`);
});
