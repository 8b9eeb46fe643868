/**
 * The tags a release pushes to the action repository: `vX.Y.Z`, which never moves, and the major
 * `vX` that users write (`@v1`), moved to each new stable release of that major, as
 * actions/publish-action does. A prerelease gets its own tag only, and so does a fix released
 * for an older minor while a newer one exists (`v1.2.4` after `v1.3.0`): `v1` stays on the newest.
 */
import { ReleaseError } from './problems.js';

// semver.org's pattern, without the optional leading `v`.
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly prerelease: string | undefined;
}

export interface ActionTags {
  /** `vX.Y.Z`, to create. */
  readonly release: string;
  /** `vX`, to create or move; undefined when it must stay where it is. */
  readonly major: string | undefined;
  /** Why `major` is undefined. */
  readonly majorKept: string | undefined;
}

export function parseVersion(text: string): Version | undefined {
  const match = SEMVER.exec(text);
  if (!match) return undefined;
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: Number(match[3]),
    prerelease: match[4],
  };
}

/**
 * `existing` is the action repository's tags: names (`v1.0.0`), `refs/tags/…`, or the lines of
 * `git ls-remote --tags` (peeled `^{}` entries included).
 */
export function actionTags(version: string, existing: Iterable<string>): ActionTags {
  const parsed = parseVersion(version);
  if (!parsed) {
    throw new ReleaseError(
      `version ${JSON.stringify(version)} is not semantic versioning (X.Y.Z): fix "version" in packages/github-action/package.json.`,
    );
  }
  const release = `v${version}`;
  const tags = new Set([...existing].map(tagName).filter((name) => name !== ''));
  if (tags.has(release)) {
    throw new ReleaseError(
      `${release} already exists in the action repository, and a release tag never moves: bump the version with a changeset (pnpm changeset) and release again.`,
    );
  }
  const major = `v${parsed.major}`;
  if (parsed.prerelease !== undefined) {
    return { release, major: undefined, majorKept: `${release} is a prerelease` };
  }
  let newest: { readonly tag: string; readonly version: Version } | undefined;
  for (const tag of tags) {
    const other = tag.startsWith('v') ? parseVersion(tag.slice(1)) : undefined;
    if (!other || other.prerelease !== undefined || other.major !== parsed.major) continue;
    if (compare(other, newest?.version ?? parsed) > 0) newest = { tag, version: other };
  }
  if (newest) {
    return { release, major: undefined, majorKept: `${major} stays on the newer ${newest.tag}` };
  }
  return { release, major, majorKept: undefined };
}

function tagName(line: string): string {
  const ref = line.trim().split(/\s+/).at(-1) ?? '';
  return ref.replace(/^refs\/tags\//, '').replace(/\^\{\}$/, '');
}

function compare(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}
