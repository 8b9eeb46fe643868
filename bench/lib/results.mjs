import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const resultsDir = join(import.meta.dirname, '../results');

/** Writes one benchmark's figures as JSON and as a Markdown table, for comparing runs. */
export function writeResults(name, figures, markdown) {
  mkdirSync(resultsDir, { recursive: true });
  const stamped = { at: new Date().toISOString(), node: process.version, ...figures };
  writeFileSync(join(resultsDir, `${name}.json`), `${JSON.stringify(stamped, null, 2)}\n`);
  writeFileSync(join(resultsDir, `${name}.md`), `${markdown}\n`);
}
