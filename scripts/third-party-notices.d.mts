// Types of third-party-notices.mjs, for the tests that import it.

/** The part of esbuild's metafile read here. */
export interface Metafile {
  outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
}

export interface BundledPackage {
  name: string;
  version: string;
  license: string;
  dir: string;
  texts: Array<{ file: string; text: string }>;
}

export function bundledPackages(
  bundle: Metafile | string[],
  options: { cwd: string },
): BundledPackage[];

export function thirdPartyNotices(
  bundle: Metafile | string[],
  options: { cwd: string; title: string },
): string;

export function checkNotices(
  text: string,
  bundle: Metafile | string[],
  options: { cwd: string },
): string[];
