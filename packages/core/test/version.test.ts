import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { TOOL_VERSION, USER_AGENT } from '../src/protocol/version.js';

it('names the package version in the user agent', async () => {
  const pkg = JSON.parse(await readFile(join(import.meta.dirname, '../package.json'), 'utf8')) as {
    version: string;
  };
  expect(TOOL_VERSION).toBe(pkg.version);
  expect(USER_AGENT).toContain(`asana-exports/${pkg.version}`);
});
