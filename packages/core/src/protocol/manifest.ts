/**
 * The manifest written next to each downloaded export: what was asked, what Asana reported,
 * what landed on disk and how to check it. It is JSON read by people, scripts and later runs,
 * so it carries its own version and a schema to read it back with.
 */

import * as z from 'zod/mini';
import { InputError } from './errors.js';
import { EXPORT_KINDS, type ExportKind, fileFormat } from './kinds.js';
import type { ExportRequest } from './params.js';
import type { RecordCounts } from './records.js';
import { toWireParameter } from './requests.js';
import type { ExportStatus } from './responses.js';
import { resourceExportParameterWireSchema } from './schemas.js';
import { TOOL_NAME, TOOL_VERSION } from './version.js';

export const MANIFEST_VERSION = 1;

const countSchema = z.number().check(z.int(), z.nonnegative());
const sha256Schema = z.string().check(z.regex(/^[0-9a-f]{64}$/));
/** An X25519 age recipient: `age1`, then 32 bytes and a checksum in lower-case Bech32. */
const ageRecipientSchema = z
  .string()
  .check(z.regex(/^age1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{58}$/));

/**
 * How the export was encrypted, when it was. `file` and `records` keep describing the plaintext
 * (the gzip file that decrypts out of it); this describes the ciphertext that was stored. Public
 * keys, a size and a hash: nothing here reveals content.
 */
export const manifestEncryptionSchema = z.object({
  format: z.literal('age'),
  /** Who can decrypt it: any one of these public keys' identities. */
  recipients: z.array(ageRecipientSchema).check(z.minLength(1)),
  /** The ciphertext on disk: `<file.name>.age`, its size and SHA-256. */
  file: z.object({ name: z.string(), bytes: countSchema, sha256: sha256Schema }),
});
export type ManifestEncryption = z.infer<typeof manifestEncryptionSchema>;

export const manifestSchema = z.object({
  manifestVersion: z.literal(MANIFEST_VERSION),
  tool: z.object({ name: z.literal(TOOL_NAME), version: z.string() }),
  kind: z.enum(EXPORT_KINDS),
  /** The gid the export was requested for, under the input's name. Empty when resumed by gid. */
  target: z.object({
    organization: z.optional(z.string()),
    workspace: z.optional(z.string()),
    parent: z.optional(z.string()),
  }),
  /** Organization export gid, or new_resource_export.gid / new_graph_export.gid. */
  exportGid: z.optional(z.string()),
  /** The job gid, for resource and graph exports. */
  jobGid: z.optional(z.string()),
  state: z.object({ raw: z.string(), outcome: z.enum(['waiting', 'done', 'failed']) }),
  createdAt: z.optional(z.string()),
  completedAt: z.optional(z.string()),
  downloadedAt: z.string(),
  durationMs: z.number().check(z.nonnegative()),
  file: z.object({
    name: z.string(),
    bytes: countSchema,
    sha256: sha256Schema,
    compression: z.literal('gzip'),
    format: z.enum(['json', 'jsonl']),
  }),
  /** Set when the export was stored encrypted; manifests without it (all before) stay valid. */
  encryption: z.optional(manifestEncryptionSchema),
  records: z.object({
    total: countSchema,
    byResourceType: z.optional(z.record(z.string(), countSchema)),
  }),
  /** Resource export parameters as sent to Asana. They hold gids and dates, never secrets. */
  parameters: z.optional(z.array(resourceExportParameterWireSchema)),
});
export type Manifest = z.infer<typeof manifestSchema>;

export interface BuildManifestArgs {
  /** Defaults to this package's version. */
  toolVersion?: string | undefined;
  /** Defaults to `status.kind`. */
  kind?: ExportKind | undefined;
  /** The last status read, the one whose download URL was used. */
  status: ExportStatus;
  /** What was requested; undefined when an existing export was resumed by gid. */
  request?: ExportRequest | undefined;
  /** ISO 8601; passed in because this module never reads the clock. */
  downloadedAt: string;
  /** Wall time of the whole run, creation (or resumption) to verified file. */
  durationMs: number;
  /** `format` defaults to the kind's format (`fileFormat`). */
  file: { name: string; bytes: number; sha256: string; format?: 'json' | 'jsonl' | undefined };
  records: RecordCounts;
  /** How the stored file was encrypted, when it was. */
  encryption?: ManifestEncryption | undefined;
}

export function buildManifest(args: BuildManifestArgs): Manifest {
  const { status, request } = args;
  const kind = args.kind ?? status.kind;
  const manifest: Manifest = {
    manifestVersion: MANIFEST_VERSION,
    tool: { name: TOOL_NAME, version: args.toolVersion ?? TOOL_VERSION },
    kind,
    target: targetOf(status, request),
    state: { raw: status.rawState, outcome: status.outcome },
    downloadedAt: args.downloadedAt,
    durationMs: args.durationMs,
    file: {
      name: args.file.name,
      bytes: args.file.bytes,
      sha256: args.file.sha256.toLowerCase(),
      compression: 'gzip',
      format: args.file.format ?? fileFormat(kind),
    },
    ...(args.encryption === undefined ? {} : { encryption: copyEncryption(args.encryption) }),
    records: { total: args.records.records },
  };
  // Optional keys are left out rather than set to undefined, so the JSON reads the same
  // whether written by this run or parsed back by the next.
  const exportGid = kind === 'organization' ? status.gid : status.exportGid;
  if (exportGid !== undefined) manifest.exportGid = exportGid;
  if (kind !== 'organization') manifest.jobGid = status.gid;
  if (status.createdAt !== undefined) manifest.createdAt = status.createdAt;
  if (status.completedAt !== undefined) manifest.completedAt = status.completedAt;
  if (args.records.byResourceType !== undefined) {
    manifest.records.byResourceType = { ...args.records.byResourceType };
  }
  if (request?.kind === 'resource') manifest.parameters = request.parameters.map(toWireParameter);
  return manifest;
}

function copyEncryption(encryption: ManifestEncryption): ManifestEncryption {
  return {
    format: encryption.format,
    recipients: [...encryption.recipients],
    file: {
      name: encryption.file.name,
      bytes: encryption.file.bytes,
      sha256: encryption.file.sha256.toLowerCase(),
    },
  };
}

/** What the export was made of, under the input's name; empty when resumed by a job gid. */
export function targetOf(
  status: ExportStatus,
  request: ExportRequest | undefined,
): Manifest['target'] {
  switch (request?.kind) {
    case 'organization':
      return { organization: request.organization };
    case 'resource':
      return { workspace: request.workspace };
    case 'graph':
      return { parent: request.parent };
    case undefined:
      // Resumed by gid: an organization export still names its organization.
      return status.organization ? { organization: status.organization.gid } : {};
  }
}

/** Reads a manifest written by an earlier run. */
export function parseManifest(text: string, input = 'manifest'): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InputError(input, 'is not JSON; expected a manifest written by asana-exports');
  }
  const result = manifestSchema.safeParse(json);
  if (!result.success) {
    const fields = result.error.issues.map((issue) => issue.path.join('.') || '(root)');
    throw new InputError(
      input,
      `is not a version ${MANIFEST_VERSION} asana-exports manifest; invalid fields: ${[...new Set(fields)].join(', ')}`,
    );
  }
  return result.data;
}
