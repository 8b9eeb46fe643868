/**
 * What GitHub Marketplace asks of an action before it lists it, beyond valid metadata: a name,
 * a description short enough for the listing card, and branding for its icon. The one rule about
 * the repository itself (a single action at its root, no workflow files) is the assembler's.
 *
 * Reference: docs.github.com, "Publishing actions in GitHub Marketplace".
 */
import type { ActionMetadata } from './action-metadata.js';
import type { Problem } from './problems.js';
import type { YamlSource } from './yaml-source.js';

/** The Marketplace refuses descriptions of 125 characters or more. */
export const MAX_DESCRIPTION_LENGTH = 124;

export function marketplaceProblems(metadata: ActionMetadata, source: YamlSource): Problem[] {
  const problems: Problem[] = [];
  const rule = 'marketplace';
  if (metadata.name.trim() === '') {
    problems.push(source.problemAt(['name'], 'name is empty', rule));
  }
  const description = metadata.description.trim();
  if (description.length > MAX_DESCRIPTION_LENGTH) {
    problems.push(
      source.problemAt(
        ['description'],
        `description is ${description.length} characters; the Marketplace takes at most ${MAX_DESCRIPTION_LENGTH}: shorten it`,
        rule,
      ),
    );
  }
  if (metadata.branding?.icon === undefined) {
    problems.push(
      source.problemAt(['branding'], 'branding.icon is required (a Feather icon name)', rule),
    );
  }
  if (metadata.branding?.color === undefined) {
    problems.push(source.problemAt(['branding'], 'branding.color is required', rule));
  }
  return problems;
}
