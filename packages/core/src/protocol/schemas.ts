/**
 * The wire shapes of the export endpoints, as the reference describes them. Responses are
 * validated so a changed or truncated answer fails loudly with the field at fault instead of
 * surfacing later as `undefined`. Unknown fields are stripped, not rejected: Asana adds fields
 * without notice. Only what the client needs to make progress is required; everything else is
 * optional so that an `opt_fields`-style trimmed answer still parses.
 */

import { z } from 'zod';
import { RESOURCE_TYPES } from './params.js';

// --- Errors ---------------------------------------------------------------------------------

/** One entry of Asana's `errors` array. `phrase` comes with 500s only. */
export const asanaErrorSchema = z.object({
  message: z.string(),
  help: z.string().optional(),
  phrase: z.string().optional(),
});
export type AsanaErrorEntry = z.infer<typeof asanaErrorSchema>;

export const asanaErrorBodySchema = z.object({
  errors: z.array(asanaErrorSchema),
});
export type AsanaErrorBody = z.infer<typeof asanaErrorBodySchema>;

// --- Organization exports -------------------------------------------------------------------

export const organizationRefSchema = z.object({
  gid: z.string(),
  resource_type: z.string().optional(),
  name: z.string().optional(),
});

export const organizationExportSchema = z.object({
  gid: z.string(),
  resource_type: z.string().optional(),
  created_at: z.string().optional(),
  /** `pending | started | finished | error`; kept as a string so a new state does not break polling. */
  state: z.string(),
  /** Presigned URL, null until finished (and on error). A secret. */
  download_url: z.string().nullable().optional(),
  organization: organizationRefSchema.optional(),
});
export type OrganizationExport = z.infer<typeof organizationExportSchema>;

export const organizationExportResponseSchema = z.object({ data: organizationExportSchema });
export type OrganizationExportResponse = z.infer<typeof organizationExportResponseSchema>;

// --- Jobs (resource and graph exports) ------------------------------------------------------

/** `new_resource_export` / `new_graph_export` inside a job. */
export const jobExportSchema = z.object({
  gid: z.string(),
  resource_type: z.string().optional(),
  created_at: z.string().optional(),
  completed_at: z.string().nullable().optional(),
  /** Presigned URL, null until the job succeeded. A secret. */
  download_url: z.string().nullable().optional(),
});
export type JobExport = z.infer<typeof jobExportSchema>;

export const jobSchema = z.object({
  gid: z.string(),
  resource_type: z.string().optional(),
  /** `export_request` | `graph_export_request`. */
  resource_subtype: z.string().optional(),
  /** `not_started | in_progress | succeeded | failed`; kept as a string like `state` above. */
  status: z.string(),
  new_resource_export: jobExportSchema.nullable().optional(),
  new_graph_export: jobExportSchema.nullable().optional(),
});
export type Job = z.infer<typeof jobSchema>;

export const jobResponseSchema = z.object({ data: jobSchema });
export type JobResponse = z.infer<typeof jobResponseSchema>;

// --- Create bodies --------------------------------------------------------------------------

export const organizationExportCreateBodySchema = z.object({
  data: z.object({ organization: z.string() }),
});
export type OrganizationExportCreateBody = z.infer<typeof organizationExportCreateBodySchema>;

/** One entry of `export_request_parameters`, as sent. Also recorded in the manifest. */
export const resourceExportParameterWireSchema = z.object({
  resource_type: z.enum(RESOURCE_TYPES),
  fields: z.array(z.string()).optional(),
  filters: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
});
export type ResourceExportParameterWire = z.infer<typeof resourceExportParameterWireSchema>;

export const resourceExportCreateBodySchema = z.object({
  data: z.object({
    workspace: z.string(),
    export_request_parameters: z.array(resourceExportParameterWireSchema).min(1),
  }),
});
export type ResourceExportCreateBody = z.infer<typeof resourceExportCreateBodySchema>;

export const graphExportCreateBodySchema = z.object({
  data: z.object({ parent: z.string() }),
});
export type GraphExportCreateBody = z.infer<typeof graphExportCreateBodySchema>;
