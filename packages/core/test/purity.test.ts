import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The protocol core is bundled into the n8n node, whose community-node scanner rejects timers,
// `process`, `globalThis` and Node's I/O modules. Biome enforces this while editing; this test
// keeps it true even if the lint configuration drifts.
const protocolDir = join(import.meta.dirname, '../src/protocol');

const FORBIDDEN: readonly [RegExp, string][] = [
  [/\bfrom\s+['"]node:(?!crypto['"])[^'"]+['"]/, 'a node: import other than node:crypto'],
  [/\bimport\(\s*['"]node:/, 'a dynamic node: import'],
  [
    // zod's classic API (`zod`) cannot be tree-shaken: 390 KB of the n8n node's bundle, not 51 KB.
    /\bfrom\s+['"](?!\.\/|zod\/mini['"]|node:crypto['"])[^'"]+['"]/,
    'an import of a package other than zod/mini',
  ],
  [/\bfrom\s+['"]\.\.\//, 'an import from outside protocol/'],
  [/\b(setTimeout|setInterval|setImmediate|queueMicrotask)\s*\(/, 'a timer'],
  [/\bprocess\./, 'process'],
  [/\bglobalThis\b/, 'globalThis'],
  [/\brequire\s*\(/, 'require'],
  [/\bBuffer\./, 'Buffer'],
];

/** Source without comments, so documentation may name what the code must not use. */
function code(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

describe('protocol/ purity', () => {
  it('uses no I/O, timers, process or globals, and imports only zod/mini and node:crypto', async () => {
    const files = (await readdir(protocolDir)).filter((name) => name.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(10);
    const violations: string[] = [];
    for (const file of files) {
      const source = code(await readFile(join(protocolDir, file), 'utf8'));
      for (const [pattern, what] of FORBIDDEN) {
        if (pattern.test(source)) violations.push(`${file}: ${what}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('catches a violation when there is one', () => {
    const probe = code("import { readFile } from 'node:fs';\nconst t = setTimeout(() => {}, 1);");
    const found = FORBIDDEN.filter(([pattern]) => pattern.test(probe)).map(([, what]) => what);
    expect(found).toEqual([
      'a node: import other than node:crypto',
      'an import of a package other than zod/mini',
      'a timer',
    ]);
  });

  it('allows zod/mini but not the classic zod API', () => {
    const violationsOf = (source: string) =>
      FORBIDDEN.filter(([pattern]) => pattern.test(code(source))).map(([, what]) => what);
    expect(violationsOf("import * as z from 'zod/mini';")).toEqual([]);
    expect(violationsOf("import { z } from 'zod';")).toEqual([
      'an import of a package other than zod/mini',
    ]);
  });
});
