/**
 * One version for everything released. Changesets bumps the released packages together (a
 * `fixed` group in .changeset/config.json); this then gives the core the same version, in its
 * package.json and in `TOOL_VERSION`, which the protocol core cannot read from a file and which
 * every bundle prints (`asana-export --version`, the manifest's `tool.version`, the User-Agent).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ReleaseError } from './problems.js';

/** The packages Changesets versions together, by folder under packages/. */
export const RELEASED_PACKAGES = ['cli', 'n8n-node', 'github-action'] as const;
const CORE_PACKAGE = 'packages/core/package.json';
const VERSION_MODULE = 'packages/core/src/protocol/version.ts';
const TOOL_VERSION_LINE = /^export const TOOL_VERSION = '[^']*';$/m;
const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

export interface SyncResult {
  readonly version: string;
  /** The files rewritten: none when the core already had the version. */
  readonly changed: readonly string[];
}

async function readJson(root: string, file: string): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await readFile(join(root, file), 'utf8')) as Record<string, unknown>;
  } catch {
    throw new ReleaseError(`Cannot read ${file} as JSON.`);
  }
}

export async function syncVersion(root: string): Promise<SyncResult> {
  const versions = await Promise.all(
    RELEASED_PACKAGES.map(async (dir) => {
      const file = `packages/${dir}/package.json`;
      return { file, version: (await readJson(root, file)).version };
    }),
  );
  const distinct = new Set(versions.map(({ version }) => version));
  const [version] = distinct;
  if (distinct.size !== 1 || typeof version !== 'string' || !SEMVER.test(version)) {
    throw new ReleaseError(
      `The released packages must share one version: ${versions
        .map((entry) => `${entry.file} has ${JSON.stringify(entry.version)}`)
        .join(', ')}. Put them in one "fixed" group in .changeset/config.json.`,
    );
  }

  const changed: string[] = [];
  const corePackage = await readJson(root, CORE_PACKAGE);
  if (corePackage.version !== version) {
    corePackage.version = version;
    await writeFile(join(root, CORE_PACKAGE), `${JSON.stringify(corePackage, null, 2)}\n`);
    changed.push(CORE_PACKAGE);
  }
  const module = await readFile(join(root, VERSION_MODULE), 'utf8').catch(() => {
    throw new ReleaseError(`Cannot read ${VERSION_MODULE}.`);
  });
  if (!TOOL_VERSION_LINE.test(module)) {
    throw new ReleaseError(`${VERSION_MODULE} has no line \`export const TOOL_VERSION = '…';\`.`);
  }
  const updated = module.replace(TOOL_VERSION_LINE, `export const TOOL_VERSION = '${version}';`);
  if (updated !== module) {
    await writeFile(join(root, VERSION_MODULE), updated);
    changed.push(VERSION_MODULE);
  }
  return { version, changed };
}
