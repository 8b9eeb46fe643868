// Injected into the bundle in place of `globalThis` (see build.mjs). zod keeps its global config
// and schema registry on `globalThis` so that copies of zod in one process share them; inside this
// bundle they become the bundle's own, which is also what keeps n8n's zod and ours apart.
export const bundleGlobals = {};
