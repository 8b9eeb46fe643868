/**
 * The action's README as the action repository shows it: the same text, with links that still
 * lead somewhere once the file leaves the monorepo, and the monorepo's development notes (which
 * name files the action repository does not have) replaced by where the source lives.
 */
import { ACTION_SOURCE_PATH, MONOREPO, MONOREPO_URL } from './repositories.js';

const SOURCE_URL = `${MONOREPO_URL}/tree/main/${ACTION_SOURCE_PATH}`;
const LINK_BASE = `${MONOREPO_URL}/blob/main/${ACTION_SOURCE_PATH}/`;

export const SOURCE_SECTION = `## Source

This repository is written by the release workflow of [${MONOREPO}](${MONOREPO_URL}) from
[\`${ACTION_SOURCE_PATH}\`](${SOURCE_URL}) at each release, so that the action sits at a
repository's root as GitHub Marketplace requires. Issues, pull requests and the source are there.
`;

export function releaseReadme(readme: string): string {
  const linked = readme.replace(
    /\]\((?!https?:|mailto:|#)([^)\s]+)\)/g,
    (_match, target: string) => `](${new URL(target, LINK_BASE).href})`,
  );
  const development = /^## Development\n[\s\S]*?(?=^## |(?![\s\S]))/m;
  if (!development.test(linked)) return `${linked.trimEnd()}\n\n${SOURCE_SECTION}`;
  const replaced = linked.replace(development, `${SOURCE_SECTION}\n`);
  return `${replaced.trimEnd()}\n`;
}
