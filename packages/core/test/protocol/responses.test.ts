import { describe, expect, it } from 'vitest';
import { type ApiErrorReason, AsanaApiError } from '../../src/protocol/errors.js';
import type { ApiRequest, ApiResponse } from '../../src/protocol/ports.js';
import { parseApiError, parseExportStatus } from '../../src/protocol/responses.js';

const SECRET_URL =
  'https://exports.s3.amazonaws.com/a.jsonl.gz?X-Amz-Credential=AKIAEXAMPLE&X-Amz-Signature=deadbeef';

const getJob: ApiRequest = { method: 'GET', path: '/jobs/3000' };
const getOrg: ApiRequest = { method: 'GET', path: '/organization_exports/1000' };
const createResource: ApiRequest = { method: 'POST', path: '/exports/resource', body: {} };

function respond(status: number, body: unknown): ApiResponse {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

function apiError(run: () => unknown): AsanaApiError {
  try {
    run();
  } catch (error) {
    if (error instanceof AsanaApiError) return error;
    throw error;
  }
  throw new Error('expected an AsanaApiError');
}

describe('parseExportStatus', () => {
  it('reads an organization export', () => {
    const status = parseExportStatus(
      'organization',
      getOrg,
      respond(200, {
        data: {
          gid: '1000',
          resource_type: 'organization_export',
          created_at: '2024-01-01T00:00:00.000Z',
          state: 'finished',
          download_url: SECRET_URL,
          organization: { gid: '2000', resource_type: 'workspace', name: 'Acme' },
        },
      }),
    );
    expect(status).toEqual({
      kind: 'organization',
      gid: '1000',
      exportGid: undefined,
      rawState: 'finished',
      outcome: 'done',
      downloadUrl: SECRET_URL,
      createdAt: '2024-01-01T00:00:00.000Z',
      completedAt: undefined,
      organization: { gid: '2000', name: 'Acme' },
    });
  });

  it('reads a freshly created resource job (201)', () => {
    const status = parseExportStatus(
      'resource',
      createResource,
      respond(201, {
        data: {
          gid: '3000',
          resource_type: 'job',
          resource_subtype: 'export_request',
          status: 'not_started',
          new_resource_export: {
            gid: '4000',
            resource_type: 'resource_export',
            created_at: '2024-01-01T00:00:00.000Z',
            completed_at: null,
            download_url: null,
          },
        },
      }),
    );
    expect(status).toEqual({
      kind: 'resource',
      gid: '3000',
      exportGid: '4000',
      rawState: 'not_started',
      outcome: 'waiting',
      downloadUrl: null,
      createdAt: '2024-01-01T00:00:00.000Z',
      completedAt: undefined,
      organization: undefined,
    });
  });

  it('reads a finished graph job', () => {
    const status = parseExportStatus(
      'graph',
      getJob,
      respond(200, {
        data: {
          gid: '5',
          status: 'succeeded',
          new_graph_export: {
            gid: '6',
            created_at: '2024-01-01T00:00:00.000Z',
            completed_at: '2024-01-01T00:10:00.000Z',
            download_url: SECRET_URL,
          },
        },
      }),
    );
    expect(status.outcome).toBe('done');
    expect(status.exportGid).toBe('6');
    expect(status.completedAt).toBe('2024-01-01T00:10:00.000Z');
    expect(status.downloadUrl).toBe(SECRET_URL);
  });

  it('keeps an unknown state verbatim and waits', () => {
    const status = parseExportStatus(
      'resource',
      getJob,
      respond(200, { data: { gid: '3000', status: 'paused_for_review' } }),
    );
    expect(status.rawState).toBe('paused_for_review');
    expect(status.outcome).toBe('waiting');
    expect(status.exportGid).toBeUndefined();
  });

  it('reports a failed job as failed, without a URL', () => {
    const status = parseExportStatus(
      'resource',
      getJob,
      respond(200, {
        data: {
          gid: '3000',
          status: 'failed',
          new_resource_export: { gid: '1', download_url: null },
        },
      }),
    );
    expect(status.outcome).toBe('failed');
    expect(status.downloadUrl).toBeNull();
  });

  it.each([
    ['no data', {}, /GET \/jobs\/3000 that cannot be used: data is missing/],
    ['null data', { data: null }, /data should be object, not null/],
    ['missing status', { data: { gid: '3000' } }, /data.status is missing/],
    [
      'numeric gid',
      { data: { gid: 3000, status: 'in_progress' } },
      /data.gid should be string, not number/,
    ],
    [
      'bad export object',
      { data: { gid: '1', status: 'in_progress', new_resource_export: { download_url: 5 } } },
      /data.new_resource_export.gid is missing; data.new_resource_export.download_url should be string, not number/,
    ],
    [
      'a gid that is a path',
      { data: { gid: '1/../../x', status: 'in_progress' } },
      /data.gid is not a gid \(expected letters, digits, - and _ only, at most 64\)/,
    ],
    [
      'an export gid with a control sequence',
      {
        data: {
          gid: '3000',
          status: 'succeeded',
          new_resource_export: { gid: '2\u001b[2J', download_url: SECRET_URL },
        },
      },
      /data.new_resource_export.gid is not a gid/,
    ],
    [
      'a file: download link',
      {
        data: {
          gid: '3000',
          status: 'succeeded',
          new_resource_export: { gid: '2', download_url: 'file:///etc/passwd' },
        },
      },
      /data.new_resource_export.download_url is not an http\(s\) link \(it is a file: link\)/,
    ],
    [
      'a data: download link',
      {
        data: {
          gid: '3000',
          status: 'succeeded',
          new_resource_export: { gid: '2', download_url: 'data:text/plain,hello' },
        },
      },
      /is not an http\(s\) link \(it is a data: link\)/,
    ],
    [
      'an answer about another job',
      { data: { gid: '3001', status: 'in_progress' } },
      /it describes resource export job 3001, not 3000, which was asked for/,
    ],
    ['a JSON array', [], /the body should be object, not an array/],
  ])('a 2xx with %s is an unexpected-response error naming the field', (_name, body, message) => {
    const error = apiError(() => parseExportStatus('resource', getJob, respond(200, body), '3000'));
    expect(error.reason).toBe('unexpected-response');
    expect(error.status).toBe(200);
    expect(error.message).toMatch(message);
    expect(error.asanaMessage).toBeUndefined();
  });

  it('a 2xx that is not JSON (a proxy page, a cut transfer) is unreadable: worth asking again', () => {
    const error = apiError(() =>
      parseExportStatus('resource', getJob, respond(200, '{"data": {"gid": "30')),
    );
    expect(error.reason).toBe('unreadable-response');
    expect(error.message).toBe(
      'Asana answered 200 to GET /jobs/3000 that cannot be used: the body is not JSON',
    );
    expect(error.asanaMessage).toBeUndefined();
  });

  it('a finished export without a download link is still waited for, not refused', () => {
    const status = parseExportStatus(
      'graph',
      getJob,
      respond(200, {
        data: {
          gid: '3000',
          status: 'succeeded',
          new_graph_export: { gid: '2', download_url: null },
        },
      }),
    );
    expect(status.rawState).toBe('succeeded');
    expect(status.outcome).toBe('waiting');
    expect(status.downloadUrl).toBeNull();
  });

  it('accepts any safe gid Asana may hand out, not only digits', () => {
    const status = parseExportStatus(
      'graph',
      { method: 'GET', path: '/jobs/job_AB-12' },
      respond(200, { data: { gid: 'job_AB-12', status: 'in_progress' } }),
      'job_AB-12',
    );
    expect(status.gid).toBe('job_AB-12');
  });

  it('escapes control characters in every text it keeps, and bounds them', () => {
    const status = parseExportStatus(
      'graph',
      getJob,
      respond(200, {
        data: { gid: '3000', status: 'in_progress\n::error::forged\u001b[2J\u0007' },
      }),
    );
    expect(status.rawState).toBe('in_progress\\n::error::forged\\u001b[2J\\u0007');
    expect(status.outcome).toBe('waiting');
    const error = parseApiError(
      getJob,
      respond(500, {
        errors: [{ message: `bad\r\u001b]0;title\u0007${'x'.repeat(2000)}`, phrase: 'a\u202eb' }],
      }),
    );
    expect(error.asanaMessage).toMatch(
      /^bad\\r\\u001b\]0;title\\u0007x+… \(\d+ more characters\)$/,
    );
    expect(error.phrase).toBe('a\\u202eb');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence.
    expect(error.message).not.toMatch(/[\u0000-\u001f\u202e]/);
  });

  it('never echoes a download URL in a validation error', () => {
    const error = apiError(() =>
      parseExportStatus(
        'organization',
        getOrg,
        respond(200, { data: { gid: 1000, state: 'finished', download_url: SECRET_URL } }),
      ),
    );
    expect(error.message).toMatch(/data.gid/);
    expect(error.message).not.toContain('amazonaws');
    expect(JSON.stringify(error)).not.toContain('amazonaws');
  });

  it('throws parseApiError for non-2xx answers', () => {
    const error = apiError(() =>
      parseExportStatus('resource', getJob, respond(404, { errors: [{ message: 'Not found' }] })),
    );
    expect(error.reason).toBe('not-found');
    expect(error.asanaMessage).toBe('Not found');
  });
});

