import { describe, expect, it } from 'vitest';
import { checkDistNotices } from './support/notices.mts';

/**
 * dist/THIRD_PARTY_NOTICES.txt, which the tarball ships beside the bundles: every third-party
 * package esbuild put in them (by its metafile, from a fresh build), with the licence text that
 * package ships, and nothing else. Runs after the build (scripts/bootstrap.sh).
 */
describe('dist/THIRD_PARTY_NOTICES.txt', () => {
  it('lists every bundled package with the licence text it ships, and nothing else', async () => {
    const { problems, bundled } = await checkDistNotices();
    expect(problems, 'rebuild: pnpm --filter n8n-nodes-asana-exports build').toEqual([]);
    expect(bundled).toEqual([expect.stringMatching(/^zod@\d/)]);
  });
});
