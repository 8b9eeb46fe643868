import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/protocol/errors.js';
import {
  buildManifest,
  MANIFEST_VERSION,
  manifestSchema,
  parseManifest,
} from '../../src/protocol/manifest.js';
import type { ExportStatus } from '../../src/protocol/responses.js';
import { encryptedFileName, formatInFileName, manifestFileName } from '../../src/protocol/run.js';
import { TOOL_VERSION } from '../../src/protocol/version.js';

const SHA = 'a'.repeat(64);

const resourceStatus: ExportStatus = {
  kind: 'resource',
  gid: '3000',
  exportGid: '4000',
  rawState: 'succeeded',
  outcome: 'done',
  downloadUrl: 'https://s3.example/x.jsonl.gz?X-Amz-Signature=secret',
  createdAt: '2024-01-01T00:00:00.000Z',
  completedAt: '2024-01-01T00:10:00.000Z',
  organization: undefined,
};

const organizationStatus: ExportStatus = {
  kind: 'organization',
  gid: '1000',
  exportGid: undefined,
  rawState: 'finished',
  outcome: 'done',
  downloadUrl: 'https://s3.example/x.json.gz?sig=1',
  createdAt: '2024-01-01T00:00:00.000Z',
  completedAt: undefined,
  organization: { gid: '2000', name: 'Acme' },
};

describe('buildManifest', () => {
  it('describes a resource export, with the parameters as sent', () => {
    const manifest = buildManifest({
      toolVersion: '9.9.9',
      status: resourceStatus,
      request: {
        kind: 'resource',
        workspace: '2000',
        parameters: [
          { resourceType: 'task', fields: ['gid'], filters: { 'assignee.any': ['5'] } },
          { resourceType: 'team', fields: [] },
        ],
      },
      downloadedAt: '2024-01-01T00:11:00.000Z',
      durationMs: 660_000,
      file: { name: 'asana-resource-export-4000.jsonl.gz', bytes: 1234, sha256: SHA.toUpperCase() },
      records: { records: 3, byResourceType: { task: 2, team: 1 } },
    });
    expect(manifest).toEqual({
      manifestVersion: MANIFEST_VERSION,
      tool: { name: 'asana-exports', version: '9.9.9' },
      kind: 'resource',
      target: { workspace: '2000' },
      exportGid: '4000',
      jobGid: '3000',
      state: { raw: 'succeeded', outcome: 'done' },
      createdAt: '2024-01-01T00:00:00.000Z',
      completedAt: '2024-01-01T00:10:00.000Z',
      downloadedAt: '2024-01-01T00:11:00.000Z',
      durationMs: 660_000,
      file: {
        name: 'asana-resource-export-4000.jsonl.gz',
        bytes: 1234,
        sha256: SHA,
        compression: 'gzip',
        format: 'jsonl',
      },
      records: { total: 3, byResourceType: { task: 2, team: 1 } },
      parameters: [
        { resource_type: 'task', fields: ['gid'], filters: { 'assignee.any': ['5'] } },
        { resource_type: 'team' },
      ],
    });
    expect(JSON.stringify(manifest)).not.toContain('X-Amz-Signature');
  });

  it('describes a resumed organization export: target from the status, no job', () => {
    const manifest = buildManifest({
      status: organizationStatus,
      downloadedAt: '2024-01-01T01:00:00.000Z',
      durationMs: 0,
      file: { name: 'org.json.gz', bytes: 10, sha256: SHA },
      records: { records: 1, byResourceType: undefined },
    });
    expect(manifest.tool.version).toBe(TOOL_VERSION);
    expect(manifest.target).toEqual({ organization: '2000' });
    expect(manifest.exportGid).toBe('1000');
    expect(manifest.file.format).toBe('json');
    expect('jobGid' in manifest).toBe(false);
    expect('completedAt' in manifest).toBe(false);
    expect('parameters' in manifest).toBe(false);
    expect(manifest.records).toEqual({ total: 1 });
  });

  it('records a graph export’s parent, and a job without an export gid', () => {
    const manifest = buildManifest({
      kind: 'graph',
      status: { ...resourceStatus, kind: 'graph', exportGid: undefined },
      request: { kind: 'graph', parent: '77' },
      downloadedAt: '2024-01-01T01:00:00.000Z',
      durationMs: 5,
      file: { name: 'g.jsonl.gz', bytes: 10, sha256: SHA, format: 'jsonl' },
      records: { records: 0, byResourceType: {} },
    });
    expect(manifest.target).toEqual({ parent: '77' });
    expect(manifest.jobGid).toBe('3000');
    expect('exportGid' in manifest).toBe(false);
  });
});

