/**
 * Every "_Parameter_ (default X)" the README states is the default the node has: a default
 * changed in the node and not in the README (or the other way round) fails here.
 */
import type { INodeProperties } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import { AsanaExport } from '../nodes/AsanaExport/AsanaExport.node';
import { readText } from './support/files.mts';

const { properties } = new AsanaExport().description;

/** Every parameter, options of collections included, by display name (several per name). */
function byDisplayName(): Map<string, unknown[]> {
  const found = new Map<string, unknown[]>();
  const visit = (list: readonly unknown[] | undefined) => {
    for (const item of list ?? []) {
      const property = item as Partial<INodeProperties> & { values?: unknown[] };
      if (typeof property.displayName === 'string' && 'default' in property) {
        found.set(property.displayName, [
          ...(found.get(property.displayName) ?? []),
          property.default,
        ]);
      }
      if (property.type === 'collection' || property.type === 'fixedCollection') {
        visit(property.options as unknown[] | undefined);
      }
      visit(property.values);
    }
  };
  visit(properties);
  return found;
}

/** `on`/`off` for booleans, numbers with their thousands separators, values in backticks. */
function asStated(value: string): string {
  const plain = value.replace(/`/g, '').replace(/(\d),(\d{3})\b/g, '$1$2');
  return plain === 'on' ? 'true' : plain === 'off' ? 'false' : plain;
}

describe('the README', () => {
  it('states only defaults the node has', async () => {
    const text = (await readText(new URL('../README.md', import.meta.url).pathname)).replace(
      /\s+/g,
      ' ',
    );
    const parameters = byDisplayName();
    const claims = [...text.matchAll(/_([^_]+)_,? \(?default ([^),;]+(?:,\d{3})*)[),;]/g)];
    expect(claims.length).toBeGreaterThan(3);
    for (const [, name = '', stated = ''] of claims) {
      const defaults = parameters.get(name);
      expect(
        defaults,
        `the README names a parameter _${name}_ the node does not have`,
      ).toBeDefined();
      expect(
        defaults?.map(String),
        `_${name}_: the README says the default is ${stated}`,
      ).toContain(asStated(stated));
    }
  });
});
