import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createAgeDecryptor } from '../../src/protocol/age.js';
import { parseAgeIdentities } from '../../src/protocol/age-keys.js';
import { AgeDecryptError, type AgeDecryptFailure } from '../../src/protocol/errors.js';

// age's own conformance vectors (C2SP/CCTV, see the README beside them): every header, stanza,
// MAC and STREAM edge case the reference implementation was written against.
const dir = join(import.meta.dirname, '../fixtures/age-testkit');
const SOME_IDENTITY = 'AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX';
const vectors = readdirSync(dir).filter((name) => name !== 'README.md');

/** Which of our reasons each of the testkit's outcomes may be reported as. */
const REASONS: Readonly<Record<string, readonly AgeDecryptFailure[]>> = {
  // No stanza of a type we read (here: `x25519`, in lower case) is a no match too, said plainly.
  'no match': ['no-identity', 'unsupported'],
  'HMAC failure': ['header-mac'],
  'header failure': ['header', 'not-age', 'unsupported', 'truncated'],
  'payload failure': ['payload', 'truncated'],
};

function readVector(name: string) {
  const bytes = readFileSync(join(dir, name));
  const split = bytes.indexOf('\n\n');
  const fields = bytes.subarray(0, split).toString('utf8').split('\n');
  const values = (key: string) =>
    fields.filter((line) => line.startsWith(`${key}: `)).map((line) => line.slice(key.length + 2));
  const body = bytes.subarray(split + 2);
  return {
    expect: values('expect')[0] ?? '',
    payload: values('payload')[0],
    identities: values('identity'),
    file: values('compressed')[0] === 'zlib' ? inflateSync(body) : body,
  };
}

describe('the age testkit', () => {
  it('has the vectors', () => {
    expect(vectors.length).toBeGreaterThan(60);
  });

  it.each(vectors)('%s', (name) => {
    const vector = readVector(name);
    // The one vector without an identity (an empty file) fails before any is tried.
    const identities = vector.identities.length > 0 ? vector.identities : [SOME_IDENTITY];
    const decryptor = createAgeDecryptor(parseAgeIdentities('identity', identities.join('\n')));
    const released: Uint8Array[] = [];
    let failure: unknown;
    try {
      // Fed in uneven pieces, so that no boundary lines up with a chunk's.
      for (let at = 0; at < vector.file.length; at += 40_000) {
        released.push(...decryptor.update(vector.file.subarray(at, at + 40_000)));
      }
      released.push(...decryptor.final());
    } catch (error) {
      failure = error;
    }
    const payload = createHash('sha256').update(Buffer.concat(released)).digest('hex');
    if (vector.expect === 'success') {
      expect(failure).toBeUndefined();
      expect(payload).toBe(vector.payload);
      return;
    }
    expect(failure, `${name} should fail with ${vector.expect}`).toBeInstanceOf(AgeDecryptError);
    expect(REASONS[vector.expect]).toContain((failure as AgeDecryptError).reason);
    // What was released before a payload failure had been authenticated: the testkit's hash, or
    // less when the failure came in the chunk held back to learn whether it is the last.
    if (vector.expect === 'payload failure' && payload !== vector.payload) {
      expect(released.reduce((sum, chunk) => sum + chunk.length, 0) % (64 * 1024)).toBe(0);
    }
  });
});
