#!/usr/bin/env bash
# The servers n8n's queue mode needs, PostgreSQL and Redis, from Debian's packages. Only installed
# here: each test run starts its own on free loopback ports and removes them afterwards
# (packages/n8n-node/test/support/services.mts), so nothing is left running and no port is assumed.
set -euo pipefail

missing=()
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo=''
if [ "$(id -u)" -ne 0 ]; then
  sudo='sudo'
fi
echo "Installing ${missing[*]} from Debian's packages for the queue-mode tests" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
