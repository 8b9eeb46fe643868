import { InputError } from './errors.js';
import { quoteUserValue } from './params.js';

/**
 * Checks a base URL option (the sandbox, a proxy, Asana itself): http(s), and no query string or
 * credentials, because the token travels in the Authorization header and nowhere else.
 */
export function validateBaseUrl(input: string, text: string): string {
  const hint = 'Pass the API root, such as https://app.asana.com/api/1.0.';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError(input, `${quoteUserValue(text)} is not a URL`, hint);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(input, `must be an http(s) URL, not ${url.protocol}`, hint);
  }
  if (url.search || url.username || url.password) {
    throw new InputError(input, 'must not carry a query string or credentials', hint);
  }
  return text;
}
