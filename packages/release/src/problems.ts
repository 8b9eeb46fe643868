/**
 * One shape for everything the checks find, printed the way compilers and actionlint print
 * theirs (`file:line:column: message [rule]`), so an editor or a CI log links straight to it.
 */

export interface Problem {
  readonly file: string;
  /** 1-based; 0 when the problem is about the file as a whole. */
  readonly line: number;
  readonly column: number;
  readonly message: string;
  /** The rule that found it, such as actionlint's `expression` or this package's `marketplace`. */
  readonly rule: string;
}

export function formatProblem(problem: Problem): string {
  const where =
    problem.line > 0 ? `${problem.file}:${problem.line}:${problem.column}` : problem.file;
  return `${where}: ${problem.message} [${problem.rule}]`;
}

/** An error whose message is meant for the person running the script: no stack trace. */
export class ReleaseError extends Error {
  override readonly name = 'ReleaseError';
}
