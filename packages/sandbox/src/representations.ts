/**
 * The JSON objects the API returns for an export at a given moment: Asana's OrganizationExport
 * and Job, with every field the reference lists.
 */
import { completedAt, type ExportRecord, phaseAt } from './state.js';

/** Mints a fresh presigned URL; called only for exports that finished successfully. */
export type MintDownloadUrl = (record: ExportRecord) => string;

const ORGANIZATION_STATES = {
  queued: 'pending',
  running: 'started',
  succeeded: 'finished',
  failed: 'error',
} as const;

const JOB_STATUSES = {
  queued: 'not_started',
  running: 'in_progress',
  succeeded: 'succeeded',
  failed: 'failed',
} as const;

export function organizationExportJson(record: ExportRecord, now: number, mint: MintDownloadUrl) {
  const phase = phaseAt(record, now);
  return {
    gid: record.exportGid,
    resource_type: 'organization_export',
    created_at: new Date(record.createdAt).toISOString(),
    state: ORGANIZATION_STATES[phase],
    download_url: phase === 'succeeded' ? mint(record) : null,
    organization: {
      gid: record.scopeGid,
      resource_type: 'workspace',
      name: 'Sandbox Organization',
    },
  };
}

export function jobJson(record: ExportRecord, now: number, mint: MintDownloadUrl) {
  const phase = phaseAt(record, now);
  const completed = completedAt(record, now);
  const isGraph = record.kind === 'graph';
  const exportObject = {
    gid: record.exportGid,
    resource_type: isGraph ? 'graph_export' : 'resource_export',
    created_at: new Date(record.createdAt).toISOString(),
    completed_at: completed === undefined ? null : new Date(completed).toISOString(),
    download_url: phase === 'succeeded' ? mint(record) : null,
  };
  return {
    gid: record.jobGid,
    resource_type: 'job',
    resource_subtype: isGraph ? 'graph_export_request' : 'export_request',
    status: JOB_STATUSES[phase],
    ...(isGraph ? { new_graph_export: exportObject } : { new_resource_export: exportObject }),
  };
}
