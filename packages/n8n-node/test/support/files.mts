/** File checks for the end-to-end tests (Node built-ins: see n8n.mts). */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
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

export { join as pathJoin } from 'node:path';
