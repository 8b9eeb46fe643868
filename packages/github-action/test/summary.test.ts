import { summary } from '@actions/core';
import type { Manifest } from '@asana-exports/core/node';
import { beforeEach, describe, expect, it } from 'vitest';
import { addFailure, addSuccess } from '../src/summary.js';

const MANIFEST: Manifest = {
  manifestVersion: 1,
  tool: { name: 'asana-exports', version: '0.1.0' },
  kind: 'resource',
  target: { workspace: '1200000000000002' },
  exportGid: '1200000000000011',
  jobGid: '1200000000000012',
  state: { raw: 'succeeded', outcome: 'done' },
  createdAt: '2026-11-23T02:00:01.000Z',
  downloadedAt: '2026-11-23T02:04:13.000Z',
  durationMs: 252_000,
  file: {
    name: 'asana-resource-export-1200000000000011.jsonl.gz',
    bytes: 12_897_234,
    sha256: 'a'.repeat(64),
    compression: 'gzip',
    format: 'jsonl',
  },
  records: { total: 123_456, byResourceType: { task: 100_000, message: 23_456 } },
};

beforeEach(() => {
  summary.emptyBuffer();
});

describe('the success summary', () => {
  it('shows the facts at a glance, with records per type and the artifact link', () => {
    addSuccess(summary, {
      manifest: MANIFEST,
      artifact: {
        id: 42,
        name: 'asana-resource-1200000000000002-20261123-020000',
        url: 'https://github.com/acme/backups/actions/runs/1/artifacts/42',
        size: 12_900_000,
      },
      since: { after: '2026-11-22T02:00:00.000Z', source: '24h' },
      decompressed: false,
      chain: {
        link: {
          id: '1200000000000090',
          index: 2,
          fullAt: '2026-11-21T02:00:00.000Z',
          fullArtifact: 'asana-resource-1200000000000002-20261121-020000',
        },
        decision: 'incremental',
        pruned: ['asana-resource-1200000000000002-20261120-020000'],
      },
      warnings: [],
    });
    const html = summary.stringify();
    expect(html).toContain('<h2>Asana export: succeeded</h2>');
    for (const row of [
      '<th>Kind</th><td>resource</td>',
      '<th>Workspace</th><td><code>1200000000000002</code></td>',
      '<th>Export gid</th><td><code>1200000000000011</code></td>',
      '<th>Job gid</th><td><code>1200000000000012</code></td>',
      '<th>State</th><td>succeeded</td>',
      '<th>Modified after</th><td><code>2026-11-22T02:00:00.000Z</code> (24h)</td>',
      '<th>Duration</th><td>4m12s</td>',
      '<th>Size</th><td>12.3 MiB (12,897,234 bytes)</td>',
      '<th>Records</th><td>123,456</td>',
      `<th>SHA-256</th><td><code>${'a'.repeat(64)}</code></td>`,
      '<a href="https://github.com/acme/backups/actions/runs/1/artifacts/42">asana-resource-1200000000000002-20261123-020000</a> (id 42, 12.3 MiB: export and manifest)',
      '<tr><td>message</td><td>23,456</td></tr><tr><td>task</td><td>100,000</td></tr>',
      'keep-last deleted 1 older artifact(s), whole chains only: <code>asana-resource-1200000000000002-20261120-020000</code>',
      '<th>Chain</th><td>increment 2 on the full export <code>asana-resource-1200000000000002-20261121-020000</code> (chain <code>1200000000000090</code>) of <code>2026-11-21T02:00:00.000Z</code>: restore the full export, then increments 1 to 2 in order</td>',
    ]) {
      expect(html).toContain(row);
    }
  });

  it('leaves out what an organization export does not have', () => {
    const { jobGid: _job, exportGid: _export, ...rest } = MANIFEST;
    addSuccess(summary, {
      manifest: {
        ...rest,
        kind: 'organization',
        target: { organization: '1200000000000001' },
        exportGid: '1200000000000013',
        state: { raw: 'finished', outcome: 'done' },
        file: { ...MANIFEST.file, format: 'json' },
        records: { total: 10 },
      },
      artifact: { id: 1, name: 'n', url: undefined, size: 10 },
      since: undefined,
      decompressed: true,
      chain: undefined,
      warnings: ['Could not store the state artifact'],
    });
    const html = summary.stringify();
    expect(html).toContain('<th>Organization</th><td><code>1200000000000001</code></td>');
    expect(html).not.toContain('Job gid');
    expect(html).not.toContain('Records by resource type');
    expect(html).not.toContain('Modified after');
    expect(html).toContain('n (id 1, 10 B: export, uncompressed copy and manifest)');
    expect(html).toContain('<strong>Warning:</strong> Could not store the state artifact');
  });
});

