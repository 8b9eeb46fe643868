/**
 * Debian's `age` and `age-keygen` (scripts/install-age.sh), the reference implementation the
 * node's ciphertext is checked against: keys come from age-keygen, files are opened by `age -d`.
 */
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Manifest } from '@asana-exports/core/protocol';
import { describe, expect } from 'vitest';

const HAVE_AGE =
  spawnSync('age', ['--version']).status === 0 &&
  spawnSync('age-keygen', ['--version']).status === 0;

/**
 * `describe` that needs the age tool: skipped without it on a developer's machine, failing under
 * CI=true, where scripts/test.sh installs it and a missing tool is a broken setup.
 */
export function describeWithAge(name: string, body: () => void): void {
  describe.runIf(HAVE_AGE || process.env.CI === 'true')(name, () => {
    expect(HAVE_AGE, 'age is not installed: run scripts/install-age.sh').toBe(true);
    body();
  });
}

export interface AgeKey {
  /** The identity file age-keygen wrote, for `age -d -i`. */
  readonly identityFile: string;
  /** age1..., as `age-keygen -y` prints it. */
  readonly publicKey: string;
  /** The AGE-SECRET-KEY-1... line, to check it is never output anywhere. */
  readonly secretKey: string;
}

export async function makeAgeKey(dir: string, name: string): Promise<AgeKey> {
  const identityFile = join(dir, `${name}.key.txt`);
  tool('age-keygen', ['-o', identityFile]);
  const publicKey = tool('age-keygen', ['-y', identityFile]).toString('utf8').trim();
  const secretKey =
    (await readFile(identityFile, 'utf8'))
      .split('\n')
      .find((line) => line.startsWith('AGE-SECRET-KEY-1')) ?? '';
  expect(secretKey).not.toBe('');
  return { identityFile, publicKey, secretKey };
}

/** `age -d -i identityFile`, of a file's path or of bytes on stdin: the plaintext. */
export function ageDecrypt(identityFile: string, input: string | Uint8Array): Buffer {
  return typeof input === 'string'
    ? tool('age', ['-d', '-i', identityFile, input])
    : tool('age', ['-d', '-i', identityFile], input);
}

/** What `age -d … | zcat | grep -c .` counts: the records of a decrypted JSON Lines export. */
export function jsonlRecords(gzip: Uint8Array): number {
  return gunzipSync(gzip)
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '').length;
}

/**
 * What the manifest of an export stored encrypted says: `file` and `records` are the served
 * file's (the sandbox's own figures), `encryption` the recipients' keys and the stored ciphertext's.
 */
export function expectEncryptedManifest(
  manifest: Manifest,
  served: { name: string; bytes: number; sha256: string; records: number },
  recipients: readonly string[],
  ciphertext: { bytes: number; sha256: string },
): void {
  expect(manifest.file).toMatchObject({
    name: served.name,
    bytes: served.bytes,
    sha256: served.sha256,
  });
  expect(manifest.records.total).toBe(served.records);
  expect(manifest.encryption).toEqual({
    format: 'age',
    recipients,
    file: { name: `${served.name}.age`, ...ciphertext },
  });
}

function tool(command: string, args: readonly string[], input?: Uint8Array): Buffer {
  const result = spawnSync(command, args, { input, maxBuffer: 1024 * 1024 * 1024 });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  }
  return result.stdout;
}
