/** File checks for the end-to-end tests (Node built-ins: see n8n.mts). */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

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

/** A new folder under the system's temp folder. */
export async function tempDir(prefix: string): Promise<string> {
  return await mkdtemp(join(tmpdir(), prefix));
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
