/**
 * The public-repository guard. Anyone who can read a repository can download its workflow
 * artifacts: in a public repository that is everyone signed in to GitHub. An unencrypted export
 * of an organisation's Asana data is refused there, before anything is asked of Asana, unless
 * the workflow says it means it (`allow-public-unencrypted: true`).
 */

import { readFile } from 'node:fs/promises';
import { InputError } from '@asana-exports/core/node';

export type Visibility = 'public' | 'private' | 'internal';

/** The visibility in the event payload (`repository.visibility`, else `repository.private`). */
export async function visibilityFromEvent(
  eventPath: string | undefined,
): Promise<Visibility | undefined> {
  if (!eventPath) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(await readFile(eventPath, 'utf8'));
  } catch {
    return undefined;
  }
  const repository = (payload as { repository?: unknown } | null)?.repository;
  if (typeof repository !== 'object' || repository === null) return undefined;
  const { visibility, private: isPrivate } = repository as Record<string, unknown>;
  const known = readVisibility(visibility);
  if (known !== undefined) return known;
  if (typeof isPrivate === 'boolean') return isPrivate ? 'private' : 'public';
  return undefined;
}

export function readVisibility(value: unknown): Visibility | undefined {
  return value === 'public' || value === 'private' || value === 'internal' ? value : undefined;
}

/**
 * Throws when the export would be stored unencrypted where anyone may download it. A visibility
 * nobody could tell counts as public: the guard fails closed.
 */
export function guardPublicArtifacts(facts: {
  readonly visibility: Visibility | undefined;
  readonly encrypted: boolean;
  readonly allowed: boolean;
}): void {
  if (facts.encrypted || facts.allowed || facts.visibility === 'private') return;
  if (facts.visibility === 'internal') return;
  const where =
    facts.visibility === 'public'
      ? 'this repository is public: anyone signed in to GitHub can download its artifacts'
      : 'the action could not tell whether this repository is public (the event has no repository and the API did not say)';
  throw new InputError(
    'encrypt-to',
    `missing; ${where}, and the export would be stored unencrypted`,
    'Set encrypt-to to an age public key (age1..., from `age-keygen`; keep the private key out of the repository), or set allow-public-unencrypted: true if the data may really be public.',
  );
}
