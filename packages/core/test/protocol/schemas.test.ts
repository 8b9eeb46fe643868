import { describe, expect, it } from 'vitest';
import {
  asanaErrorBodySchema,
  graphExportCreateBodySchema,
  jobResponseSchema,
  organizationExportCreateBodySchema,
  organizationExportResponseSchema,
  resourceExportCreateBodySchema,
} from '../../src/protocol/schemas.js';

const organizationExport = {
  gid: '1000',
  resource_type: 'organization_export',
  created_at: '2024-01-01T00:00:00.000Z',
  state: 'finished',
  download_url: 'https://s3.example/export.json.gz?X-Amz-Signature=abc',
  organization: { gid: '2000', resource_type: 'workspace', name: 'Acme' },
};

const resourceJob = {
  gid: '3000',
  resource_type: 'job',
  resource_subtype: 'export_request',
  status: 'in_progress',
  new_resource_export: {
    gid: '4000',
    resource_type: 'resource_export',
    created_at: '2024-01-01T00:00:00.000Z',
    completed_at: null,
    download_url: null,
  },
};

function issuePaths(result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) {
  return (result.error?.issues ?? []).map((issue) => issue.path.join('.'));
}

describe('response schemas', () => {
  it('accept the reference shapes and strip unknown fields', () => {
    const parsed = organizationExportResponseSchema.parse({
      data: { ...organizationExport, brand_new_field: 1 },
    });
    expect(parsed.data).toEqual(organizationExport);
    expect(jobResponseSchema.parse({ data: resourceJob }).data).toEqual(resourceJob);
    expect(
      jobResponseSchema.parse({
        data: {
          gid: '5',
          resource_type: 'job',
          resource_subtype: 'graph_export_request',
          status: 'succeeded',
          new_graph_export: {
            gid: '6',
            resource_type: 'graph_export',
            created_at: '2024-01-01T00:00:00.000Z',
            completed_at: '2024-01-01T00:05:00.000Z',
            download_url: 'https://s3.example/x.jsonl.gz',
          },
        },
      }).data.new_graph_export?.completed_at,
    ).toBe('2024-01-01T00:05:00.000Z');
  });

  it('accept download_url null while waiting', () => {
    const pending = { ...organizationExport, state: 'pending', download_url: null };
    expect(organizationExportResponseSchema.safeParse({ data: pending }).success).toBe(true);
  });

  it('reject missing required fields, naming them', () => {
    const { state: _state, ...noState } = organizationExport;
    expect(issuePaths(organizationExportResponseSchema.safeParse({ data: noState }))).toEqual([
      'data.state',
    ]);
    expect(issuePaths(jobResponseSchema.safeParse({ data: { gid: 3000, status: 'x' } }))).toEqual([
      'data.gid',
    ]);
    expect(
      issuePaths(
        jobResponseSchema.safeParse({
          data: { ...resourceJob, new_resource_export: { download_url: 7 } },
        }),
      ).sort(),
    ).toEqual(['data.new_resource_export.download_url', 'data.new_resource_export.gid']);
    expect(issuePaths(jobResponseSchema.safeParse({ job: resourceJob }))).toEqual(['data']);
  });

  it('error bodies: message required, help and phrase optional', () => {
    expect(
      asanaErrorBodySchema.parse({
        errors: [{ message: 'Server Error', phrase: '6 sad squid snuggle softly' }],
      }).errors[0]?.phrase,
    ).toBe('6 sad squid snuggle softly');
    expect(asanaErrorBodySchema.safeParse({ errors: [{ help: 'x' }] }).success).toBe(false);
  });
});

describe('create body schemas', () => {
  it('accept the reference examples', () => {
    expect(
      organizationExportCreateBodySchema.safeParse({ data: { organization: '1' } }).success,
    ).toBe(true);
    expect(graphExportCreateBodySchema.safeParse({ data: { parent: '1' } }).success).toBe(true);
    expect(
      resourceExportCreateBodySchema.safeParse({
        data: {
          workspace: '12345',
          export_request_parameters: [
            {
              resource_type: 'task',
              fields: ['gid', 'name'],
              filters: {
                'assignee.any': ['12345'],
                'created_at.after': '2024-01-01T00:00:00.000Z',
              },
            },
            { resource_type: 'team', fields: ['gid', 'name', 'description'] },
          ],
        },
      }).success,
    ).toBe(true);
  });

  it('reject an unknown resource type and an empty parameter list', () => {
    expect(
      issuePaths(
        resourceExportCreateBodySchema.safeParse({
          data: { workspace: '1', export_request_parameters: [{ resource_type: 'goal' }] },
        }),
      ),
    ).toEqual(['data.export_request_parameters.0.resource_type']);
    expect(
      issuePaths(
        resourceExportCreateBodySchema.safeParse({
          data: { workspace: '1', export_request_parameters: [] },
        }),
      ),
    ).toEqual(['data.export_request_parameters']);
  });
});
