/**
 * Text that came from outside (Asana's messages and state values, an object store's headers, a
 * local path) made safe to print. A terminal obeys escape sequences, BEL and CR; a GitHub runner
 * reads a line that starts with `::` as a workflow command (a newline in a state value forged an
 * `::error` annotation); bidirectional overrides reorder what a reader sees. Every such character
 * is shown escaped instead, so the text stays readable and can do nothing.
 */

/**
 * C0 controls (newline and tab included), DEL, C1 controls, the line and paragraph separators,
 * and the bidirectional marks, embeddings, overrides and isolates.
 */
const UNPRINTABLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Longer outside text is cut: a proxy's error page or a hostile message is not worth a screen. */
export const MAX_OUTSIDE_TEXT = 500;

/**
 * `text` with every unprintable character escaped (`\n`, `\u001b`...) and cut to `maxLength`
 * characters, saying how much was left out. Idempotent on its own output's characters.
 */
export function printable(text: string, maxLength = MAX_OUTSIDE_TEXT): string {
  const safe = text.replace(UNPRINTABLE, escaped);
  if (safe.length <= maxLength) return safe;
  return `${safe.slice(0, maxLength)}… (${safe.length - maxLength} more characters)`;
}

/**
 * Our own multi-line text (an error and its hint, a summary) with any unprintable character
 * escaped except the newlines between its lines, which are ours. Nothing is cut.
 */
export function printableLines(text: string): string {
  return text
    .split('\n')
    .map((line) => printable(line, Number.POSITIVE_INFINITY))
    .join('\n');
}

function escaped(character: string): string {
  return NAMED[character] ?? `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