describe('parseApiError', () => {
  const table: [number, ApiErrorReason][] = [
    [400, 'bad-request'],
    [401, 'unauthorized'],
    [402, 'payment-required'],
    [403, 'forbidden'],
    [404, 'not-found'],
    [429, 'rate-limited'],
    [500, 'server-error'],
    [502, 'server-error'],
    [503, 'server-error'],
    [504, 'server-error'],
    [598, 'server-error'],
    [599, 'server-error'],
    [302, 'unexpected-response'],
    [409, 'unexpected-response'],
    [418, 'unexpected-response'],
    [600, 'unexpected-response'],
  ];
  it.each(table)('%i → %s', (status, reason) => {
    const error = parseApiError(getJob, respond(status, { errors: [{ message: 'nope' }] }));
    expect(error.reason).toBe(reason);
    expect(error.status).toBe(status);
    expect(error.method).toBe('GET');
    expect(error.path).toBe('/jobs/3000');
    expect(error.hint).toBeTruthy();
  });

  it.each([
    'An export is already in progress for this workspace.',
    'Export already running',
    'Only one export may run at a time: ONE EXPORT per workspace',
    'There is an export in progress for this workspace',
  ])('403 %j → export-in-progress', (message) => {
    const error = parseApiError(createResource, respond(403, { errors: [{ message }] }));
    expect(error.reason).toBe('export-in-progress');
    expect(error.asanaMessage).toBe(message);
    expect(error.hint).toMatch(/one resource export runs per workspace/i);
    expect(error.hint).toMatch(/job gid/);
  });

  it('403 not permitted → forbidden, with the entitlement for the refused kind', () => {
    const resource = parseApiError(
      createResource,
      respond(403, { errors: [{ message: 'You do not have permission to perform this action.' }] }),
    );
    expect(resource.reason).toBe('forbidden');
    expect(resource.hint).toMatch(/Enterprise\+.*Compliance Management add-on/);
    const organization = parseApiError(
      { method: 'POST', path: '/organization_exports' },
      respond(402, { errors: [{ message: 'Payment required' }] }),
    );
    expect(organization.reason).toBe('payment-required');
    expect(organization.hint).toContain(
      'Organization exports need a service account of an Enterprise or Enterprise+ organization.',
    );
    const graph = parseApiError(
      { method: 'POST', path: '/exports/graph' },
      respond(403, { errors: [{ message: 'Forbidden' }] }),
    );
    expect(graph.hint).toContain('Graph exports need any user of an Enterprise or Enterprise+');
    expect(graph.hint).toContain('access to the parent');
  });

  it('keeps Asana message, help and phrase, and quotes the phrase in the hint', () => {
    const error = parseApiError(
      getJob,
      respond(500, {
        errors: [
          {
            message: 'Server Error',
            help: 'For more information on API status codes...',
            phrase: '6 sad squid snuggle softly',
          },
        ],
      }),
    );
    expect(error.asanaMessage).toBe('Server Error');
    expect(error.help).toBe('For more information on API status codes...');
    expect(error.phrase).toBe('6 sad squid snuggle softly');
    expect(error.message).toBe(
      'Asana answered 500 to GET /jobs/3000: Server Error (error phrase: 6 sad squid snuggle softly)',
    );
    expect(error.hint).toContain('"6 sad squid snuggle softly"');
  });

  it('specific hints for token, gid and rate problems', () => {
    expect(parseApiError(getJob, respond(401, {})).hint).toMatch(/token.*service account/);
    expect(parseApiError(getJob, respond(404, {})).hint).toMatch(/same token/);
    // A job polled by the export gid inside it: the hint says which gid to use instead.
    expect(parseApiError(getJob, respond(404, {})).hint).toMatch(
      /polled by its job gid \(the manifest's jobGid, the gid in the file name\), not by the export gid \(exportGid\)/,
    );
    const getOrganizationExport: ApiRequest = { method: 'GET', path: '/organization_exports/1' };
    expect(parseApiError(getOrganizationExport, respond(404, {})).hint).not.toMatch(/job gid/);
    expect(parseApiError(getJob, respond(429, {})).hint).toMatch(/rate-limited/);
  });

  it('a non-JSON body (a proxy page) still gives an error, without a message', () => {
    const error = parseApiError(getJob, respond(502, '<html><body>Bad Gateway</body></html>'));
    expect(error.reason).toBe('server-error');
    expect(error.asanaMessage).toBeUndefined();
    expect(error.message).toBe('Asana answered 502 to GET /jobs/3000');
    expect(error.message).not.toContain('html');
  });

  it('an empty or odd JSON body gives no message', () => {
    expect(parseApiError(getJob, respond(400, '')).asanaMessage).toBeUndefined();
    expect(parseApiError(getJob, respond(400, { errors: 'bad' })).asanaMessage).toBeUndefined();
    expect(parseApiError(getJob, respond(400, { errors: [] })).asanaMessage).toBeUndefined();
  });
});
