/**
 * A YAML file parsed once, with a way back from a path in the data (`runs.main`) to the line and
 * column it came from, so a problem found in the data is reported where a person would fix it.
 */
import { isMap, isNode, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { Problem } from './problems.js';

export interface YamlSource {
  readonly file: string;
  /** The parsed data; undefined when the text is not YAML (see `syntaxProblems`). */
  readonly data: unknown;
  readonly syntaxProblems: readonly Problem[];
  /** The problem at `path`, or at the nearest part of it that exists. */
  problemAt(path: readonly PropertyKey[], message: string, rule: string): Problem;
}

export function parseYamlSource(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const position = (offset: number | undefined): { line: number; column: number } => {
    if (offset === undefined) return { line: 1, column: 1 };
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const syntaxProblems = document.errors.map((error) => ({
    file,
    ...position(error.pos[0]),
    message: error.message.split('\n')[0] ?? error.message,
    rule: 'syntax',
  }));
  return {
    file,
    data: syntaxProblems.length === 0 ? document.toJS() : undefined,
    syntaxProblems,
    problemAt(path, message, rule) {
      return { file, ...position(offsetOf(document.contents, path)), message, rule };
    },
  };
}

/** Where the key of the deepest existing entry on `path` starts (its key, so `foo:` is pointed at). */
function offsetOf(root: Node | null, path: readonly PropertyKey[]): number | undefined {
  let node: unknown = root;
  let offset = root?.range?.[0];
  for (const segment of path) {
    if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (!isNode(item)) break;
      offset = item.range?.[0] ?? offset;
      node = item;
      continue;
    }
    if (!isMap(node)) break;
    const pair = node.items.find((item) => isScalar(item.key) && item.key.value === segment);
    if (!pair) break;
    offset = (isScalar(pair.key) ? pair.key.range?.[0] : undefined) ?? offset;
    node = pair.value;
  }
  return offset;
}
