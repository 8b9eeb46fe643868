import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

// One root per test file (vitest evaluates this module once per file), made on first use and
// removed after the file's last test, whether it passed or not: no run leaves folders in /tmp.
let root: string | undefined;
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

/** A new folder of this test file's, removed with the others after its last test. */
export function tempDir(prefix: string): string {
  root ??= mkdtempSync(join(tmpdir(), 'asana-action-test-'));
  return mkdtempSync(join(root, prefix));
}
