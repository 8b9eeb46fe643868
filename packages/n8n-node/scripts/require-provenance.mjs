// prepublishOnly: n8n accepts community nodes only when published from a GitHub Actions workflow
// with npm provenance, and its scanner checks that first. A plain `npm publish` from a laptop
// would put a version on the registry that n8n refuses for ever (versions cannot be reused), so it
// is refused here, before anything is uploaded.
const env = process.env;
const inActions = env.GITHUB_ACTIONS === 'true';
const provenance = [env.npm_config_provenance, env.NPM_CONFIG_PROVENANCE].some(
  (value) => value?.toLowerCase() === 'true',
);
if (!inActions || !provenance) {
  const missing = [
    ...(inActions ? [] : ['it is not running in GitHub Actions']),
    ...(provenance ? [] : ['npm provenance is off (publish with --provenance)']),
  ];
  process.stderr.write(
    `Refusing to publish n8n-nodes-asana-exports: ${missing.join(' and ')}. n8n verifies only packages published with provenance from a GitHub Actions workflow; publish through the release workflow instead.\n`,
  );
  process.exit(1);
}
