import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/protocol/errors.js';
import { validateExportRequest } from '../../src/protocol/params.js';
import { buildCreateRequest, buildStatusRequest } from '../../src/protocol/requests.js';
import {
  graphExportCreateBodySchema,
  organizationExportCreateBodySchema,
  resourceExportCreateBodySchema,
} from '../../src/protocol/schemas.js';

describe('buildCreateRequest', () => {
  it('organization export', () => {
    const request = buildCreateRequest({ kind: 'organization', organization: '42' });
    expect(request).toEqual({
      method: 'POST',
      path: '/organization_exports',
      body: { data: { organization: '42' } },
    });
    expect(organizationExportCreateBodySchema.safeParse(request.body).success).toBe(true);
  });

  it('graph export', () => {
    const request = buildCreateRequest({ kind: 'graph', parent: '7' });
    expect(request).toEqual({
      method: 'POST',
      path: '/exports/graph',
      body: { data: { parent: '7' } },
    });
    expect(graphExportCreateBodySchema.safeParse(request.body).success).toBe(true);
  });

  it('resource export: snake_case, empty fields and filters left out', () => {
    const request = buildCreateRequest({
      kind: 'resource',
      workspace: '12345',
      parameters: [
        {
          resourceType: 'task',
          fields: ['gid', 'name'],
          filters: { 'assignee.any': ['12345'], 'created_at.after': '2024-01-01T00:00:00.000Z' },
        },
        { resourceType: 'team', fields: [], filters: {} },
        { resourceType: 'message' },
      ],
    });
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/exports/resource');
    // Compared as JSON: this is what goes on the wire, key for key.
    expect(JSON.stringify(request.body)).toBe(
      JSON.stringify({
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
            { resource_type: 'team' },
            { resource_type: 'message' },
          ],
        },
      }),
    );
    expect(resourceExportCreateBodySchema.safeParse(request.body).success).toBe(true);
  });

  it('round-trips validated user input', () => {
    const request = buildCreateRequest(
      validateExportRequest({
        kind: 'resource',
        workspace: '1',
        resources: [{ resourceType: 'task', filters: { 'assignee.any': '2,3' } }],
      }),
    );
    expect(request.body).toEqual({
      data: {
        workspace: '1',
        export_request_parameters: [
          { resource_type: 'task', filters: { 'assignee.any': ['2', '3'] } },
        ],
      },
    });
  });
});

describe('buildStatusRequest', () => {
  it('polls organization exports and jobs', () => {
    expect(buildStatusRequest({ kind: 'organization', gid: '11' })).toEqual({
      method: 'GET',
      path: '/organization_exports/11',
    });
    expect(buildStatusRequest({ kind: 'resource', gid: '12' })).toEqual({
      method: 'GET',
      path: '/jobs/12',
    });
    expect(buildStatusRequest({ kind: 'graph', gid: '13' })).toEqual({
      method: 'GET',
      path: '/jobs/13',
    });
  });

  it('refuses a gid that would change the path', () => {
    expect(() => buildStatusRequest({ kind: 'graph', gid: '../users/me' })).toThrow(InputError);
    expect(() => buildStatusRequest({ kind: 'organization', gid: '' })).toThrow(
      /Invalid gid: "" is not a gid; expected the numeric id of the organization export/,
    );
  });
});
