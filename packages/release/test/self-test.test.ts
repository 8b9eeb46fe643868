/**
 * The self-test workflow's steps, run here as the workflow runs them: the action assembled into
 * its release layout, the sandbox started in the background by the launcher, the assembled bundle
 * run once per export kind, its artifact unpacked as download-artifact does, and the checker's
 * verdict on each; then the checker shown to fail on outputs that do not hold up.
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactService } from '../../github-action/test/support/artifact-service.js';
import { runAction } from '../../github-action/test/support/runner.js';
import { readZip } from '../../github-action/test/support/zip.js';
import { assembleAction } from '../src/assemble-action.js';
import { REPOSITORY_ROOT, runCli } from './support/cli.js';

const KINDS = [
  { kind: 'organization', target: 'organization', inputs: {} },
  { kind: 'resource', target: 'workspace', inputs: { resources: 'task, message' } },
  { kind: 'graph', target: 'parent', inputs: {} },
] as const;

interface KindRun {
  readonly outputs: Record<string, string>;
  readonly artifactDir: string;
  readonly target: string;
}

let work: string;
let sandbox: Record<string, string>;
let service: ArtifactService;
const runs = new Map<string, KindRun>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'self-test-'));
  await assembleAction({
    actionDir: join(REPOSITORY_ROOT, 'packages/github-action'),
    license: join(REPOSITORY_ROOT, 'LICENSE'),
    out: join(work, 'asana-export-action'),
  });
  const started = await runCli('start-sandbox', [
    '--log-dir',
    work,
    '--',
    '--duration',
    '300ms',
    '--size',
    '64KB',
    '--cache-dir',
    join(work, 'sandbox-cache'),
  ]);
  expect(started.stderr).toBe('');
  expect(started.code).toBe(0);
  sandbox = started.outputs;
  service = await ArtifactService.start();
}, 60_000);

afterAll(async () => {
  const pid = Number(sandbox?.pid);
  if (pid > 0 && alive(pid)) process.kill(pid, 'SIGTERM');
  await service?.close();
  await rm(work, { recursive: true, force: true });
});

describe('the self-test, step by step', () => {
  it('starts the sandbox in the background and outputs where it listens, a token and a gid per kind', () => {
    expect(sandbox['api-url']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/1\.0$/);
    expect(sandbox['download-origin']).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.token).toMatch(/^sandbox-[0-9a-f]{32}$/);
    expect(sandbox).toMatchObject({
      organization: '1200000000000001',
      workspace: '1200000000000002',
      parent: '1200000000000003',
      log: join(work, 'sandbox.log'),
    });
    // The launcher has exited; the sandbox it started serves on.
    expect(alive(Number(sandbox.pid))).toBe(true);
  });

  it.each(KINDS)(
    'runs the assembled action for a $kind export, and the checker finds its outputs, file and artifact in agreement',
    async ({ kind, target, inputs }) => {
      const run = service.newRun(9_100_000_000 + runs.size);
      const gid = sandbox[target] ?? '';
      // The assembled layout's bundle, as `uses: ./<folder>` runs it.
      const result = await runAction({
        action: join(work, 'asana-export-action', 'dist', 'index.js'),
        service,
        run,
        inputs: {
          'asana-token': sandbox.token ?? '',
          'base-url': sandbox['api-url'] ?? '',
          kind,
          [target]: gid,
          'poll-interval': '1s',
          'artifact-name': `self-test-${kind}-1`,
          'allow-public-unencrypted': 'true',
          ...inputs,
        },
        // As on github.com: the monorepo is public.
        eventPayload: { repository: { private: false, visibility: 'public' } },
      });
      expect(result.code, result.stdout).toBe(0);
      const artifact = service
        .finished(run)
        .find((a) => String(a.id) === result.outputs['artifact-id']);
      expect(artifact?.name).toBe(`self-test-${kind}-1`);
      const artifactDir = join(work, `artifact-${kind}`);
      await mkdir(artifactDir);
      for (const entry of readZip(artifact?.bytes ?? Buffer.alloc(0))) {
        await writeFile(join(artifactDir, entry.name), entry.data);
      }
      runs.set(kind, { outputs: result.outputs, artifactDir, target: gid });

      const check = await runCli(
        'check-action-outputs',
        ['--kind', kind, '--target', gid, '--artifact-dir', artifactDir],
        { env: { ACTION_OUTPUTS: JSON.stringify(result.outputs) } },
      );
      expect(check.stderr).toBe('');
      expect(check.code).toBe(0);
      expect(check.stdout).toMatch(
        new RegExp(
          `^${kind} export asana-${kind}-export-\\d+\\.jsonl?\\.gz: \\d+ bytes, [1-9]\\d* records, sha256 [0-9a-f]{64}, artifact ${artifact?.id}: outputs, file and artifact agree\\n$`,
        ),
      );
    },
  );
});

describe('the checker', () => {
  async function check(
    kind: string,
    outputs: Record<string, string>,
    options: { artifactDir?: string; target?: string } = {},
  ) {
    return runCli(
      'check-action-outputs',
      [
        '--kind',
        kind,
        ...(options.target ? ['--target', options.target] : []),
        ...(options.artifactDir ? ['--artifact-dir', options.artifactDir] : []),
      ],
      { env: { ACTION_OUTPUTS: JSON.stringify(outputs) } },
    );
  }

  function resourceRun(): KindRun {
    const run = runs.get('resource');
    if (!run) throw new Error('the resource export did not run');
    return run;
  }

  it('lists every output that disagrees, each by name', async () => {
    const { outputs } = resourceRun();
    const result = await check('resource', {
      ...outputs,
      sha256: 'f'.repeat(64),
      records: '0',
      'artifact-id': 'none',
      manifest: '',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      [
        "check-action-outputs: the action's outputs do not hold up (2):",
        '  - output manifest is missing',
        '  - output artifact-id is "none", not an artifact\'s number',
        '',
      ].join('\n'),
    );
    const mismatched = await check('resource', {
      ...outputs,
      sha256: 'f'.repeat(64),
      records: '0',
    });
    expect(mismatched.stderr).toContain(
      `  - output sha256 is ${'f'.repeat(64)}, the manifest says `,
    );
    expect(mismatched.stderr).toMatch(/ {2}- output records is 0, the manifest says [1-9]\d*\n/);
  });

  it('refuses a manifest of another kind, or of another target', async () => {
    const { outputs, target } = resourceRun();
    const otherKind = await check('graph', outputs);
    expect(otherKind.stderr).toContain('  - the manifest is of a resource export, not graph');
    const otherTarget = await check('resource', outputs, { target: '1200000000000099' });
    expect(otherTarget.stderr).toContain(
      `  - the manifest's target.workspace is ${target}, the export was asked for 1200000000000099`,
    );
  });

  it('re-reads the file: one changed byte fails it', async () => {
    const { outputs } = resourceRun();
    const copy = join(work, 'tampered', 'asana-resource-export.jsonl.gz');
    await mkdir(join(work, 'tampered'), { recursive: true });
    const bytes = await readFile(outputs.file ?? '');
    bytes[bytes.length - 9] = (bytes[bytes.length - 9] ?? 0) ^ 0xff;
    await writeFile(copy, bytes);
    const result = await check('resource', { ...outputs, file: copy });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `  - output file (its name) is asana-resource-export.jsonl.gz, the manifest says `,
    );
    expect(result.stderr).toContain(`  - output file ${copy}: `);
  });

  it('checks the artifact holds the export and its manifest, and nothing else', async () => {
    const { outputs, artifactDir } = resourceRun();
    const extra = join(work, 'artifact-extra');
    await cp(artifactDir, extra, { recursive: true });
    await writeFile(join(extra, 'notes.txt'), 'stray');
    const withExtra = await check('resource', outputs, { artifactDir: extra });
    expect(withExtra.code).toBe(1);
    expect(withExtra.stderr).toContain('  - the artifact also holds notes.txt');
    const missing = await check('resource', outputs, { artifactDir: join(work, 'no-such-folder') });
    expect(missing.stderr).toContain(
      `  - the artifact folder ${join(work, 'no-such-folder')} does not exist`,
    );
  });

  it('says how to pass the outputs when they are not there', async () => {
    const result = await runCli('check-action-outputs', ['--kind', 'graph']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'check-action-outputs: ACTION_OUTPUTS is not set: pass toJSON(steps.<id>.outputs) in env.\n',
    );
  });
});
