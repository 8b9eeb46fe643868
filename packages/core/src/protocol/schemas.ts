/**
 * The wire shapes of the export endpoints, as the reference describes them. Responses are
 * validated so a changed or truncated answer fails loudly with the field at fault instead of
 * surfacing later as `undefined`. Unknown fields are stripped, not rejected: Asana adds fields
 * without notice. Only what the client needs to make progress is required; everything else is
 * optional so that an `opt_fields`-style trimmed answer still parses.
 */

// zod/mini rather than zod's classic API, which cannot be tree-shaken: classic zod was 390 KB of
// the n8n node's 557 KB bundle, zod/mini is 51 KB of 215 KB. It loads no message locale, so an
// issue's `message` is a bare "Invalid input": errors are worded from its code, path and
// `expected` instead (responses.ts, manifest.ts).
import * as z from 'zod/mini';
import { RESOURCE_TYPES } from './params.js';

// --- Errors ---------------------------------------------------------------------------------

/** One entry of Asana's `errors` array. `phrase` comes with 500s only. */
export const asanaErrorSchema = z.object({
  message: z.string(),
  help: z.optional(z.string()),
  phrase: z.optional(z.string()),
});
export type AsanaErrorEntry = z.infer<typeof asanaErrorSchema>;

export const asanaErrorBodySchema = z.object({
  errors: z.array(asanaErrorSchema),
});
export type AsanaErrorBody = z.infer<typeof asanaErrorBodySchema>;

// --- Organization exports -------------------------------------------------------------------

export const organizationRefSchema = z.object({
  gid: z.string(),
  resource_type: z.optional(z.string()),
  name: z.optional(z.string()),
});

export const organizationExportSchema = z.object({
  gid: z.string(),
  resource_type: z.optional(z.string()),
  created_at: z.optional(z.string()),
  /** `pending | started | finished | error`; kept as a string so a new state does not break polling. */
  state: z.string(),
  /** Presigned URL, null until finished (and on error). A secret. */
  download_url: z.optional(z.nullable(z.string())),
  organization: z.optional(organizationRefSchema),
});
export type OrganizationExport = z.infer<typeof organizationExportSchema>;

export const organizationExportResponseSchema = z.object({ data: organizationExportSchema });
export type OrganizationExportResponse = z.infer<typeof organizationExportResponseSchema>;

// --- Jobs (resource and graph exports) ------------------------------------------------------

/** `new_resource_export` / `new_graph_export` inside a job. */
export const jobExportSchema = z.object({
  gid: z.string(),
  resource_type: z.optional(z.string()),
  created_at: z.optional(z.string()),
  completed_at: z.optional(z.nullable(z.string())),
  /** Presigned URL, null until the job succeeded. A secret. */
  download_url: z.optional(z.nullable(z.string())),
});
export type JobExport = z.infer<typeof jobExportSchema>;

export const jobSchema = z.object({
  gid: z.string(),
  resource_type: z.optional(z.string()),
  /** `export_request` | `graph_export_request`. */
  resource_subtype: z.optional(z.string()),
  /** `not_started | in_progress | succeeded | failed`; kept as a string like `state` above. */
  status: z.string(),
  new_resource_export: z.optional(z.nullable(jobExportSchema)),
  new_graph_export: z.optional(z.nullable(jobExportSchema)),
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
  fields: z.optional(z.array(z.string())),
  filters: z.optional(z.record(z.string(), z.union([z.string(), z.array(z.string())]))),
});
export type ResourceExportParameterWire = z.infer<typeof resourceExportParameterWireSchema>;

export const resourceExportCreateBodySchema = z.object({
  data: z.object({
    workspace: z.string(),
    export_request_parameters: z.array(resourceExportParameterWireSchema).check(z.minLength(1)),
  }),
});
export type ResourceExportCreateBody = z.infer<typeof resourceExportCreateBodySchema>;

export const graphExportCreateBodySchema = z.object({
  data: z.object({ parent: z.string() }),
});
export type GraphExportCreateBody = z.infer<typeof graphExportCreateBodySchema>;
