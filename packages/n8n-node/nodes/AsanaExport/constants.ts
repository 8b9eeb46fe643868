export const ASANA_BASE_URL_DEFAULT = 'https://app.asana.com/api/1.0';

/** Split Into Items reads the whole export into memory: it is meant for small exports. */
export const DEFAULT_MAX_RECORDS = 1_000;
export const MAX_MAX_RECORDS = 100_000;

export const DEFAULT_BINARY_PROPERTY = 'data';
