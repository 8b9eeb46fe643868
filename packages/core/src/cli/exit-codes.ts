import type { ErrorCategory } from '../protocol/errors.js';

/** Exit codes scripts can branch on. 2 follows the Unix convention for usage errors. */
export const EXIT_CODES = {
  ok: 0,
  unexpected: 1,
  badInput: 2,
  apiRefused: 3,
  exportFailed: 4,
  timeout: 5,
  /** The local disk refused: full, read-only, not permitted. */
  localFile: 6,
  /** An encrypted export that none of the identities given (`--identity`) can decrypt. */
  decrypt: 7,
  /** The object storage given with `--to` refused or failed to store the export. */
  store: 8,
  /** `diff`: the report was made, and crosses a `--fail-on` limit (too many removed, changed...). */
  changesOverLimit: 9,
  /** `check`: no verified export, or the last one is older than `--max-age`. */
  stale: 10,
  /** 128 + SIGINT, as shells report an interrupted command. */
  cancelled: 130,
} as const;

export function exitCodeFor(category: ErrorCategory): number {
  switch (category) {
    case 'input':
      return EXIT_CODES.badInput;
    case 'api':
    case 'download':
    case 'network':
      return EXIT_CODES.apiRefused;
    case 'export-failed':
    case 'integrity':
      return EXIT_CODES.exportFailed;
    case 'timeout':
      return EXIT_CODES.timeout;
    case 'cancelled':
      return EXIT_CODES.cancelled;
    case 'local':
      return EXIT_CODES.localFile;
    case 'decrypt':
      return EXIT_CODES.decrypt;
    case 'store':
      return EXIT_CODES.store;
  }
}
