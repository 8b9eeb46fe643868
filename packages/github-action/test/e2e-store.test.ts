/**
 * The built action, run as the runner runs it, against the Asana sandbox and a stand-in of the
 * artifact service: the real `@actions/artifact` uploads, and what arrives is unpacked and compared
 * with the file Asana served.
 */

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import type { Manifest } from '@asana-exports/core/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entriesOf, expectNoSecrets, startWorld, type World } from './support/fixtures.js';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('a new resource export', () => {
  it('stores the verified file and its manifest, stored uncompressed in one zip', async () => {
    const run = world.newRun();
    const workspace = world.newGid();
    const result = await world.act(run, {
      kind: 'resource',
      workspace,
      resources: 'task, message',
      fields: 'gid,resource_type,name,modified_at',
      filters: 'modified_at.after: 2023-06-01',
    });
    expect(result.code, result.stdout).toBe(0);

    const served = await world.sandbox.exportFile(result.outputs['job-gid'] ?? '');
    // The sandbox applies fields and filters: some records are left, with their types.
    expect(served.byResourceType.task).toBeGreaterThan(0);
    const servedBytes = await readFile(served.path);
    // The export alone: no input asked for state between runs.
    const [exportArtifact, ...others] = world.service.finished(run);
    expect(others).toEqual([]);
    expect(exportArtifact?.name).toMatch(new RegExp(`^asana-resource-${workspace}-\\d{8}-\\d{6}$`));

    const fileName = `asana-resource-export-${result.outputs['job-gid']}.jsonl.gz`;
    // The zipper adds files in the order their stats return: look them up by name.
    const entries = entriesOf(exportArtifact);
    const manifestName = fileName.replace('.jsonl.gz', '.manifest.json');
    expect(entries.map((entry) => entry.name).sort()).toEqual([fileName, manifestName].sort());
    const file = entries.find((entry) => entry.name === fileName);
    const manifestEntry = entries.find((entry) => entry.name === manifestName);
    // Byte for byte what Asana served, and not deflated a second time.
    expect(file?.data.equals(servedBytes)).toBe(true);
    expect(file?.method).toBe(0);
    const manifest = JSON.parse(manifestEntry?.data.toString('utf8') ?? '') as Manifest;
    expect(manifest).toMatchObject({
      kind: 'resource',
      target: { workspace },
      jobGid: result.outputs['job-gid'],
      exportGid: result.outputs['export-gid'],
      file: { bytes: served.bytes, sha256: served.sha256 },
      records: { total: served.records, byResourceType: served.byResourceType },
      parameters: [
        {
          resource_type: 'task',
          fields: ['gid', 'resource_type', 'name', 'modified_at'],
          filters: { 'modified_at.after': '2023-06-01T00:00:00.000Z' },
        },
        {
          resource_type: 'message',
          fields: ['gid', 'resource_type', 'name', 'modified_at'],
          filters: { 'modified_at.after': '2023-06-01T00:00:00.000Z' },
        },
      ],
    });

    expect(result.outputs).toMatchObject({
      state: 'succeeded',
      bytes: String(served.bytes),
      sha256: served.sha256,
      records: String(served.records),
      'artifact-id': String(exportArtifact?.id),
      'artifact-name': exportArtifact?.name,
      'artifact-url': `https://github.com/acme/asana-backups/actions/runs/${run.runId}/artifacts/${exportArtifact?.id}`,
    });
    expect(JSON.parse(result.outputs.manifest ?? '')).toEqual(manifest);
    expect(sha256(await readFile(result.outputs.file ?? ''))).toBe(served.sha256);
    expect(result.outputs.file?.startsWith(result.runnerTemp)).toBe(true);

    const { summary } = result;
    expect(summary).toContain('<h2>Asana export: succeeded</h2>');
    expect(summary).toContain(`<th>Workspace</th><td><code>${workspace}</code></td>`);
    expect(summary).toContain(`<th>SHA-256</th><td><code>${served.sha256}</code></td>`);
    expect(summary).toContain(`<th>Records</th><td>${served.records}</td>`);
    for (const [type, count] of Object.entries(served.byResourceType)) {
      expect(summary).toContain(`<tr><td>${type}</td><td>${count}</td></tr>`);
    }
    expect(summary).toContain(`<a href="${result.outputs['artifact-url']}">`);

    // Progress and request-level detail reach the log, secrets do not.
    expect(result.stdout).toMatch(/Created resource export job \d+ \(not_started\)/);
    expect(result.stdout).toMatch(/Resource export job \d+ is succeeded after/);
    expect(result.stdout).toMatch(/::debug::POST \/exports\/resource → 201 \(attempt 1\)/);
    expectNoSecrets(result, [world.sandbox.token]);
    expect(world.sandbox.downloadAuthViolations).toEqual([]);
  });

  it('uploads a multi-block export in parallel blocks, assembled in block-list order', async () => {
    world.sandbox.configure({ contentBytes: 96 * 1024 * 1024 });
    world.service.firstBlockDelayMs = 1_000;
    world.service.blocksReceived.length = 0;
    world.service.blocksCompleted.length = 0;
    try {
      const run = world.newRun();
      const result = await world.act(run, { kind: 'graph', parent: world.newGid() });
      expect(result.code, result.stdout).toBe(0);
      const served = await world.sandbox.exportFile(result.outputs['job-gid'] ?? '');
      expect(served.bytes).toBeGreaterThan(16 * 1024 * 1024);
      const [artifact] = world.service.finished(run);
      const blocks = world.service.requests.filter(
        (request) => request.method === 'PUT' && request.path.includes(`/${artifact?.id}/`),
      );
      expect(blocks.length).toBeGreaterThanOrEqual(4); // ≥ 3 blocks of up to 8 MiB + the block list
      // The first block was still in flight when the next ones were sent, and finished last.
      expect(world.service.maxConcurrentBlocks).toBeGreaterThan(1);
      const { blocksReceived, blocksCompleted } = world.service;
      expect(blocksCompleted.indexOf(blocksReceived[0] ?? '')).toBeGreaterThan(0);
      const file = entriesOf(artifact).find((entry) => entry.name.endsWith('.jsonl.gz'));
      expect(file?.data.equals(await readFile(served.path))).toBe(true);
    } finally {
      world.sandbox.configure({ contentBytes: 64 * 1024 });
      world.service.firstBlockDelayMs = 0;
    }
  });
});

