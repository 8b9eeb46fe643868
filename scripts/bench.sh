#!/usr/bin/env bash
# The benchmarks from the README (not part of the test suite): sets the machine up, then runs
# bench/run.mjs, which writes JSON and Markdown results under bench/results/.
set -euo pipefail
. "$(dirname "$0")/bootstrap.sh"
# Debian's Ceph for the local S3 server, and rclone, the reference bench/store.mjs measures against.
"$(dirname "$0")/install-ceph.sh"
if ! command -v rclone >/dev/null; then
  sudo=''
  if [ "$(id -u)" -ne 0 ]; then sudo='sudo'; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends rclone >/dev/null
fi
exec node bench/run.mjs "$@"
