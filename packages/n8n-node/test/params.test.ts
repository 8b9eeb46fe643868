import { InputError } from '@asana-exports/core/protocol';
import { describe, expect, it } from 'vitest';
import { toInstant } from '../nodes/AsanaExport/dates';
import {
  readExportRef,
  readExportRequest,
  readFileOptions,
  readFilters,
  readMaxRecords,
  readPollPolicy,
} from '../nodes/AsanaExport/params';
import { fakeContext } from './support/fakeContext.mts';

async function contextWith(parameters: Record<string, unknown>, timeZone = 'UTC') {
  return (await fakeContext({ parameters, timeZone })).context;
}

describe('Create parameters', () => {
  it('reads an organization export, ignoring the parameters of other kinds', async () => {
    const context = await contextWith({
      kind: 'organization',
      organization: ' 1234567890123456 ',
      // Hidden by displayOptions in the UI, but kept in the workflow: never read.
      workspace: '999',
      parent: '888',
    });
    expect(readExportRequest(context, 0)).toEqual({
      kind: 'organization',
      organization: '1234567890123456',
    });
  });

  it('reads a graph export', async () => {
    const context = await contextWith({ kind: 'graph', parent: '1200000000000001' });
    expect(readExportRequest(context, 0)).toEqual({ kind: 'graph', parent: '1200000000000001' });
  });

  it('reads a resource export: resource types, comma-separated fields and filters', async () => {
    const context = await contextWith(
      {
        kind: 'resource',
        workspace: '1300000000000001',
        resources: {
          resource: [
            {
              resourceType: 'task',
              fields: 'gid, name,assignee.gid, ,name',
              filters: {
                createdAfter: '2024-01-01T00:00:00',
                modifiedBefore: '2024-07-01T12:30:00',
                assignee: '1400000000000001, 1400000000000002',
                createdBy: '',
              },
            },
            { resourceType: 'team', fields: '', filters: {} },
          ],
        },
      },
      'Europe/Paris',
    );
    expect(readExportRequest(context, 0)).toEqual({
      kind: 'resource',
      workspace: '1300000000000001',
      parameters: [
        {
          resourceType: 'task',
          fields: ['gid', 'name', 'assignee.gid'],
          filters: {
            // Wall times from the date pickers, in the workflow's zone (CET in winter, CEST in summer).
            'created_at.after': '2023-12-31T23:00:00.000Z',
            'modified_at.before': '2024-07-01T10:30:00.000Z',
            'assignee.any': ['1400000000000001', '1400000000000002'],
          },
        },
        { resourceType: 'team' },
      ],
    });
  });

  it('rejects a missing target, naming the input', async () => {
    const context = await contextWith({ kind: 'graph', parent: '' });
    expect(() => readExportRequest(context, 0)).toThrow(InputError);
    expect(() => readExportRequest(context, 0)).toThrow(/Invalid parent: missing/);
  });

  it('rejects a resource export without resources', async () => {
    const context = await contextWith({ kind: 'resource', workspace: '1', resources: {} });
    expect(() => readExportRequest(context, 0)).toThrow(/Invalid resources: missing/);
  });

  it('rejects filters that do not apply, with the entry and filter named', async () => {
    const teamFilter = await contextWith({
      kind: 'resource',
      workspace: '1',
      resources: {
        resource: [{ resourceType: 'team', filters: { createdAfter: '2024-01-01T00:00:00' } }],
      },
    });
    expect(() => readExportRequest(teamFilter, 0)).toThrow(
      /resources\[0\]\.filters: team exports take no filters/,
    );

    const messageAssignee = await contextWith({
      kind: 'resource',
      workspace: '1',
      resources: { resource: [{ resourceType: 'message', filters: { assignee: '123' } }] },
    });
    expect(() => readExportRequest(messageAssignee, 0)).toThrow(
      /resources\[0\]\.filters\.assignee\.any: not a filter for message exports/,
    );
  });

  it('rejects an empty date range before anything is sent', async () => {
    const context = await contextWith({
      kind: 'resource',
      workspace: '1',
      resources: {
        resource: [
          {
            resourceType: 'task',
            filters: { createdAfter: '2024-02-01T00:00:00', createdBefore: '2024-01-01T00:00:00' },
          },
        ],
      },
    });
    expect(() => readExportRequest(context, 0)).toThrow(/is later than created_at.before/);
  });

  it('rejects a gid that is not one, without echoing a long value', async () => {
    const context = await contextWith({
      kind: 'organization',
      organization: `2/${'7'.repeat(70)}:abc`,
    });
    expect(() => readExportRequest(context, 0)).toThrow(/a \d+-character value is not a gid/);
  });

  it('rejects an unknown kind', async () => {
    const context = await contextWith({ kind: 'everything' });
    expect(() => readExportRequest(context, 0)).toThrow(/is not an export kind/);
  });
});

