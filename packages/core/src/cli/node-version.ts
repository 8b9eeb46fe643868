/**
 * The oldest Node.js the CLI runs on: the `engines` floor of the published package
 * (packages/cli/package.json) and of packages/core/package.json, which tests keep equal. It is
 * undici 8's own floor; older ones fail deep inside undici with a TypeError that names no
 * version, so the executable checks first. Imports nothing, so that it loads on any Node.
 */
export const MIN_NODE_VERSION = '22.19.0';

/** `major.minor.patch` as numbers, or undefined when the text is not one. */
function parts(version: string): readonly number[] | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  return match === null ? undefined : match.slice(1).map(Number);
}

/** Why this Node.js cannot run the CLI, or undefined when it can (`process.versions.node`). */
export function nodeVersionProblem(version: string): string | undefined {
  const have = parts(version);
  const need = parts(MIN_NODE_VERSION) ?? [];
  if (have !== undefined) {
    const first = have.findIndex((part, index) => part !== need[index]);
    if (first === -1 || (have[first] ?? 0) > (need[first] ?? 0)) return undefined;
  }
  return `asana-export needs Node.js ${MIN_NODE_VERSION} or later; this is Node.js ${version}. Install a current Node.js (https://nodejs.org) and run it again.`;
}
