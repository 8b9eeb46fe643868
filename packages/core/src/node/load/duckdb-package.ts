/** Which DuckDB `load` needs, in its own module so that help can name it without loading it. */
export const DUCKDB_PACKAGE = '@duckdb/node-api';
/**
 * The version load is tested with (the core's dependency, the CLI's optional peer: a test holds
 * the three equal). DuckDB's Node packages are all prereleases (`1.5.6-r.1`), which no semver
 * range beyond the exact version matches, so the hint names it.
 */
export const DUCKDB_VERSION = '1.5.6-r.1';
