import { describe, expect, it } from 'vitest';
import { parseDestination } from '../../src/protocol/destination.js';
import { InputError } from '../../src/protocol/errors.js';
import {
  checkLayout,
  DEFAULT_LAYOUT,
  objectKeys,
  pendingKey,
  supersedes,
} from '../../src/protocol/object-layout.js';
import {
  parseEndpoint,
  parseRetentionDays,
  parseS3Encryption,
  parseStorageClass,
} from '../../src/protocol/store-settings.js';

describe('parseDestination', () => {
  it.each([
    ['s3://my-bucket', { store: 's3', bucket: 'my-bucket', prefix: '' }],
    ['s3://my-bucket/', { store: 's3', bucket: 'my-bucket', prefix: '' }],
    [
      's3://my.bucket.1/backups/asana',
      { store: 's3', bucket: 'my.bucket.1', prefix: 'backups/asana/' },
    ],
    ['  s3://abc/x/  ', { store: 's3', bucket: 'abc', prefix: 'x/' }],
    [
      'azure://acct1/backups',
      { store: 'azure', account: 'acct1', container: 'backups', prefix: '' },
    ],
    [
      'azure://acct1/back-ups/a/b',
      { store: 'azure', account: 'acct1', container: 'back-ups', prefix: 'a/b/' },
    ],
  ])('reads %s', (text, expected) => {
    expect(parseDestination('--to', text)).toEqual(expected);
  });

  it.each([
    ['my-bucket', /not an s3:\/\/ or azure:\/\/ URI/],
    ['gs://bucket', /scheme "gs:\/\/" is not one/],
    ['s3://', /bucket name "" is empty/],
    ['s3://ab', /3 to 63/],
    ['s3://My-Bucket', /lower-case/],
    ['s3://bucket-', /begin and end/],
    ['s3://a..b', /two dots/],
    ['s3://192.168.1.1', /IP address/],
    ['s3://xn--bucket', /reserves/],
    ['s3://bucket-s3alias', /reserves/],
    ['s3://bucket/a//b', /empty segment/],
    ['s3://bucket/a/../b', /"\." or "\.\." segment/],
    ['s3://bucket/a\u001b[31m', /control character/],
    ['azure://Acct/c', /storage account name/],
    ['azure://acct/ab', /container name/],
    ['azure://acct/a--b', /container name/],
    ['azure://acct', /container name/],
  ])('refuses %j, naming the input', (text, problem) => {
    const error = (() => {
      try {
        parseDestination('--to', text);
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe('--to');
    expect((error as InputError).message).toMatch(problem);
    // Outside text is escaped, never printed raw.
    expect((error as InputError).message).not.toContain('\u001b');
  });
});

describe('object layout', () => {
  const values = {
    kind: 'resource' as const,
    target: '12345',
    exportGid: '999',
    finishedAt: Date.UTC(2026, 11, 3, 4, 5, 6, 789),
  };

  it('puts each export in a folder of its own, with latest.json per target', () => {
    expect(
      objectKeys('backups/', DEFAULT_LAYOUT, values, 'x.jsonl.gz.age', 'x.manifest.json'),
    ).toEqual({
      folder: 'backups/resource/12345/20261203T040506Z/',
      file: 'backups/resource/12345/20261203T040506Z/x.jsonl.gz.age',
      manifest: 'backups/resource/12345/20261203T040506Z/x.manifest.json',
      latest: 'backups/resource/12345/latest.json',
    });
  });

  it('keeps pending.json beside latest.json, whatever the layout', () => {
    expect(pendingKey('backups/', 'resource', '12345')).toBe('backups/resource/12345/pending.json');
    expect(pendingKey('', 'graph', '7')).toBe('graph/7/pending.json');
    expect(() => pendingKey('', 'graph', '../7')).toThrow(RangeError);
  });

  it('fills every placeholder of a custom layout', () => {
    const layout = checkLayout('--layout', '/asana/{date}/{kind}-{export}/');
    expect(objectKeys('', layout, values, 'f', 'm').folder).toBe('asana/2026-12-03/resource-999/');
  });

  it.each([
    ['{kind}/{oops}', /\{oops\} is not a placeholder/],
    ['{kind}/{target}', /neither \{timestamp\} nor \{export\}/],
    ['{kind}//{timestamp}', /empty/],
    ['{kind}/../{timestamp}', /"\.\."/],
    ['{timestamp}\\x', /backslash/],
    ['{timestamp}{', /stray brace/],
  ])('refuses the layout %j', (layout, problem) => {
    expect(() => checkLayout('--layout', layout)).toThrow(problem);
  });
});

describe('store settings', () => {
  it('takes storage classes per store', () => {
    expect(parseStorageClass('--storage-class', 's3', 'GLACIER_IR')).toBe('GLACIER_IR');
    expect(parseStorageClass('--storage-class', 'azure', 'cool')).toBe('Cool');
    expect(() => parseStorageClass('--storage-class', 'azure', 'STANDARD_IA')).toThrow(
      /not an Azure access tier/,
    );
    expect(() => parseStorageClass('--storage-class', 's3', 'standard ia')).toThrow(
      /not an S3 storage class/,
    );
  });

  it('reads server-side encryption by its usual names', () => {
    expect(parseS3Encryption('--sse', 'sse-kms')).toBe('aws:kms');
    expect(parseS3Encryption('--sse', 'AES256')).toBe('AES256');
    expect(() => parseS3Encryption('--sse', 'rot13')).toThrow(/--sse/);
  });

  it('bounds retention', () => {
    expect(parseRetentionDays('--retention-days', ' 90 ')).toBe(90);
    for (const bad of ['0', '-1', '1.5', '36501', 'ninety']) {
      expect(() => parseRetentionDays('--retention-days', bad)).toThrow(/1 to 36500/);
    }
  });

  it('refuses an endpoint that carries credentials', () => {
    expect(parseEndpoint('--s3-endpoint', 'https://storage.googleapis.com/')).toBe(
      'https://storage.googleapis.com',
    );
    expect(() => parseEndpoint('--s3-endpoint', 'https://key:secret@minio.local')).toThrow(
      /user name, password/,
    );
    expect(() => parseEndpoint('--s3-endpoint', 'https://minio.local/?X-Amz-Signature=1')).toThrow(
      /query/,
    );
    expect(() => parseEndpoint('--s3-endpoint', 'ftp://minio.local')).toThrow(
      /not an http\(s\) URL/,
    );
  });
});

describe('latest.json', () => {
  const pointer = (completedAt: string | undefined) =>
    ({ completedAt }) as Parameters<typeof supersedes>[0];

  it.each([
    ['nothing stored yet', undefined, true],
    ['an older export', JSON.stringify({ completedAt: '2026-12-01T00:00:00Z' }), true],
    ['the same export', JSON.stringify({ completedAt: '2026-12-02T00:00:00Z' }), true],
    ['a later export', JSON.stringify({ completedAt: '2026-12-03T00:00:00Z' }), false],
    ['text that is not JSON', '<html>', true],
    ['JSON without a date', '{"completedAt": 7}', true],
    ['null', 'null', true],
  ])('replaces %s: %s', (_what, stored, replaced) => {
    expect(supersedes(pointer('2026-12-02T00:00:00Z'), stored)).toBe(replaced);
  });
});
