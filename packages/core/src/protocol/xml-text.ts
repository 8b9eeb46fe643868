/**
 * Reads the few flat values an object store's XML answers carry (`<UploadId>`, `<Code>`,
 * `<Message>`, `<Region>`). Not an XML parser: the documents are small and fixed, and only the
 * first element of a name is wanted. What comes back is still outside text: callers check it.
 */

const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
};

/** The text of the first `<name>…</name>` in `xml`, entities decoded; undefined when absent. */
export function xmlText(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}(?:\\s[^>]*)?>([^<]*)</${name}>`).exec(xml);
  return match === null ? undefined : decoded(match[1] ?? '');
}

/** The texts of every `<name>…</name>` in `xml`, in order (the keys of a listing). */
export function xmlTexts(xml: string, name: string): string[] {
  const pattern = new RegExp(`<${name}(?:\\s[^>]*)?>([^<]*)</${name}>`, 'g');
  return [...xml.matchAll(pattern)].map((match) => decoded(match[1] ?? ''));
}

function decoded(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity.startsWith('#x') || entity.startsWith('#X')) {
      return safeCodePoint(Number.parseInt(entity.slice(2), 16)) ?? whole;
    }
    if (entity.startsWith('#')) return safeCodePoint(Number(entity.slice(1))) ?? whole;
    return ENTITIES[entity] ?? whole;
  });
}

/** Whether `xml` has a `<name>` element at all. */
export function hasXmlElement(xml: string, name: string): boolean {
  return new RegExp(`<${name}[\\s>/]`).test(xml);
}

/** `text` escaped for an XML element's content. */
export function xmlEscape(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (char) => `&${Object.keys(ENTITIES).find((name) => ENTITIES[name] === char)};`,
  );
}

function safeCodePoint(code: number): string | undefined {
  return Number.isInteger(code) && code >= 0 && code <= 0x10ffff
    ? String.fromCodePoint(code)
    : undefined;
}