describe('an organization export with decompress', () => {
  it('also stores the uncompressed JSON, and names the artifact as asked', async () => {
    const run = world.newRun();
    const organization = world.newGid();
    const result = await world.act(run, {
      kind: 'organization',
      organization,
      decompress: 'true',
      'artifact-name': 'nightly organization backup',
      'retention-days': '7',
    });
    expect(result.code, result.stdout).toBe(0);
    const served = await world.sandbox.exportFile(result.outputs['export-gid'] ?? '');
    const [artifact] = world.service.finished(run);
    expect(artifact?.name).toBe('nightly organization backup');
    expect(result.outputs['artifact-name']).toBe('nightly organization backup');
    const days = ((artifact?.expiresAt?.getTime() ?? 0) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThan(7.1);

    const fileName = `asana-organization-export-${result.outputs['export-gid']}.json.gz`;
    const entries = entriesOf(artifact);
    expect(entries.map((entry) => entry.name).sort()).toEqual(
      [
        fileName,
        fileName.replace('.json.gz', '.json'),
        fileName.replace('.json.gz', '.manifest.json'),
      ].sort(),
    );
    const byName = new Map(entries.map((entry) => [entry.name, entry.data]));
    const gz = await readFile(served.path);
    expect(byName.get(fileName)?.equals(gz)).toBe(true);
    expect(byName.get(fileName.replace('.gz', ''))?.equals(gunzipSync(gz))).toBe(true);
    expect(await readFile(result.outputs['decompressed-file'] ?? '')).toEqual(gunzipSync(gz));
    expect(result.summary).toContain('export, uncompressed copy and manifest');
    expect(result.outputs['job-gid']).toBe('');
    expectNoSecrets(result, [world.sandbox.token]);
  });
});

describe('resuming an export started earlier', () => {
  it('waits for the job given by job-gid and stores it, creating nothing', async () => {
    const workspace = world.newGid();
    const jobGid = await world.sandbox.startExport({ workspace });
    const creates = () =>
      world.sandbox.requests.filter((request) => request.method === 'POST').length;
    const before = creates();

    const run = world.newRun();
    const result = await world.act(run, { kind: 'resource', 'job-gid': jobGid });
    expect(result.code, result.stdout).toBe(0);
    expect(creates()).toBe(before);
    expect(result.outputs['job-gid']).toBe(jobGid);
    const exportGid = result.outputs['export-gid'] ?? '';
    // No target is known when resuming a job: the artifact is named after the export.
    const artifacts = world.service.finished(run);
    expect(artifacts.map((artifact) => artifact.name)).toEqual([
      expect.stringMatching(new RegExp(`^asana-resource-${exportGid}-\\d{8}-\\d{6}$`)),
    ]);
  });

  it('gives each artifact of a run its own name', async () => {
    const run = world.newRun();
    const parent = world.newGid();
    const first = await world.act(run, { kind: 'graph', parent });
    const second = await world.act(run, { kind: 'graph', parent });
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    const names = [first.outputs['artifact-name'], second.outputs['artifact-name']];
    expect(new Set(names).size).toBe(2);
    const clash = await world.act(run, {
      kind: 'graph',
      parent,
      'artifact-name': first.outputs['artifact-name'] ?? '',
    });
    expect(clash.code).toBe(1);
    expect(clash.stdout).toMatch(
      /::error::Invalid artifact-name: this run already has an artifact/,
    );
  });
});