describe('Get Status and Download parameters', () => {
  it('reads the kind and the gid to poll', async () => {
    expect(
      readExportRef(await contextWith({ kind: 'resource', gid: ' 1500000000000001' }), 0),
    ).toEqual({
      kind: 'resource',
      gid: '1500000000000001',
    });
    expect(
      readExportRef(await contextWith({ kind: 'organization', gid: 1500000000000001 }), 0),
    ).toEqual({
      kind: 'organization',
      gid: '1500000000000001',
    });
  });

  it('rejects a gid that would be spliced into a URL path', async () => {
    expect(() => readExportRef(readSync({ kind: 'graph', gid: '../users/me' }), 0)).toThrow(
      /is not a gid/,
    );
  });

  it('reads the file options with defaults', async () => {
    expect(readFileOptions(await contextWith({}), 0)).toEqual({
      binaryPropertyName: 'data',
      decompress: false,
      fileName: '',
    });
    expect(
      readFileOptions(
        await contextWith({
          binaryPropertyName: ' export ',
          options: { decompress: true, fileName: ' a.jsonl ' },
        }),
        0,
      ),
    ).toEqual({ binaryPropertyName: 'export', decompress: true, fileName: 'a.jsonl' });
    expect(() => readFileOptions(readSync({ binaryPropertyName: ' ' }), 0)).toThrow(
      /binaryPropertyName: empty/,
    );
  });

  it('reads the timeout into the core poll policy, within its limits', async () => {
    expect(readPollPolicy(await contextWith({}), 0).timeoutMs).toBe(6 * 60 * 60_000);
    expect(readPollPolicy(await contextWith({ options: { timeout: 15 } }), 0).timeoutMs).toBe(
      15 * 60_000,
    );
    expect(() => readPollPolicy(readSync({ options: { timeout: 0 } }), 0)).toThrow(
      /Timeout \(Minutes\)/,
    );
    expect(() => readPollPolicy(readSync({ options: { timeout: 20_000 } }), 0)).toThrow(
      /at most 7d/,
    );
  });

  it('reads Max Records within its range', async () => {
    expect(readMaxRecords(await contextWith({}), 0)).toBe(1000);
    expect(readMaxRecords(await contextWith({ maxRecords: 5 }), 0)).toBe(5);
    expect(() => readMaxRecords(readSync({ maxRecords: 0 }), 0)).toThrow(
      /maxRecords: 0 is out of range/,
    );
    expect(() => readMaxRecords(readSync({ maxRecords: 2.5 }), 0)).toThrow(/out of range/);
  });
});

describe('filters and dates', () => {
  it('maps the node’s filter names onto Asana’s and drops empty ones', () => {
    expect(
      readFilters(
        {
          createdBefore: '2024-03-10T10:00:00Z',
          followers: '1, 2',
          likedBy: '',
          commentedOnBy: undefined,
          assignedBy: '3',
        },
        'UTC',
      ),
    ).toEqual({
      'created_at.before': '2024-03-10T10:00:00Z',
      'followers.any': '1, 2',
      'assigned_by.any': '3',
    });
  });

  it('places zone-less date-times in the workflow’s zone, across daylight saving', () => {
    expect(toInstant('2024-01-15T09:00:00', 'America/New_York')).toBe('2024-01-15T14:00:00.000Z');
    expect(toInstant('2024-07-15T09:00:00', 'America/New_York')).toBe('2024-07-15T13:00:00.000Z');
    expect(toInstant('2024-03-31T03:30:00.5', 'Europe/Berlin')).toBe('2024-03-31T01:30:00.500Z');
    expect(toInstant('2024-06-01T00:00:00', 'UTC')).toBe('2024-06-01T00:00:00.000Z');
  });

  it('leaves values with a zone, dates and other types to the core’s validation', () => {
    expect(toInstant('2024-06-01T00:00:00+02:00', 'Asia/Tokyo')).toBe('2024-06-01T00:00:00+02:00');
    expect(toInstant('2024-06-01', 'Asia/Tokyo')).toBe('2024-06-01');
    expect(toInstant(42, 'UTC')).toBe(42);
    expect(toInstant({ toISO: () => '2024-06-01T00:00:00.000+09:00' }, 'UTC')).toBe(
      '2024-06-01T00:00:00.000+09:00',
    );
  });
});

/** A context for synchronous `toThrow` checks: parameters only, no helpers needed. */
function readSync(parameters: Record<string, unknown>) {
  return {
    getNodeParameter: (name: string, _index: number, fallback?: unknown) =>
      name in parameters ? parameters[name] : fallback,
    getTimezone: () => 'UTC',
  } as unknown as Parameters<typeof readExportRef>[0];
}

describe('storage credential checks', () => {
  it('says what is wrong with an S3 credential, and passes a well-formed one', async () => {
    const { checkS3Credential } = await import('../nodes/AsanaExport/storageCredentialTests');
    const check = (data: Record<string, unknown>) =>
      checkS3Credential({ id: '1', name: 's3', type: 'asanaExportsS3Api', data } as never);
    expect(
      await check({ region: 'eu-west-1', accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 's' }),
    ).toMatchObject({ status: 'OK' });
    expect(
      await check({ region: 'eu-west-1', accessKeyId: 'AKIA EXAMPLE', secretAccessKey: 's' }),
    ).toMatchObject({ status: 'Error', message: expect.stringMatching(/Access Key ID/) });
    expect(
      await check({
        endpoint: 'ftp://x',
        region: 'eu-west-1',
        accessKeyId: 'AKIAEXAMPLE',
        secretAccessKey: 's',
      }),
    ).toMatchObject({ status: 'Error', message: expect.stringMatching(/Endpoint/) });
  });

  it('says what is wrong with an Azure credential', async () => {
    const { checkAzureBlobCredential } = await import(
      '../nodes/AsanaExport/storageCredentialTests'
    );
    const check = (data: Record<string, unknown>) =>
      checkAzureBlobCredential({
        id: '1',
        name: 'az',
        type: 'asanaExportsAzureBlobApi',
        data,
      } as never);
    expect(await check({ account: 'acct1', sasToken: '?sv=2021&sig=abc' })).toMatchObject({
      status: 'OK',
    });
    expect(await check({ account: 'Acct', sasToken: 'sv=1&sig=a' })).toMatchObject({
      status: 'Error',
      message: expect.stringMatching(/Storage Account/),
    });
    expect(await check({ account: 'acct1', sasToken: 'not a sas' })).toMatchObject({
      status: 'Error',
      message: expect.stringMatching(/SAS Token/),
    });
  });
});