describe('manifestFileName', () => {
  it.each([
    ['asana-resource-export-1.jsonl.gz', 'asana-resource-export-1.manifest.json'],
    ['asana-organization-export-1.json.gz', 'asana-organization-export-1.manifest.json'],
    ['asana-graph-export-1.jsonl.gz.age', 'asana-graph-export-1.manifest.json'],
    ['copy.gz', 'copy.manifest.json'],
  ])('%s → %s: an export and its encrypted form share one manifest', (file, manifest) => {
    expect(manifestFileName(file)).toBe(manifest);
  });

  it('names the ciphertext after the plaintext', () => {
    expect(encryptedFileName('asana-graph-export-1.jsonl.gz')).toBe(
      'asana-graph-export-1.jsonl.gz.age',
    );
  });
});

describe('an encrypted export’s manifest', () => {
  const recipient = 'age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj';
  const args = {
    status: resourceStatus,
    downloadedAt: '2024-01-01T00:11:00.000Z',
    durationMs: 1,
    file: { name: 'r.jsonl.gz', bytes: 1000, sha256: SHA },
    records: { records: 1, byResourceType: { message: 1 } },
    encryption: {
      format: 'age' as const,
      recipients: [recipient],
      file: { name: 'r.jsonl.gz.age', bytes: 1234, sha256: 'B'.repeat(64) },
    },
  };

  it('describes the plaintext in file and records, the ciphertext under encryption', () => {
    const manifest = buildManifest(args);
    expect(manifest.file).toMatchObject({ name: 'r.jsonl.gz', bytes: 1000, sha256: SHA });
    expect(manifest.encryption).toEqual({
      format: 'age',
      recipients: [recipient],
      file: { name: 'r.jsonl.gz.age', bytes: 1234, sha256: 'b'.repeat(64) },
    });
    expect(Object.keys(manifest).indexOf('encryption')).toBe(
      Object.keys(manifest).indexOf('file') + 1,
    );
    expect(parseManifest(JSON.stringify(manifest))).toEqual(manifest);
  });

  it('leaves encryption out when there was none', () => {
    expect('encryption' in buildManifest({ ...args, encryption: undefined })).toBe(false);
  });

  it.each([
    [
      'a recipient that is not an X25519 key',
      { recipients: ['age1pq1abc'] },
      'encryption.recipients.0',
    ],
    ['no recipient', { recipients: [] }, 'encryption.recipients'],
    ['another format', { format: 'gpg' }, 'encryption.format'],
    ['a bad hash', { file: { name: 'x', bytes: 1, sha256: 'nope' } }, 'encryption.file.sha256'],
  ])('rejects %s', (_what, change, field) => {
    const built = buildManifest(args);
    const manifest = { ...built, encryption: { ...built.encryption, ...change } };
    expect(() => parseManifest(JSON.stringify(manifest))).toThrow(
      new RegExp(`invalid fields: ${field.replace(/\./g, '\\.')}$`),
    );
  });
});

describe('manifestSchema and parseManifest', () => {
  const manifest = buildManifest({
    status: resourceStatus,
    request: { kind: 'resource', workspace: '2000', parameters: [{ resourceType: 'message' }] },
    downloadedAt: '2024-01-01T00:11:00.000Z',
    durationMs: 1,
    file: { name: 'r.jsonl.gz', bytes: 1, sha256: SHA },
    records: { records: 1, byResourceType: { message: 1 } },
  });

  it('round-trips through JSON', () => {
    const text = JSON.stringify(manifest, null, 2);
    expect(manifestSchema.parse(JSON.parse(text))).toEqual(manifest);
    expect(parseManifest(text)).toEqual(manifest);
  });

  it('rejects a manifest of another version or with a bad checksum, naming the fields', () => {
    const changed = { ...manifest, manifestVersion: 2, file: { ...manifest.file, sha256: 'xyz' } };
    expect(manifestSchema.safeParse(changed).success).toBe(false);
    expect(() => parseManifest(JSON.stringify(changed), 'previous-manifest')).toThrow(
      /^Invalid previous-manifest: is not a version 1 asana-exports manifest; invalid fields: manifestVersion, file.sha256$/,
    );
    expect(() => parseManifest('{')).toThrow(InputError);
  });
});

describe('formatInFileName', () => {
  it.each([
    ['asana-resource-export-1.jsonl.gz', 'jsonl'],
    ['asana-organization-export-1.json.gz', 'json'],
    ['asana-graph-export-1.jsonl.gz.age', 'jsonl'],
    ['export.json.gz.age', 'json'],
    ['export.jsonl', 'jsonl'],
    ['export.gz', undefined],
    ['export.jsonl.gz.bak', undefined],
  ])('%s says %s', (file, format) => {
    expect(formatInFileName(file)).toBe(format);
  });
});
