import { formatBytes } from '../protocol/format.js';
import type { ResumeAdvice } from '../protocol/resume.js';

/**
 * The command line that resumes an export, ready to paste: `run --resume` waits for the export if
 * it still runs, then downloads it, continuing from any bytes a previous run kept.
 */
export function resumeCommand(
  advice: ResumeAdvice,
  context: {
    readonly outDir: string | undefined;
    readonly baseUrl: string | undefined;
    readonly keptBytes: number;
    /** `--encrypt-to ...` and `--encrypt-to-file ...` as given: a resume must encrypt too. */
    readonly encryptToWords?: readonly string[];
    /** `--to ...` and its options as given: a resume stores to the same place. */
    readonly destinationWords?: readonly string[];
  },
): string {
  const words = ['asana-export', 'run', '--resume', advice.gid, '--kind', advice.kind];
  if (context.outDir !== undefined) words.push('--out', shellQuote(context.outDir));
  if (context.baseUrl !== undefined) words.push('--base-url', shellQuote(context.baseUrl));
  for (const word of context.encryptToWords ?? []) words.push(shellQuote(word));
  for (const word of context.destinationWords ?? []) words.push(shellQuote(word));
  const kept =
    context.keptBytes > 0 ? ` (continues from the ${formatBytes(context.keptBytes)} kept)` : '';
  return `${words.join(' ')}${kept}`;
}

/** Quotes a word for a POSIX shell when it needs it. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_./:@%+=,-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", "'\\''")}'`;
}
