#!/usr/bin/env bash
# The benchmarks from the README (not part of the test suite): sets the machine up, then runs
# bench/run.mjs, which writes JSON and Markdown results under bench/results/.
set -euo pipefail
# Debian's Ceph for the local S3 server, and rclone, the reference bench/store.mjs measures
# against (scripts/system-packages.sh: asks first on a terminal).
"$(dirname "$0")/system-packages.sh" ceph rclone
. "$(dirname "$0")/bootstrap.sh"
exec node bench/run.mjs "$@"