describe('the summary of a run with a destination', () => {
  it('says where the export went and its version, and has no artifact row', () => {
    addSuccess(summary, {
      manifest: MANIFEST,
      artifact: {
        location: 's3://acme-backups/asana/resource/1200000000000002/20261123T020000Z/x.jsonl.gz',
        versionId: 'v<1>',
        manifestKey: 'asana/resource/1200000000000002/20261123T020000Z/x.jsonl.gz.manifest.json',
      },
      since: undefined,
      decompressed: false,
      chain: undefined,
      warnings: [],
    });
    const html = summary.stringify();
    expect(html).toContain(
      '<th>Destination</th><td><code>s3://acme-backups/asana/resource/1200000000000002/20261123T020000Z/x.jsonl.gz</code>, version <code>v&lt;1&gt;</code>; manifest <code>asana/resource/1200000000000002/20261123T020000Z/x.jsonl.gz.manifest.json</code></td>',
    );
    expect(html).not.toContain('<th>Artifact</th>');
  });

  it('leaves the version out when the bucket keeps none', () => {
    addSuccess(summary, {
      manifest: MANIFEST,
      artifact: {
        location: 'azure://acct/backups/x.jsonl.gz',
        versionId: undefined,
        manifestKey: 'm',
      },
      since: undefined,
      decompressed: false,
      chain: undefined,
      warnings: [],
    });
    const html = summary.stringify();
    expect(html).toContain(
      '<th>Destination</th><td><code>azure://acct/backups/x.jsonl.gz</code>; manifest',
    );
    expect(html).not.toContain('version');
  });

  it('says on failure that nothing was published there', () => {
    addFailure(summary, {
      kind: 'graph',
      target: 'parent 1200000000000003',
      gid: '1200000000000014',
      rawState: 'succeeded',
      elapsedMs: 3_000,
      message: 'The download is not intact',
      hint: undefined,
      asana: undefined,
      file: undefined,
      destination: 's3://acme-backups/asana/',
    });
    const html = summary.stringify();
    expect(html).toContain(
      '<th>Destination</th><td><code>s3://acme-backups/asana/</code>: nothing was published</td>',
    );
    expect(html).not.toContain('<th>Artifact</th>');
  });
});

describe('the failure summary', () => {
  it("quotes Asana's message, escaped, and says what to do", () => {
    addFailure(summary, {
      kind: 'resource',
      target: 'workspace 1200000000000002 (task)',
      gid: undefined,
      rawState: undefined,
      elapsedMs: 1_500,
      message: 'Asana answered 403 to POST /exports/resource: <already> running',
      hint: 'Wait for the running one to finish.',
      asana: { message: 'An export is already in progress <for> this workspace.' },
      file: undefined,
      destination: undefined,
    });
    const html = summary.stringify();
    expect(html).toContain('<h2>Asana export failed</h2>');
    expect(html).toContain('<th>Target</th><td>workspace 1200000000000002 (task)</td>');
    expect(html).toContain('<th>Artifact</th><td>none: nothing was stored</td>');
    expect(html).toContain(
      '<strong>What happened:</strong> Asana answered 403 to POST /exports/resource: &lt;already&gt; running',
    );
    expect(html).toContain(
      '<strong>Asana said:</strong> An export is already in progress &lt;for&gt; this workspace.',
    );
    expect(html).toContain('<strong>What to do:</strong> Wait for the running one to finish.');
  });

  it('keeps the gid and last state so the export can be resumed', () => {
    addFailure(summary, {
      kind: 'graph',
      target: 'parent 1200000000000003',
      gid: '1200000000000014',
      rawState: 'in_progress',
      elapsedMs: 3_000,
      message: 'Gave up waiting after 3s',
      hint: 'Resume it with job-gid.',
      asana: undefined,
      file: undefined,
      destination: undefined,
    });
    const html = summary.stringify();
    expect(html).toContain('<th>Job gid</th><td><code>1200000000000014</code></td>');
    expect(html).toContain('<th>Last state</th><td>in_progress</td>');
    expect(html).not.toContain('Asana said');
  });
});
