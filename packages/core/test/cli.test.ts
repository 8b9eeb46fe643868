import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Sandbox } from '@asana-exports/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { manifestSchema } from '../src/protocol/manifest.js';
import { type CliResult, listFiles, runCli, startTestSandbox, tempDir } from './support/sandbox.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(async () => {
  await sandbox.close();
});
afterEach(() => {
  // Whatever a test did, the token never reached the download host.
  expect(sandbox.downloadAuthViolations).toEqual([]);
  sandbox.configure({
    durationMs: 300,
    outcome: 'succeed',
    corruption: 'none',
    ignoreRange: false,
  });
});

const env = () => ({ ASANA_TOKEN: sandbox.token });
const api = () => ['--base-url', sandbox.apiUrl];
const fastPoll = ['--poll-interval', '100ms', '--poll-max-interval', '300ms'];

function expectNoSecrets(text: string) {
  expect(text).not.toContain(sandbox.token);
  expect(text).not.toMatch(/X-Amz-Signature=[0-9a-f]/);
  expect(text).not.toMatch(/X-Amz-Credential=\w/);
}

/**
 * Creates a graph export of `parent`, then downloads it and sends `signal` once the transfer is
 * under way (the store pauses after `afterBytes`, so the signal surely lands mid-body).
 */
async function interruptedDownload(
  parent: string,
  afterBytes: number,
  signal: NodeJS.Signals,
): Promise<{ gid: string; out: string; result: CliResult }> {
  const out = await tempDir();
  const created = await runCli(['create', '--kind', 'graph', '--parent', parent, ...api()], env());
  const { gid } = JSON.parse(created.stdout) as { gid: string };
  sandbox.inject({ route: 'download', stall: 'mid-body', afterBytes });
  const args = ['download', '--kind', 'graph', '--gid', gid, '--out', out, ...api(), ...fastPoll];
  let signalled = false;
  const result = await runCli(args, env(), {
    onStderr: (text, kill) => {
      if (!signalled && text.includes('Downloaded')) {
        signalled = true;
        kill(signal);
      }
    },
  });
  expect(signalled).toBe(true);
  return { gid, out, result };
}

describe('asana-export run', () => {
  it.each([
    ['organization', ['--organization', '1200000000000001'], 'json.gz'],
    ['resource', ['--workspace', '1200000000000002', '--resource-types', 'task,team'], 'jsonl.gz'],
    ['graph', ['--parent', '1200000000000003'], 'jsonl.gz'],
  ])('exports a %s export to a verified file and manifest', async (kind, target, extension) => {
    const out = await tempDir();
    const result = await runCli(
      ['run', '--kind', kind, ...target, '--out', out, ...api(), ...fastPoll],
      env(),
    );

    expect(result.stderr).toContain('Verified');
    expect(result.code).toBe(0);
    const manifest = manifestSchema.parse(JSON.parse(result.stdout));
    const gid = manifest.jobGid ?? manifest.exportGid;
    if (!gid) throw new Error('manifest without a gid');
    const served = await sandbox.exportFile(gid);

    expect(manifest.kind).toBe(kind);
    expect(manifest.state.outcome).toBe('done');
    expect(manifest.file.name.endsWith(extension)).toBe(true);
    expect(manifest.file.bytes).toBe(served.bytes);
    expect(manifest.file.sha256).toBe(served.sha256);
    expect(manifest.records.total).toBe(served.records);
    if (kind !== 'organization')
      expect(manifest.records.byResourceType).toEqual(served.byResourceType);

    const bytes = await readFile(join(out, manifest.file.name));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(served.sha256);
    const onDisk = manifestSchema.parse(
      JSON.parse(
        await readFile(
          join(out, manifest.file.name.replace(/\.jsonl?\.gz$/, '.manifest.json')),
          'utf8',
        ),
      ),
    );
    expect(onDisk).toEqual(manifest);
    // Exactly the file and its manifest: no temporary left behind.
    expect(await listFiles(out)).toEqual(
      [manifest.file.name, manifest.file.name.replace(/\.jsonl?\.gz$/, '.manifest.json')].sort(),
    );
    expectNoSecrets(result.stderr + result.stdout);
  });

  it('creates, reports status, then downloads by job gid', async () => {
    const created = await runCli(
      ['create', '--kind', 'graph', '--parent', '1200000000000010', ...api()],
      env(),
    );
    expect(created.code).toBe(0);
    const { gid, outcome } = JSON.parse(created.stdout) as { gid: string; outcome: string };
    expect(outcome).toBe('waiting');

    const status = await runCli(['status', '--kind', 'graph', '--gid', gid, ...api()], env());
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ kind: 'graph', gid });
    expect(status.stdout).not.toContain('http');

    const out = await tempDir();
    const downloaded = await runCli(
      ['download', '--kind', 'graph', '--gid', gid, '--out', out, ...api(), ...fastPoll],
      env(),
    );
    expect(downloaded.code).toBe(0);
    const manifest = manifestSchema.parse(JSON.parse(downloaded.stdout));
    expect(manifest.file.sha256).toBe((await sandbox.exportFile(gid)).sha256);
    expectNoSecrets(created.stdout + status.stdout + downloaded.stderr + downloaded.stdout);
  });

  it('never overwrites a file the user already has', async () => {
    const created = await runCli(
      ['create', '--kind', 'graph', '--parent', '1200000000000011', ...api()],
      env(),
    );
    const { gid } = JSON.parse(created.stdout) as { gid: string };
    const out = await tempDir();
    const args = ['download', '--kind', 'graph', '--gid', gid, '--out', out, ...api(), ...fastPoll];
    expect((await runCli(args, env())).code).toBe(0);
    const [fileName] = (await listFiles(out)).filter((name) => name.endsWith('.gz'));
    if (!fileName) throw new Error('no file downloaded');
    await writeFile(join(out, fileName), 'the user edited this');

    const again = await runCli(args, env());
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/--out.*already exists/);
    expect(await readFile(join(out, fileName), 'utf8')).toBe('the user edited this');
    expect((await listFiles(out)).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });
});

