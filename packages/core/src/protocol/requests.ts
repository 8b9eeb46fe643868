/**
 * Builds the requests of the export protocol. The transport adds the base URL and the token;
 * these only decide method, path and body, so they are the single place that knows the wire
 * spelling (snake_case, `{data: ...}` envelopes).
 */

import { InputError } from './errors.js';
import { type ExportKind, isExportGid } from './kinds.js';
import { type ExportRequest, quoteUserValue, type ResourceExportParameter } from './params.js';
import type { ApiRequest } from './ports.js';
import type {
  GraphExportCreateBody,
  OrganizationExportCreateBody,
  ResourceExportCreateBody,
  ResourceExportParameterWire,
} from './schemas.js';

/** What to poll: the organization export gid, or the job gid for resource and graph exports. */
export interface ExportRef {
  kind: ExportKind;
  gid: string;
}

export function buildCreateRequest(request: ExportRequest): ApiRequest {
  switch (request.kind) {
    case 'organization': {
      const body: OrganizationExportCreateBody = { data: { organization: request.organization } };
      return { method: 'POST', path: '/organization_exports', body };
    }
    case 'resource': {
      const body: ResourceExportCreateBody = {
        data: {
          workspace: request.workspace,
          export_request_parameters: request.parameters.map(toWireParameter),
        },
      };
      return { method: 'POST', path: '/exports/resource', body };
    }
    case 'graph': {
      const body: GraphExportCreateBody = { data: { parent: request.parent } };
      return { method: 'POST', path: '/exports/graph', body };
    }
  }
}

/** Asana's spelling of one resource export parameter; empty fields and filters are left out. */
export function toWireParameter(parameter: ResourceExportParameter): ResourceExportParameterWire {
  const wire: ResourceExportParameterWire = { resource_type: parameter.resourceType };
  if (parameter.fields !== undefined && parameter.fields.length > 0) {
    wire.fields = [...parameter.fields];
  }
  if (parameter.filters !== undefined && Object.keys(parameter.filters).length > 0) {
    wire.filters = { ...parameter.filters };
  }
  return wire;
}

export function buildStatusRequest(ref: ExportRef): ApiRequest {
  // The gid lands in the URL path: a resumed gid comes from the user, so check it here too.
  if (!isExportGid(ref.gid)) {
    throw new InputError(
      'gid',
      `${quoteUserValue(ref.gid)} is not a gid; expected the numeric id of the ${
        ref.kind === 'organization' ? 'organization export' : 'export job'
      }, such as 1234567890123456`,
    );
  }
  const path =
    ref.kind === 'organization' ? `/organization_exports/${ref.gid}` : `/jobs/${ref.gid}`;
  return { method: 'GET', path };
}
