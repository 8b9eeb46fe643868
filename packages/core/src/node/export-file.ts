/**
 * Reading an export already stored on disk, as `verify` and `diff` do: its manifest (beside it
 * or named), whether it is age ciphertext, its format, the identities to decrypt it with.
 */
import { open, readFile } from 'node:fs/promises';
import { parseAgeIdentities } from '../protocol/age-keys.js';
import type { AgeIdentity } from '../protocol/age-x25519.js';
import { AgeDecryptError, InputError } from '../protocol/errors.js';
import { type Manifest, parseManifest } from '../protocol/manifest.js';
import { printable } from '../protocol/text.js';

const AGE_MAGIC = 'age-encryption.org/';

export async function isAgeFile(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = new Uint8Array(AGE_MAGIC.length);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return bytesRead === head.length && String.fromCharCode(...head) === AGE_MAGIC;
  } finally {
    await handle.close();
  }
}

export async function readIdentities(paths: readonly string[]): Promise<AgeIdentity[]> {
  const identities: AgeIdentity[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw new InputError(
        '--identity',
        `cannot read ${printable(path, 300)} (${(error as { code?: string }).code ?? 'error'})`,
        'Pass the identity file age-keygen wrote (age-keygen -o key.txt).',
      );
    }
    identities.push(...parseAgeIdentities('--identity', text));
  }
  return identities;
}

/** When no identity fits, says whose keys were given and whom the manifest says it is for. */
export function withRecipientsHint(
  error: unknown,
  identities: readonly AgeIdentity[],
  manifest: Manifest | undefined,
): unknown {
  if (!(error instanceof AgeDecryptError) || error.reason !== 'no-identity') return error;
  const given = identities.map((identity) => identity.recipient.publicKey).join(', ');
  const wanted = manifest?.encryption?.recipients.join(', ');
  return new AgeDecryptError(
    'no-identity',
    error.problem,
    `--identity holds the keys of ${given}${wanted ? `; the manifest says the export was encrypted to ${wanted}` : ''}. Pass the identity file of one of its recipients.`,
  );
}

/** A manifest named with --manifest must exist; the implied one beside the file may not. */
export async function readManifest(
  path: string,
  required: boolean,
  input = '--manifest',
): Promise<Manifest | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (!required && (error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw new InputError(
      input,
      `cannot read ${printable(path, 300)}`,
      'Pass the manifest written beside the export.',
    );
  }
  return parseManifest(text, input);
}
