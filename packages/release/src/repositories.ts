/** The two public repositories a release writes to (decided once; see the action's README). */
export const MONOREPO = 'asana-exports/asana-exports';
export const ACTION_REPOSITORY = 'asana-exports/asana-export-action';
export const MONOREPO_URL = `https://github.com/${MONOREPO}`;
/** Where the action's sources live in the monorepo, for links from the assembled README. */
export const ACTION_SOURCE_PATH = 'packages/github-action';
