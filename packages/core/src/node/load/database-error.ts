import { AsanaExportError } from '../../protocol/errors.js';

/**
 * DuckDB refused or failed (`asana-export load`): the database file is locked, the disk is full,
 * memory ran out, or its native binding is missing. Exits as a local failure: nothing at Asana is
 * involved, and the exports loaded from are untouched.
 */
export class DatabaseError extends AsanaExportError {
  readonly category = 'local';
}
