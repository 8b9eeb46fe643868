import type { ExportKind } from './kinds.js';

/** How messages name what is being polled: users see job gids for resource and graph exports. */
export function describeExport(kind: ExportKind, gid: string): string {
  return kind === 'organization' ? `organization export ${gid}` : `${kind} export job ${gid}`;
}
