#!/usr/bin/env bash
# The test command from the README: sets the machine up, then lints, type-checks and runs every test.
set -euo pipefail
. "$(dirname "$0")/bootstrap.sh"
pnpm -s lint
exec node scripts/run-tests.mjs "$@"
