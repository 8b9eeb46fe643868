/**
 * Scrubs secrets from anything that may reach a log, an error message or an n8n execution view.
 * Two kinds of secret: the Asana token (known, passed in) and presigned download URLs (unknown
 * in advance, recognised by shape: their credentials sit in the query string).
 */

export type Redactor = (text: string) => string;

/** A redactor that can learn secrets discovered later, e.g. a token read after startup. */
export interface ExtensibleRedactor extends Redactor {
  add(secret: string | undefined): void;
}

const MASK = '***';
/** Shorter "secrets" would mask ordinary words and digits all over the log. */
const MIN_SECRET_LENGTH = 6;

/**
 * A URL runs until whitespace, a quote, `<`, `>` or a backtick. A run of backslashes ends it only
 * when it escapes a quote (the URL sat in a JSON string, perhaps JSON inside JSON): `\u0026` and
 * `\/` stay part of it, so everything after `?` is still redacted. Slashes may be escaped too.
 */
const URL_PATTERN = /https?:(?:\\*\/){2}(?:[^\s"'<>`\\]|\\+(?![\\"']))*/gi;
const BEARER_PATTERN = /\b(Bearer)\s+[^\s"'`<>,;]+/gi;
const SIGNED_PARAM_PATTERN =
  /\b(X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|Signature)=[^&\s"'<>`\\]+/gi;
/** Asana personal access tokens, e.g. `2/1234567890/1234567890123:0123abcd...`. */
const ASANA_PAT_PATTERN = /\b\d\/\d{4,}(?:\/\d{4,})?:[0-9a-f]{16,}\b/gi;

export function createRedactor(secrets: readonly (string | undefined)[]): ExtensibleRedactor {
  const known = new Set<string>();
  // Longest first, so a secret that contains another is masked whole.
  let ordered: string[] = [];

  const redact = ((text: string): string => {
    let result = text;
    for (const secret of ordered) result = result.split(secret).join(MASK);
    return redactPatterns(result);
  }) as ExtensibleRedactor;

  redact.add = (secret: string | undefined): void => {
    if (secret === undefined || secret.length < MIN_SECRET_LENGTH) return;
    known.add(secret);
    // The same secret may appear percent-encoded inside a URL.
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) known.add(encoded);
    ordered = [...known].sort((a, b) => b.length - a.length);
  };

  for (const secret of secrets) redact.add(secret);
  return redact;
}

function redactPatterns(text: string): string {
  return text
    .replace(BEARER_PATTERN, `$1 ${MASK}`)
    .replace(URL_PATTERN, redactUrlMatch)
    .replace(SIGNED_PARAM_PATTERN, `$1=${MASK}`)
    .replace(ASANA_PAT_PATTERN, MASK);
}

function redactUrlMatch(match: string): string {
  let url = match;
  const query = url.indexOf('?');
  if (query !== -1) url = `${url.slice(0, query)}?REDACTED`;
  // user:password@host carries credentials too.
  return url.replace(/^(https?:(?:\\*\/){2})[^/\\@?]*@/i, `$1${MASK}@`);
}

/** A URL safe to log: origin and path, with any query replaced. Unparsable → `REDACTED`. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'REDACTED';
  }
  // Non-http URLs (data:, file:) have no origin to keep.
  if (parsed.origin === 'null') return 'REDACTED';
  const hasQuery = parsed.search !== '' || url.includes('?');
  return `${parsed.origin}${parsed.pathname}${hasQuery ? '?REDACTED' : ''}`;
}
