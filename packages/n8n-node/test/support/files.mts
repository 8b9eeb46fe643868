/** File checks for the end-to-end tests (Node built-ins: see n8n.mts). */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll } from 'vitest';

export async function sha256Of(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

export async function gunzippedSha256Of(path: string): Promise<string> {
  return createHash('sha256')
    .update(gunzipSync(await readFile(path)))
    .digest('hex');
}

export async function listFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

export function env(name: string): string | undefined {
  return process.env[name];
}

export async function readText(path: string): Promise<string> {
  return await readFile(path, 'utf8');
}

export async function sizeOf(path: string): Promise<number> {
  return (await readFile(path)).length;
}

// One root per test file (vitest evaluates this module once per file), made on first use and
// removed after the file's last test, whether it passed or not: no run leaves folders in /tmp.
let tempRoot: string | undefined;
afterAll(() => {
  if (tempRoot) rmSync(tempRoot, { recursive: true, force: true });
});

/** A new folder of this test file's, removed with the others after its last test. */
export async function tempDir(prefix: string): Promise<string> {
  tempRoot ??= mkdtempSync(join(tmpdir(), 'asana-n8n-test-'));
  return mkdtempSync(join(tempRoot, prefix));
}

export async function removeDir(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** V8's longest string on this Node, in characters. */
export { constants as bufferConstants } from 'node:buffer';
export { existsSync as fileExists } from 'node:fs';
/** For tests that write or read whole files (test files may import node: modules only from here). */
export { readFile, writeFile } from 'node:fs/promises';
export { join as pathJoin } from 'node:path';
