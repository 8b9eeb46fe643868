#!/usr/bin/env bash
# The test command from the README: sets the machine up, then lints, type-checks and runs every test.
set -euo pipefail
. "$(dirname "$0")/bootstrap.sh"
pnpm -s lint
# A real n8n for the n8n node's end-to-end tests, from the npm registry into a cache outside the
# workspace (minutes the first time, then a check of a marker file).
packages/n8n-node/scripts/install-n8n.sh >/dev/null
# PostgreSQL and Redis for the n8n queue-mode tests, from Debian's packages.
scripts/install-services.sh
exec node scripts/run-tests.mjs "$@"
