/**
 * The repository's GitHub files, checked before GitHub sees them: every workflow in
 * .github/workflows with actionlint, and every action's metadata (packages/<name>/action.yml)
 * against the metadata syntax and the Marketplace rules.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { checkActionMetadata } from './action-metadata.js';
import { lintWorkflow } from './actionlint.js';
import { marketplaceProblems } from './marketplace.js';
import type { Problem } from './problems.js';

export interface LintReport {
  readonly workflows: readonly string[];
  readonly actions: readonly string[];
  readonly problems: readonly Problem[];
}

export async function lintRepository(root: string): Promise<LintReport> {
  const workflowDir = join(root, '.github', 'workflows');
  const workflows = (await readdir(workflowDir).catch(() => []))
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(workflowDir, name));
  const packagesDir = join(root, 'packages');
  const actions: string[] = [];
  for (const name of (await readdir(packagesDir).catch(() => [])).sort()) {
    const files = await readdir(join(packagesDir, name)).catch(() => []);
    const metadata = files.find((file) => file === 'action.yml' || file === 'action.yaml');
    if (metadata) actions.push(join(packagesDir, name, metadata));
  }

  const problems: Problem[] = [];
  const shown = (file: string): string => relative(root, file);
  if (workflows.length === 0) {
    problems.push({
      file: shown(workflowDir),
      line: 0,
      column: 0,
      message: 'holds no workflow (.yml or .yaml) to lint',
      rule: 'workflows',
    });
  }
  for (const file of workflows) {
    problems.push(...(await lintWorkflow(await readFile(file, 'utf8'), shown(file))));
  }
  for (const file of actions) {
    const check = checkActionMetadata(await readFile(file, 'utf8'), shown(file));
    problems.push(...check.problems);
    if (check.metadata) problems.push(...marketplaceProblems(check.metadata, check.source));
  }
  return { workflows: workflows.map(shown), actions: actions.map(shown), problems };
}