describe('asana-export --version', () => {
  it.each([['--version'], ['-V'], ['version']])(
    '%s prints the version of the package',
    async (flag) => {
      const { version } = JSON.parse(
        await readFile(join(import.meta.dirname, '../package.json'), 'utf8'),
      ) as { version: string };
      const result = await runCli([flag], {});
      expect(result).toEqual({ code: 0, stdout: `asana-export ${version}\n`, stderr: '' });
    },
  );
});

describe('asana-export verify', () => {
  it('re-checks a download against its manifest, and catches a changed file', async () => {
    const out = await tempDir();
    const run = await runCli(
      [
        'run',
        '--kind',
        'resource',
        '--workspace',
        '1200000000000030',
        '--out',
        out,
        ...api(),
        ...fastPoll,
      ],
      env(),
    );
    expect(run.code).toBe(0);
    const manifest = manifestSchema.parse(JSON.parse(run.stdout));
    const file = join(out, manifest.file.name);

    // No token needed: verify only reads files.
    const intact = await runCli(['verify', file], {});
    expect(intact.code).toBe(0);
    expect(JSON.parse(intact.stdout)).toMatchObject({
      sha256: manifest.file.sha256,
      records: manifest.records.total,
      byResourceType: manifest.records.byResourceType,
    });
    expect(intact.stderr).toMatch(/matches .*manifest\.json/);

    // A valid gzip with other content: the stream checks pass, the manifest does not.
    await writeFile(file, gzipSync('{"gid":"1","resource_type":"task"}\n'));
    const changed = await runCli(['verify', file], {});
    expect(changed.code).toBe(4);
    expect(changed.stderr).toContain(
      `error: The stored export ${file} is not intact: it does not match its manifest (${manifest.file.name}): size is`,
    );
    expect(changed.stderr).toMatch(/it holds 1 records, the manifest says \d+/);
    expect(changed.stderr).toContain('hint: It was left as it is.');

    // Cut short: the file is named, and the hint does not claim it is gone.
    const whole = gzipSync(Buffer.from('{"gid":"1","resource_type":"task"}\n'.repeat(500)));
    await writeFile(file, whole.subarray(0, whole.length - 20));
    const cut = await runCli(['verify', file], {});
    expect(cut.code).toBe(4);
    expect(cut.stderr).toContain(`error: The stored export ${file} is not intact:`);
    expect(cut.stderr).toContain('hint: It was left as it is.');
    expect(cut.stderr).not.toContain('No file was kept');
  });

  it('rejects a missing file as bad input', async () => {
    const result = await runCli(['verify', '/nonexistent/export.jsonl.gz'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Invalid file: .* is not a file/);
  });
});

describe('asana-export failures', () => {
  it.each([
    [['run', '--kind', 'everything'], '--kind'],
    [['run', '--kind', 'resource', '--workspace', 'abc'], 'workspace'],
    [
      ['run', '--kind', 'resource', '--workspace', '1', '--resource-types', 'tasks'],
      '--resource-types',
    ],
    [
      [
        'run',
        '--kind',
        'resource',
        '--workspace',
        '1',
        '--resource-types',
        'team',
        '--filter',
        'assignee.any=1',
      ],
      '--filter',
    ],
    [
      ['run', '--kind', 'resource', '--workspace', '1', '--filter', 'created_at.after=yesterday'],
      'created_at.after',
    ],
    [['run', '--kind', 'graph', '--parent', '1', '--timeout', '-5m'], '--timeout'],
    [['run', '--kind', 'graph', '--parent', '1', '--timeout', '400d'], '--timeout'],
    [['run', '--kind', 'graph'], 'parent'],
    [['run', '--kind', 'organization', '--organization', '1', '--parent', '2'], 'parent'],
    [['status', '--kind', 'graph'], '--gid'],
    [['run', '--kind', 'graph', '--parent', '1', '--frobnicate'], '--frobnicate'],
    [['explode'], 'command'],
  ])('rejects bad input %j before any request, naming %s', async (args, inputName) => {
    const before = sandbox.requests.length;
    const result = await runCli([...args, ...api()], env());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(inputName);
    expect(result.stderr).toMatch(/^error: Invalid /m);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(sandbox.requests.length).toBe(before);
  });

  it('asks for ASANA_TOKEN when it is missing', async () => {
    const result = await runCli(['run', '--kind', 'graph', '--parent', '1', ...api()], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('ASANA_TOKEN');
  });

  it('reports a bad token as an API refusal without echoing it', async () => {
    const token = 'wrong-token-0123456789';
    const result = await runCli(['run', '--kind', 'graph', '--parent', '1', ...api()], {
      ASANA_TOKEN: token,
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('401');
    expect(result.stderr).toMatch(/hint: .*token/i);
    expect(result.stderr).not.toContain(token);
  });

  it('reports an unknown gid as 404 with what to check', async () => {
    const result = await runCli(
      ['status', '--kind', 'graph', '--gid', '1999999999999999', ...api()],
      env(),
    );
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/answered 404 to GET \/jobs\/1999999999999999/);
    expect(result.stderr).toMatch(/hint: .*same token/);
  });

  it('logs every request with --verbose, and no secret', async () => {
    const out = await tempDir();
    const result = await runCli(
      [
        'run',
        '--kind',
        'graph',
        '--parent',
        '1200000000000025',
        '--out',
        out,
        '--verbose',
        ...api(),
        ...fastPoll,
      ],
      env(),
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^debug: POST \/exports\/graph → 201 \(attempt 1\)$/m);
    expect(result.stderr).toMatch(/^debug: GET \/jobs\/\d+ → 200/m);
    expectNoSecrets(result.stderr);
  });

  it('reports an export that failed at Asana, and leaves no file', async () => {
    sandbox.configure({ outcome: 'fail' });
    const out = await tempDir();
    const result = await runCli(
      [
        'run',
        '--kind',
        'organization',
        '--organization',
        '1200000000000020',
        '--out',
        out,
        ...api(),
        ...fastPoll,
      ],
      env(),
    );
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/as error/);
    expect(result.stdout).toBe('');
    expect(await listFiles(out)).toEqual([]);
  });

  it('times out with the gid to resume, and exit code 5', async () => {
    sandbox.configure({ durationMs: 60_000 });
    const result = await runCli(
      [
        'run',
        '--kind',
        'graph',
        '--parent',
        '1200000000000021',
        '--timeout',
        '1s',
        ...api(),
        ...fastPoll,
      ],
      env(),
    );
    expect(result.code).toBe(5);
    const gid = /Created graph export job (\d+)/.exec(result.stderr)?.[1];
    expect(gid).toBeDefined();
    expect(result.stderr).toMatch(new RegExp(`hint: .*${gid}`));
  });

  it('tells an export already running apart from a missing permission', async () => {
    sandbox.configure({ durationMs: 60_000 });
    const args = ['create', '--kind', 'resource', '--workspace', '1200000000000022', ...api()];
    expect((await runCli(args, env())).code).toBe(0);
    // The second waits for the first, up to --timeout, then gives up with the same 403.
    const second = await runCli([...args, '--timeout', '500ms'], env());
    expect(second.code).toBe(3);
    expect(second.stderr).toMatch(/already in progress/i);
    expect(second.stderr).toMatch(/another export of this workspace is running \(403\)/);
    expect(second.stderr).toMatch(
      /hint: Another export of workspace 1200000000000022 kept running/,
    );

    sandbox.inject({ route: 'create', status: 403 });
    const denied = await runCli(
      ['create', '--kind', 'resource', '--workspace', '1200000000000023', ...api()],
      env(),
    );
    expect(denied.code).toBe(3);
    expect(denied.stderr).toMatch(/permission/i);
    expect(denied.stderr).not.toMatch(/already in progress/i);
  });

  it('stops on SIGINT mid-download with exit 130, keeps what it fetched, and the printed command resumes it', async () => {
    sandbox.configure({ contentBytes: 64 * 1024 * 1024 });
    const {
      gid,
      out,
      result: interrupted,
    } = await interruptedDownload('1200000000000024', 1024 * 1024, 'SIGINT');
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toMatch(
      /^error: Interrupted by SIGINT: the command was cancelled$/m,
    );
    // Nothing under a visible name; the bytes so far and their object's record, hidden.
    const name = `asana-graph-export-${gid}.jsonl.gz`;
    expect(await listFiles(out)).toEqual([`.${name}.partial`, `.${name}.partial.json`]);
    const resume =
      /^resume: (asana-export run --resume \S+ --kind graph --out \S+ --base-url \S+) \(continues from the ([\d.]+ \w+) kept\)$/m.exec(
        interrupted.stderr,
      );
    expect(resume, interrupted.stderr).not.toBeNull();
    expect(resume?.[1]).toBe(
      `asana-export run --resume ${gid} --kind graph --out ${out} --base-url ${sandbox.apiUrl}`,
    );

    // The printed command, as a user pastes it: it asks the store for the rest only.
    const before = sandbox.requests.length;
    const [, ...printed] = (resume?.[1] ?? '').split(' ');
    const resumed = await runCli([...printed, ...fastPoll], env());
    expect(resumed.code, resumed.stderr).toBe(0);
    const served = await sandbox.exportFile(gid);
    expect(manifestSchema.parse(JSON.parse(resumed.stdout)).file.sha256).toBe(served.sha256);
    const downloads = sandbox.requests
      .slice(before)
      .filter((request) => request.origin === 'download');
    expect(downloads[0]?.range).toMatch(/^bytes=[1-9]\d*-$/);
    expect(downloads[0]?.status).toBe(206);
    expect(await listFiles(out)).toEqual([name, name.replace(/\.jsonl\.gz$/, '.manifest.json')]);
  });

  it('starts over, leaving no stale partial, when the object changed since a killed run', async () => {
    sandbox.configure({ contentBytes: 8 * 1024 * 1024 });
    const {
      gid,
      out,
      result: killed,
    } = await interruptedDownload('1200000000000028', 512 * 1024, 'SIGTERM');
    expect(killed.code).not.toBe(0);
    const name = `asana-graph-export-${gid}.jsonl.gz`;
    expect(await listFiles(out)).toEqual([`.${name}.partial`, `.${name}.partial.json`]);

    // Asana's store now holds another version of the object: the kept bytes are worth nothing.
    sandbox.inject({ route: 'download', changeObject: true });
    const before = sandbox.requests.length;
    const resumed = await runCli(
      ['run', '--resume', gid, '--kind', 'graph', '--out', out, ...api(), ...fastPoll],
      env(),
    );
    expect(resumed.code, resumed.stderr).toBe(0);
    const served = await sandbox.exportFile(gid);
    expect(served.version).toBe(2);
    expect(manifestSchema.parse(JSON.parse(resumed.stdout)).file.sha256).toBe(served.sha256);
    const [first] = sandbox.requests.slice(before).filter((r) => r.origin === 'download');
    // Asked for the rest of the old object, with its validator; got the whole new one.
    expect(first).toMatchObject({ status: 200, version: 2 });
    expect(first?.range).toMatch(/^bytes=[1-9]\d*-$/);
    expect(first?.ifRange).toBeDefined();
    expect(await listFiles(out)).toEqual([name, name.replace(/\.jsonl\.gz$/, '.manifest.json')]);
  });

  it('reports a full disk with exit 6, keeps what it wrote, and the printed command resumes it', async () => {
    sandbox.configure({ contentBytes: 8 * 1024 * 1024 });
    const out = await tempDir();
    const args = ['run', '--kind', 'graph', '--parent', '1200000000000026', '--out', out];
    // 1 MiB of the ~1.6 MB file fits: the write past it fails as it would on a full disk.
    const full = await runCli([...args, ...api(), ...fastPoll], env(), { fileSizeLimitKiB: 1024 });
    expect(full.code, full.stderr).toBe(6);
    expect(full.stderr).toMatch(
      /^error: Cannot write \S+\.partial: the file size limit was reached \(EFBIG\)$/m,
    );
    expect(full.stderr).toMatch(/^hint: Free some space/m);
    expect(full.stderr).not.toMatch(/\n\s+at /);
    const resume =
      /^resume: asana-export (run --resume (\d+) --kind graph --out \S+ --base-url \S+) \(continues from the 1(\.0)? MiB kept\)$/m.exec(
        full.stderr,
      );
    expect(resume, full.stderr).not.toBeNull();
    const name = `asana-graph-export-${resume?.[2]}.jsonl.gz`;
    expect(await listFiles(out)).toEqual([`.${name}.partial`, `.${name}.partial.json`]);

    // Space again: the printed command asks the store only for the rest.
    const before = sandbox.requests.length;
    const resumed = await runCli([...(resume?.[1] ?? '').split(' '), ...fastPoll], env());
    expect(resumed.code, resumed.stderr).toBe(0);
    const served = await sandbox.exportFile(resume?.[2] ?? '');
    expect(manifestSchema.parse(JSON.parse(resumed.stdout)).file.sha256).toBe(served.sha256);
    const downloads = sandbox.requests.slice(before).filter((r) => r.origin === 'download');
    expect(downloads.map((request) => [request.range, request.status])).toEqual([
      ['bytes=1048576-', 206],
    ]);
    expect(await listFiles(out)).toEqual([name, name.replace(/\.jsonl\.gz$/, '.manifest.json')]);
  });

  it('refuses an --out that is a file, before any request', async () => {
    const file = join(await tempDir(), 'not-a-folder');
    await writeFile(file, 'mine');
    const before = sandbox.requests.length;
    const result = await runCli(
      ['run', '--kind', 'graph', '--parent', '1200000000000027', '--out', file, ...api()],
      env(),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^error: Invalid --out: \S+not-a-folder is a file, not a folder$/m,
    );
    expect(await readFile(file, 'utf8')).toBe('mine');
    expect(sandbox.requests.length).toBe(before);
  });

  it('refuses to download an export again into the folder that has it, before any request', async () => {
    sandbox.configure({ contentBytes: 64 * 1024 });
    const out = await tempDir();
    const created = await runCli(
      ['create', '--kind', 'graph', '--parent', '1200000000000025', ...api()],
      env(),
    );
    const { gid } = JSON.parse(created.stdout) as { gid: string };
    const args = ['download', '--kind', 'graph', '--gid', gid, '--out', out, ...api(), ...fastPoll];
    const first = await runCli(args, env());
    expect(first.code).toBe(0);
    expect(manifestSchema.parse(JSON.parse(first.stdout)).file.sha256).toBe(
      (await sandbox.exportFile(gid)).sha256,
    );
    const before = sandbox.requests.length;
    const again = await runCli(args, env());
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(
      new RegExp(
        `^error: Invalid --out: .*asana-graph-export-${gid}\\.jsonl\\.gz already exists$`,
        'm',
      ),
    );
    expect(sandbox.requests.length).toBe(before);
  });
});
