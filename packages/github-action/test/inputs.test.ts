import { InputError } from '@asana-exports/core/node';
import { describe, expect, it } from 'vitest';
import { type ActionInputs, parseFilters, readInputs } from '../src/inputs.js';

const NOW = new Date('2026-11-23T02:00:00.000Z');
const TOKEN = '2/1200000000000009/1200000000000010:0123456789abcdef0123456789abcdef';

function read(inputs: Record<string, string>): ActionInputs {
  return readInputs((name) => inputs[name] ?? '', NOW);
}

function inputError(inputs: Record<string, string>): InputError {
  try {
    read(inputs);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

const AGE_KEY = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
const RESOURCE = { 'asana-token': TOKEN, kind: 'resource', workspace: '1200000000000002' };

describe('readInputs', () => {
  it('builds one parameter per resource type, each with the filters it accepts', () => {
    const inputs = read({
      ...RESOURCE,
      resources: 'task\nteam, message',
      fields: 'gid, name',
      filters: 'assignee.any: [1200000000000005]\ncreated_at.after: 2024-01-01',
    });
    expect(inputs.start).toEqual({
      request: {
        kind: 'resource',
        workspace: '1200000000000002',
        parameters: [
          {
            resourceType: 'task',
            fields: ['gid', 'name'],
            filters: {
              'assignee.any': ['1200000000000005'],
              'created_at.after': '2024-01-01T00:00:00.000Z',
            },
          },
          { resourceType: 'team', fields: ['gid', 'name'] },
          {
            resourceType: 'message',
            fields: ['gid', 'name'],
            filters: { 'created_at.after': '2024-01-01T00:00:00.000Z' },
          },
        ],
      },
    });
  });

  it('defaults to tasks, a 1 m poll cap and a 300 min timeout', () => {
    const inputs = read(RESOURCE);
    expect(inputs.start).toMatchObject({ request: { parameters: [{ resourceType: 'task' }] } });
    expect(inputs.poll).toMatchObject({
      initialIntervalMs: 2_000,
      maxIntervalMs: 60_000,
      timeoutMs: 300 * 60_000,
    });
    expect(inputs.decompress).toBe(false);
    expect(inputs.retentionDays).toBeUndefined();
    expect(inputs.keepLast).toBeUndefined();
  });

  it('reads JSON filters and keeps 16-digit gids exact', () => {
    const inputs = read({
      ...RESOURCE,
      filters: '{"assignee.any": [9007199254740993, "1200000000000006"]}',
    });
    expect(inputs.start).toMatchObject({
      request: {
        parameters: [{ filters: { 'assignee.any': ['9007199254740993', '1200000000000006'] } }],
      },
    });
  });

  it('applies since as modified_at.after to the types that accept it', () => {
    const inputs = read({ ...RESOURCE, resources: 'task,team', since: '24h' });
    expect(inputs.since).toEqual({
      type: 'fixed',
      after: '2026-11-22T02:00:00.000Z',
      text: '24h',
    });
    expect(inputs.start).toMatchObject({
      request: {
        parameters: [
          { resourceType: 'task', filters: { 'modified_at.after': '2026-11-22T02:00:00.000Z' } },
          { resourceType: 'team' },
        ],
      },
    });
    // The state key ignores the watermark.
    expect(inputs.baseRequest).toMatchObject({ parameters: [{ resourceType: 'task' }, {}] });
    expect(
      inputs.baseRequest?.kind === 'resource' && inputs.baseRequest.parameters[0]?.filters,
    ).toBeFalsy();
  });

  it('reads since as a date, and last-run', () => {
    expect(read({ ...RESOURCE, since: '2024-01-31' }).since).toMatchObject({
      after: '2024-01-31T00:00:00.000Z',
    });
    expect(read({ ...RESOURCE, since: 'last-run', 'github-token': 'ghs_x' }).since).toEqual({
      type: 'last-run',
    });
  });

  it('reads resumption by export-gid and job-gid', () => {
    expect(read({ 'asana-token': TOKEN, 'export-gid': '1200000000000007' }).start).toEqual({
      resume: { kind: 'organization', gid: '1200000000000007' },
    });
    expect(
      read({ 'asana-token': TOKEN, kind: 'graph', 'job-gid': '1200000000000008' }).start,
    ).toEqual({ resume: { kind: 'graph', gid: '1200000000000008' } });
  });

  it('keeps state only when since: last-run, keep-last or full-every asks for it', () => {
    const last = { ...RESOURCE, since: 'last-run', 'github-token': 'ghs_x' };
    expect(read(RESOURCE).keepsState).toBe(false);
    expect(read({ ...RESOURCE, since: '24h' }).keepsState).toBe(false);
    expect(read({ ...RESOURCE, 'keep-last': '2', 'github-token': 'ghs_x' }).keepsState).toBe(true);
    expect(read(last)).toMatchObject({
      keepsState: true,
      fullEvery: undefined,
      resumePending: true,
    });
    expect(read({ ...last, 'full-every': '7' }).fullEvery).toEqual({ type: 'runs', count: 7 });
    expect(read({ ...last, 'full-every': '7d' }).fullEvery).toEqual({
      type: 'age',
      ms: 7 * 86_400_000,
    });
    expect(read({ ...last, 'resume-pending': 'false' }).resumePending).toBe(false);
  });

  it('reads encrypt-to as age recipients, one per line or comma-separated', () => {
    const key = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
    expect(read(RESOURCE).encryptTo).toBeUndefined();
    expect(read({ ...RESOURCE, 'encrypt-to': `# backup key\n${key}\n` }).encryptTo).toEqual([
      { publicKey: key },
    ]);
    expect(read({ ...RESOURCE, 'retention-days': '400' }).retentionDays).toBe(400);
  });

  it('reads timeout-minutes as minutes or as a duration, and the other options', () => {
    const inputs = read({
      ...RESOURCE,
      'timeout-minutes': '1.5',
      'poll-interval': '1s',
      'retention-days': '7',
      decompress: 'True',
      'keep-last': '3',
      'github-token': 'ghs_x',
      'artifact-name': 'nightly tasks',
      'base-url': 'http://127.0.0.1:8080/api/1.0',
    });
    expect(inputs.poll).toMatchObject({
      initialIntervalMs: 1_000,
      maxIntervalMs: 1_000,
      timeoutMs: 90_000,
    });
    expect(inputs).toMatchObject({
      retentionDays: 7,
      decompress: true,
      keepLast: 3,
      artifactName: 'nightly tasks',
      baseUrl: 'http://127.0.0.1:8080/api/1.0',
    });
    expect(read({ ...RESOURCE, 'timeout-minutes': '2h' }).poll.timeoutMs).toBe(7_200_000);
  });

  it.each([
    [{ kind: 'resource' }, 'asana-token', /missing/],
    [{ ...RESOURCE, kind: 'project' }, 'kind', /"project" is not an export kind/],
    [{ ...RESOURCE, workspace: 'acme' }, 'workspace', /"acme" is not a gid/],
    [{ ...RESOURCE, parent: '1200000000000003' }, 'parent', /do not use parent/],
    [{ ...RESOURCE, resources: 'task,project' }, 'resources', /"project" is not a resource type/],
    [{ ...RESOURCE, fields: 'gid,na me' }, 'fields', /"na me" is not a field name/],
    [{ ...RESOURCE, filters: 'a: [' }, 'filters', /not valid YAML or JSON/],
    [{ ...RESOURCE, filters: '- 1' }, 'filters', /must be a map/],
    [
      { ...RESOURCE, resources: 'message', filters: 'assignee.any: 1200000000000005' },
      'filters',
      /assignee.any applies to none of the resource types message/,
    ],
    [
      { ...RESOURCE, filters: 'created_at.after: yesterday' },
      'filters',
      /created_at.after: "yesterday" is not a date/,
    ],
    [{ ...RESOURCE, since: 'soon' }, 'since', /"soon" is neither a date nor a duration/],
    [{ ...RESOURCE, since: '2024-02-30' }, 'since', /not a valid calendar date/],
    [{ ...RESOURCE, resources: 'team', since: '24h' }, 'since', /team exports take no filters/],
    [
      { ...RESOURCE, since: '24h', filters: 'modified_at.after: 2024-01-01' },
      'since',
      /cannot be combined with a modified_at.after filter/,
    ],
    [
      { 'asana-token': TOKEN, kind: 'graph', parent: '1200000000000003', since: '24h' },
      'since',
      /only resource exports/,
    ],
    [
      { 'asana-token': TOKEN, kind: 'graph', parent: '1200000000000003', fields: 'gid' },
      'fields',
      /graph exports do not take fields/,
    ],
    [{ ...RESOURCE, since: 'last-run' }, 'github-token', /missing/],
    [{ ...RESOURCE, 'keep-last': '0' }, 'keep-last', /not a whole number from 1 to 1000/],
    [{ ...RESOURCE, 'retention-days': '401' }, 'retention-days', /from 1 to 400/],
    [{ ...RESOURCE, 'full-every': '7d' }, 'full-every', /only with since: last-run/],
    [
      { ...RESOURCE, since: 'last-run', 'github-token': 'ghs_x', 'full-every': '1' },
      'full-every',
      /2 to 1000/,
    ],
    [
      { ...RESOURCE, since: 'last-run', 'github-token': 'ghs_x', 'full-every': 'weekly' },
      'full-every',
      /./,
    ],
    [
      { ...RESOURCE, since: 'last-run', 'github-token': 'ghs_x', 'keep-last': '30' },
      'full-every',
      /keeps whole chains/,
    ],
    [{ ...RESOURCE, 'encrypt-to': 'age1notakey' }, 'encrypt-to', /./],
    [
      {
        ...RESOURCE,
        decompress: 'true',
        'encrypt-to': 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p',
      },
      'decompress',
      /unencrypted/,
    ],
    [{ ...RESOURCE, 'resume-pending': 'maybe' }, 'resume-pending', /not a boolean/],
    [{ ...RESOURCE, 'allow-public-unencrypted': 'sure' }, 'allow-public-unencrypted', /boolean/],
    [{ ...RESOURCE, decompress: 'yes' }, 'decompress', /not a boolean/],
    [{ ...RESOURCE, 'timeout-minutes': 'soon' }, 'timeout-minutes', /not a number of minutes/],
    [{ ...RESOURCE, 'timeout-minutes': '20000' }, 'timeout-minutes', /too long/],
    [{ ...RESOURCE, 'poll-interval': '0s' }, 'poll-interval', /not a usable duration/],
    [{ ...RESOURCE, 'artifact-name': 'backup 2026-11-23T02:00' }, 'artifact-name', /":"/],
    [{ ...RESOURCE, 'artifact-name': 'a/b' }, 'artifact-name', /"\/"/],
    [{ ...RESOURCE, 'base-url': 'ftp://example.com' }, 'base-url', /http\(s\) URL/],
    [{ ...RESOURCE, 'base-url': 'https://x.test/api?token=1' }, 'base-url', /query string/],
    [
      { 'asana-token': TOKEN, 'export-gid': '1', 'job-gid': '2', kind: 'resource' },
      'job-gid',
      /cannot be combined with export-gid/,
    ],
    [{ 'asana-token': TOKEN, 'job-gid': '1200000000000008' }, 'kind', /missing/],
    [
      { 'asana-token': TOKEN, kind: 'resource', 'export-gid': '1200000000000007' },
      'export-gid',
      /resumed by the job gid/,
    ],
    [
      { 'asana-token': TOKEN, kind: 'organization', 'job-gid': '1200000000000008' },
      'job-gid',
      /have no job/,
    ],
    [
      { ...RESOURCE, 'job-gid': '1200000000000008' },
      'workspace',
      /cannot be combined with job-gid/,
    ],
  ])('rejects %j naming %s', (inputs, name, problem) => {
    const error = inputError(inputs as Record<string, string>);
    expect(error.input).toBe(name);
    expect(error.message).toMatch(new RegExp(`^Invalid ${name}`));
    expect(error.message).toMatch(problem);
  });

  it('never echoes a long value such as a token pasted into the wrong input', () => {
    const error = inputError({ ...RESOURCE, workspace: TOKEN });
    expect(error.message).not.toContain(TOKEN);
  });
});

describe('readInputs: destination', () => {
  const S3 = { ...RESOURCE, destination: 's3://acme-backups/asana' };
  const AZURE = { ...RESOURCE, destination: 'azure://acmebackups/exports/asana' };

  it('has none unless destination is given', () => {
    expect(read(RESOURCE).destination).toBeUndefined();
  });

  it('reads an S3 destination and its options into the store settings', () => {
    const inputs = read({
      ...S3,
      'destination-layout': '{kind}/{date}/{export}',
      'storage-class': 'STANDARD_IA',
      'object-retention-mode': 'Compliance',
      'object-retention-days': '365',
      's3-region': 'eu-west-1',
      's3-endpoint': 'https://storage.googleapis.com',
      's3-path-style': 'true',
      sse: 'aws:kms',
      'sse-kms-key-id': 'alias/backups',
    });
    expect(inputs.destination).toEqual({
      destination: { store: 's3', bucket: 'acme-backups', prefix: 'asana/' },
      layout: '{kind}/{date}/{export}',
      settings: {
        region: 'eu-west-1',
        endpoint: 'https://storage.googleapis.com',
        pathStyle: true,
        storageClass: 'STANDARD_IA',
        serverSideEncryption: 'aws:kms',
        kmsKeyId: 'alias/backups',
        encryptionScope: undefined,
        retention: { mode: 'compliance', days: 365 },
      },
    });
  });

  it('reads an Azure destination, with the default layout', () => {
    const inputs = read({
      ...AZURE,
      'storage-class': 'Cool',
      'azure-endpoint': 'http://127.0.0.1:10000/acmebackups',
      'azure-encryption-scope': 'backups',
    });
    expect(inputs.destination).toMatchObject({
      destination: { store: 'azure', account: 'acmebackups', container: 'exports' },
      layout: '{kind}/{target}/{timestamp}',
      settings: {
        storageClass: 'Cool',
        endpoint: 'http://127.0.0.1:10000/acmebackups',
        encryptionScope: 'backups',
      },
    });
  });

  it("keeps no state, and takes the runner's defaults of the artifact inputs", () => {
    // The runner passes action.yml's defaults: decompress false, resume-pending true.
    const inputs = read({ ...S3, decompress: 'false', 'resume-pending': 'true', since: '24h' });
    expect(inputs.keepsState).toBe(false);
    expect(inputs.decompress).toBe(false);
    expect(inputs.since).toMatchObject({ type: 'fixed' });
  });

  it("takes compare: last-run with its limits, and needs no github-token: it reads the destination's record", () => {
    const inputs = read({
      ...S3,
      compare: 'last-run',
      'fail-on': 'removed>5%',
      'warn-on': 'changed>100',
      'github-token': '',
    });
    expect(inputs.compare?.failOn).toHaveLength(1);
    expect(inputs.compare?.warnOn).toHaveLength(1);
    expect(inputs.keepsState).toBe(false);
    expect(inputs.githubToken).toBeUndefined();
  });

  it("takes since: last-run without a github-token and keeps no state: it reads the destination's latest export", () => {
    const inputs = read({ ...S3, since: 'last-run', 'github-token': '' });
    expect(inputs.since).toEqual({ type: 'last-run' });
    expect(inputs.keepsState).toBe(false);
    expect(inputs.start).toEqual({ request: inputs.baseRequest });
  });

  it('keeps encrypt-to and resumption by gid', () => {
    const key = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
    const inputs = read({
      'asana-token': TOKEN,
      kind: 'graph',
      'job-gid': '1200000000000008',
      destination: 's3://acme-backups',
      'encrypt-to': key,
    });
    expect(inputs.encryptTo).toEqual([{ publicKey: key }]);
    expect(inputs.start).toEqual({ resume: { kind: 'graph', gid: '1200000000000008' } });
    expect(inputs.destination?.destination).toEqual({
      store: 's3',
      bucket: 'acme-backups',
      prefix: '',
    });
  });

  it.each([
    [{ ...RESOURCE, destination: 'gs://acme/x' }, 'destination', /scheme "gs:\/\/"/],
    [{ ...RESOURCE, destination: 'acme-backups' }, 'destination', /not an s3:\/\/ or azure:\/\//],
    [{ ...RESOURCE, destination: 's3://Acme_Backups' }, 'destination', /./],
    [{ ...RESOURCE, destination: 'azure://acme/' }, 'destination', /./],
    [{ ...RESOURCE, 'storage-class': 'STANDARD_IA' }, 'storage-class', /needs destination/],
    [{ ...RESOURCE, 's3-endpoint': 'https://x.test' }, 's3-endpoint', /needs destination/],
    [{ ...S3, 'artifact-name': 'nightly' }, 'artifact-name', /cannot be combined with destination/],
    [{ ...S3, 'retention-days': '30' }, 'retention-days', /cannot be combined with destination/],
    [{ ...S3, decompress: 'true' }, 'decompress', /cannot be combined with destination/],
    [{ ...S3, 'keep-last': '3' }, 'keep-last', /cannot be combined with destination/],
    [{ ...S3, compare: 'last-run', 'encrypt-to': AGE_KEY }, 'compare', /encrypt-to/],
    [
      { ...S3, since: 'last-run', 'github-token': 'ghs_x', 'full-every': '7' },
      'full-every',
      /cannot be combined with destination/,
    ],
    [{ ...S3, 'object-retention-mode': 'governance' }, 'object-retention-days', /required/],
    [{ ...S3, 'object-retention-days': '30' }, 'object-retention-mode', /required/],
    [
      { ...S3, 'object-retention-mode': 'forever', 'object-retention-days': '30' },
      'object-retention-mode',
      /./,
    ],
    [
      { ...S3, 'object-retention-mode': 'governance', 'object-retention-days': '0' },
      'object-retention-days',
      /./,
    ],
    [{ ...S3, 'storage-class': 'standard ia' }, 'storage-class', /./],
    [{ ...AZURE, 'storage-class': 'STANDARD_IA' }, 'storage-class', /./],
    [{ ...S3, 's3-path-style': 'yes' }, 's3-path-style', /true or false/],
    [{ ...S3, 's3-endpoint': 'ftp://x.test' }, 's3-endpoint', /./],
    [{ ...S3, 's3-region': 'eu west' }, 's3-region', /./],
    [{ ...S3, sse: 'rot13' }, 'sse', /not a server-side encryption/],
    [{ ...S3, sse: 'AES256', 'sse-kms-key-id': 'alias/x' }, 'sse-kms-key-id', /aws:kms only/],
    [
      { ...S3, 'azure-encryption-scope': 'backups' },
      'azure-encryption-scope',
      /does not apply to S3/,
    ],
    [{ ...AZURE, sse: 'aws:kms' }, 'sse', /does not apply to Azure Blob/],
    [{ ...S3, 'destination-layout': '{kind}/{nope}' }, 'destination-layout', /./],
  ])('rejects %j naming %s', (inputs, name, problem) => {
    const error = inputError(inputs as Record<string, string>);
    expect(error.input).toBe(name);
    expect(error.message).toMatch(new RegExp(`^Invalid ${name}`));
    expect(error.message).toMatch(problem);
  });

  it('names destination in what it refuses beside it, and says what to do instead', () => {
    const error = inputError({ ...S3, 'keep-last': '3' });
    expect(error.message).toContain('destination');
    expect(error.hint).toMatch(/lifecycle/);
  });
});

describe('parseFilters', () => {
  it('keeps dates as text (YAML 1.2 core schema) and integers as strings', () => {
    expect(parseFilters('created_at.before: 2024-01-31\nassignee.any: 42')).toEqual({
      'created_at.before': '2024-01-31',
      'assignee.any': '42',
    });
    expect(parseFilters('')).toEqual({});
    expect(() => parseFilters('a: 1\na: 2')).toThrow(/not valid YAML/);
  });
});
