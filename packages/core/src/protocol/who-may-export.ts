/**
 * Who may create each kind of export, as Asana documents it: the one wording every README, hint
 * and n8n description uses (a test in packages/release checks the READMEs hold it verbatim), so
 * that no two places tell a user different things about their token.
 */
import type { ExportKind } from './kinds.js';

export const WHO_MAY_EXPORT: Readonly<Record<ExportKind, string>> = {
  organization: 'a service account of an Enterprise or Enterprise+ organization',
  resource:
    'a service account of an Enterprise+ organization, or of one with the Compliance Management add-on',
  graph:
    'any user of an Enterprise or Enterprise+ organization (the export holds what that user can see; a service account sees everything)',
};

const KIND_NAMES: Readonly<Record<ExportKind, string>> = {
  organization: 'Organization exports',
  resource: 'Resource exports',
  graph: 'Graph exports',
};

/** `Resource exports need a service account of …` (a sentence, for hints). */
export function whoMayExport(kind: ExportKind): string {
  return `${KIND_NAMES[kind]} need ${WHO_MAY_EXPORT[kind]}.`;
}
