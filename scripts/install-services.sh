#!/usr/bin/env bash
# The servers n8n's queue mode needs, PostgreSQL and Redis, from Debian's packages. Only installed
# here: each test run starts its own on free loopback ports and removes them afterwards
# (packages/n8n-node/test/support/services.mts), so nothing is left running and no port is assumed.
set -euo pipefail
# What is missing, the question on a terminal and the apt-get: scripts/system-packages.sh.
exec "$(dirname "${BASH_SOURCE[0]}")/system-packages.sh" services
