/** Kept equal to packages/core/package.json's version by a test; the protocol core cannot read files. */
export const TOOL_NAME = 'asana-exports';
export const TOOL_VERSION = '0.1.0';
export const USER_AGENT = `${TOOL_NAME}/${TOOL_VERSION} (+https://github.com/asana-exports/asana-exports)`;
