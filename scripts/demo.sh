#!/usr/bin/env bash
# The demo from the README: sets the machine up, starts the local sandbox, and runs
# `asana-export run` once for each export kind, leaving verified files and manifests in ./demo-out.
set -euo pipefail
. "$(dirname "$0")/bootstrap.sh"
exec node scripts/demo.mjs "$@"
