/**
 * Builds the tree of the dedicated action repository (asana-exports/asana-export-action) from
 * packages/github-action: action.yml at its root, the committed bundle in dist/, the README and
 * the licence. GitHub Marketplace lists only a repository holding one action at its root and no
 * workflow files, which the monorepo cannot be, hence a repository of its own.
 *
 * Everything is checked before anything is written: the metadata (schema and Marketplace rules),
 * that `runs.main` is the bundle, that the bundle exists, and that the output folder is empty.
 */
import { copyFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { checkActionMetadata } from './action-metadata.js';
import { marketplaceProblems } from './marketplace.js';
import { formatProblem, type Problem, ReleaseError } from './problems.js';
import { releaseReadme } from './release-readme.js';

export const ACTION_MAIN = 'dist/index.js';

export interface AssembleOptions {
  /** The action's package folder, packages/github-action. */
  readonly actionDir: string;
  /** The licence to ship, the repository's root LICENSE. */
  readonly license: string;
  /** Missing, empty, or holding only `.git` (a clone whose files were removed). */
  readonly out: string;
}

export interface AssembledAction {
  /** Paths written, relative to `out`, with `/` separators, sorted. */
  readonly files: readonly string[];
  readonly bytes: number;
  readonly name: string;
}

export async function assembleAction(options: AssembleOptions): Promise<AssembledAction> {
  const metadataFile = join(options.actionDir, 'action.yml');
  const metadataText = await readText(metadataFile, 'the action metadata');
  const check = checkActionMetadata(metadataText, metadataFile);
  const problems: Problem[] = [...check.problems];
  if (check.metadata) {
    problems.push(...marketplaceProblems(check.metadata, check.source));
    const runs = check.metadata.runs;
    if (runs.using !== 'node20' && runs.using !== 'node24') {
      problems.push(
        check.source.problemAt(
          ['runs', 'using'],
          'the action must be a JavaScript action',
          'layout',
        ),
      );
    } else if (runs.main !== ACTION_MAIN) {
      problems.push(
        check.source.problemAt(
          ['runs', 'main'],
          `runs.main is ${runs.main}; the release layout ships the bundle as ${ACTION_MAIN}`,
          'layout',
        ),
      );
    }
  }
  if (problems.length > 0) {
    throw new ReleaseError(
      `${metadataFile} cannot be released:\n${problems.map(formatProblem).join('\n')}`,
    );
  }

  const distDir = join(options.actionDir, 'dist');
  const distFiles = await listFiles(distDir).catch((): string[] => []);
  if (!distFiles.includes('index.js')) {
    throw new ReleaseError(
      `${join(distDir, 'index.js')} is missing: build the action first (pnpm --filter @asana-exports/github-action build).`,
    );
  }
  const plan: Array<{ readonly path: string; readonly from: string }> = [
    { path: 'action.yml', from: metadataFile },
    { path: 'LICENSE', from: options.license },
    ...distFiles.map((file) => ({ path: `dist/${file}`, from: join(distDir, file) })),
  ];
  const workflows = plan.filter((entry) => entry.path.startsWith('.github/workflows/'));
  if (workflows.length > 0) {
    throw new ReleaseError(
      `The Marketplace lists no repository with workflow files, and the tree would hold ${workflows.map((entry) => entry.path).join(', ')}.`,
    );
  }
  const readme = releaseReadme(await readText(join(options.actionDir, 'README.md'), 'the README'));
  await stat(options.license).catch(() => {
    throw new ReleaseError(`${options.license} is missing: the release ships the MIT licence.`);
  });
  await assertEmpty(options.out);

  let bytes = Buffer.byteLength(readme);
  await writeFile(join(options.out, 'README.md'), readme);
  for (const entry of plan) {
    const target = join(options.out, entry.path);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(entry.from, target);
    bytes += (await stat(target)).size;
  }
  return {
    files: [...plan.map((entry) => entry.path), 'README.md'].sort(),
    bytes,
    name: check.metadata?.name ?? '',
  };
}

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    throw new ReleaseError(
      `Cannot read ${what} at ${file}: pass the action's folder with --action-dir.`,
    );
  }
}

/** Regular files under `dir`, relative, with `/` separators. A link is refused: it would not ship. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const path = relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/');
    if (entry.isSymbolicLink()) {
      throw new ReleaseError(
        `${join(dir, path)} is a symbolic link: the bundle must be plain files.`,
      );
    }
    if (entry.isFile()) files.push(path);
  }
  return files.sort();
}

async function assertEmpty(out: string): Promise<void> {
  await mkdir(out, { recursive: true });
  const present = (await readdir(out)).filter((name) => name !== '.git');
  if (present.length > 0) {
    throw new ReleaseError(
      `${out} is not empty (it holds ${present.slice(0, 5).join(', ')}${present.length > 5 ? ', …' : ''}): pass a new folder, or a clone of the action repository after \`git rm -r -q .\`.`,
    );
  }
}
