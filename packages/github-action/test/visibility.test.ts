import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '@asana-exports/core/node';
import { describe, expect, it } from 'vitest';
import { guardPublicArtifacts, visibilityFromEvent } from '../src/visibility.js';
import { tempDir } from './support/temp.js';

describe('guardPublicArtifacts', () => {
  it.each([
    ['public', false, false, 'refused'],
    ['public', true, false, 'stored'],
    ['public', false, true, 'stored'],
    ['private', false, false, 'stored'],
    ['internal', false, false, 'stored'],
    [undefined, false, false, 'refused'],
    [undefined, true, false, 'stored'],
  ] as const)('%s, encrypted %s, allowed %s → %s', (visibility, encrypted, allowed, outcome) => {
    const guard = () => guardPublicArtifacts({ visibility, encrypted, allowed });
    if (outcome === 'stored') expect(guard).not.toThrow();
    else expect(guard).toThrow(InputError);
  });
});

describe('visibilityFromEvent', () => {
  const dir = tempDir('event-');
  const event = (payload: string) => {
    const path = join(dir, `${Math.random()}.json`);
    writeFileSync(path, payload);
    return path;
  };
  it.each([
    ['{"repository":{"visibility":"internal","private":true}}', 'internal'],
    ['{"repository":{"private":false}}', 'public'],
    ['{"repository":{"private":true}}', 'private'],
    ['{"repository":{"visibility":"secret"}}', undefined],
    ['{"schedule":"0 2 * * *"}', undefined],
    ['not json', undefined],
    ['null', undefined],
  ])('%s → %s', async (payload, expected) => {
    expect(await visibilityFromEvent(event(payload))).toBe(expected);
  });
  it('reads nothing without a path', async () => {
    expect(await visibilityFromEvent(undefined)).toBeUndefined();
  });
});
