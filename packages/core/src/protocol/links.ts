/**
 * Which links the downloader may open: a `download_url` from Asana's answer, and every redirect
 * the download host answers with. Only http(s); never from https down to http, where the link's
 * credentials would cross the network in clear. The links themselves are secrets: problems name
 * the scheme at most.
 */

export type LinkVerdict =
  | { readonly ok: true; readonly url: URL }
  | { readonly ok: false; readonly problem: string };

const SCHEME = /^[a-z][a-z0-9+.-]{0,20}:$/i;

/** A link to open; `base` resolves a redirect's relative `Location`. */
export function checkDownloadLink(text: string, base?: URL): LinkVerdict {
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    return { ok: false, problem: 'is not a link the downloader can read' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    const scheme = SCHEME.test(url.protocol) ? ` (it is a ${url.protocol.toLowerCase()} link)` : '';
    return { ok: false, problem: `is not an http(s) link${scheme}` };
  }
  if (base?.protocol === 'https:' && url.protocol === 'http:') {
    return { ok: false, problem: 'leads from https down to plain http' };
  }
  return { ok: true, url };
}
