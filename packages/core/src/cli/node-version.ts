/**
 * The oldest Node.js the CLI runs on: the `engines` floor of packages/core/package.json (a test
 * keeps the two equal). Older ones fail deep inside undici with a TypeError that names no
 * version, so the executable checks first. Imports nothing, so that it loads on any Node.
 */
export const MIN_NODE_MAJOR = 24;

/** Why this Node.js cannot run the CLI, or undefined when it can (`process.versions.node`). */
export function nodeVersionProblem(version: string): string | undefined {
  const major = Number(/^(\d+)\./.exec(version)?.[1]);
  if (Number.isInteger(major) && major >= MIN_NODE_MAJOR) return undefined;
  return `asana-export needs Node.js ${MIN_NODE_MAJOR} or later; this is Node.js ${version}. Install a current Node.js (https://nodejs.org) and run it again.`;
}
